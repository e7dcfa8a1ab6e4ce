import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NodeRegistry } from '../engine/registry.ts';
import { startServer, type RunningServer } from '../engine/server.ts';
import { builtinNodes } from '../nodes/index.ts';
import { launchBrowser } from './helpers/browser.ts';
import { expectNoSeriousA11yViolations } from './studio/axe.ts';

let server: RunningServer;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-docs-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: 'docs-admin' });
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const admin = (url: string, body: unknown) =>
  fetch(server.url + url, { method: 'POST', headers: { authorization: 'Bearer docs-admin', 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json() as Promise<any>);

it('the API reference page loads a deployment with its key and sends a request from the browser', async () => {
  // The example flow `hello` is loaded into an empty store at first start.
  await admin('/api/flows/hello/publish', { message: 'docs' });
  await admin('/api/deployments', { name: 'hello', flow: 'hello' });
  const { key } = await admin('/api/deployments/hello/keys', {});
  const page = await browser.newPage();
  await page.goto(`${server.url}/docs`);
  await page.fill('#name', 'hello');
  await page.fill('#key', key);
  await page.click('#f button');
  await page.waitForSelector('.op');
  expect(await page.textContent('#out h2')).toContain('flow hello');
  const op = page.locator('.op').first();
  await op.locator('textarea').fill(JSON.stringify({ name: 'Browser', excited: true }));
  await op.locator('button').click();
  await expect.poll(() => op.locator('.res').textContent()).toContain('HELLO, BROWSER!');
  expect(await op.locator('.res').textContent()).toContain('weir-version: 1');
  await page.fill('#key', 'wrong');
  await page.click('#f button');
  await expect.poll(() => page.textContent('#out')).toContain('missing or invalid key');
}, 60_000);

it('the API reference page leads back into the studio from its header, and reads well to axe-core', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}/docs`);
  const back = page.getByRole('navigation', { name: 'Weir' }).getByRole('link', { name: '← Weir studio' });
  expect(await back.getAttribute('href')).toBe('/');
  await expectNoSeriousA11yViolations(page, '/docs');
  await back.click();
  await page.waitForURL(`${server.url}/`);
  expect(await page.title()).toBe('Weir studio');
  await page.close();
}, 60_000);
