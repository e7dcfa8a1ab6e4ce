import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { onTestFailed } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { launchBrowser } from './browser.ts';
import { staleStudioBuild } from './fresh-build.ts';

const SHOTS = path.resolve(import.meta.dirname, '../../test-results/screenshots');
export const ADMIN = 'studio-admin-token';

export interface Studio {
  server: RunningServer;
  browser: Browser;
  /** A fresh page signed in with the admin token, at `#/<route>`; console errors are collected. `locale` is the browser's (e.g. de-DE). */
  open(route?: string, opts?: { locale?: string }): Promise<Page>;
  /** Console errors and uncaught page errors seen so far (a studio page should have none). */
  consoleErrors: string[];
  /** Calls the management API as admin. */
  admin<T = any>(method: string, url: string, body?: unknown): Promise<T>;
  close(): Promise<void>;
}

/**
 * The real server (loopback, free port, its own data folder) serving the built studio, and Debian's
 * Chromium. Call `watch(page)` inside a test so a failure saves a screenshot under test-results/.
 */
export async function startStudio(opts: { examples?: boolean } = {}): Promise<Studio> {
  // A missing or stale dist/editor would test code that is no longer there (or, with no build, the
  // server falls back to the unbuilt editor/ sources), so refuse it before starting anything.
  const stale = staleStudioBuild();
  if (stale) throw new Error(stale);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-studio-'));
  const server = await startServer({
    registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN,
    examplesDir: opts.examples === false ? null : undefined,
  });
  const browser = await launchBrowser();
  const consoleErrors: string[] = [];
  const pages: Page[] = [];
  return {
    server, browser, consoleErrors,
    async open(route = 'flows', opts = {}) {
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 }, locale: opts.locale });
      pages.push(page);
      page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
      page.on('pageerror', (e) => consoleErrors.push(String(e)));
      await page.goto(`${server.url}/?token=${ADMIN}#/${route}`);
      return page;
    },
    async admin(method, url, body) {
      const res = await fetch(server.url + url, {
        method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of `page` when the current test fails. */
export function watch(page: Page, name: string): void {
  onTestFailed(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const file = path.join(SHOTS, `${name.replace(/[^\w-]+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
    console.error(`screenshot of the failed test: ${file}`);
  });
}
