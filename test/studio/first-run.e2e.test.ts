import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { launchBrowser } from '../helpers/browser.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';
import { watch } from '../helpers/studio.ts';

let server: ServerProcess;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-first-run-'));
  server = await startServerProcess(dir);
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  server?.child.kill('SIGTERM');
  await server?.exited;
  rmSync(dir, { recursive: true, force: true });
});

it('the link `weir serve` prints opens the signed-in studio, and the token leaves the address bar', async () => {
  await expect.poll(() => /open the studio: (\S+)/.exec(server.output())?.[1]).toBeTruthy();
  const link = /open the studio: (\S+)/.exec(server.output())![1];
  const token = /admin token \(this start only[^:]*: (\S+)/.exec(server.output())![1];
  expect(link).toBe(`${server.url}/?token=${encodeURIComponent(token)}`);
  const page = await browser.newPage();
  watch(page, 'first-run');
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(link);
  // The example flow is listed; the token is kept by the page, not left in the URL or history.
  await page.getByRole('link', { name: 'hello' }).waitFor();
  expect(page.url()).not.toContain('token');
  await page.reload();
  await page.getByRole('link', { name: 'hello' }).waitFor();
  // A wrong saved token sends the user back to sign in with a reason.
  await page.evaluate("localStorage.setItem('weir.adminToken', 'wrong')");
  await page.reload();
  await page.getByText('did not accept the saved token').waitFor();
  await page.getByLabel('Admin token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('link', { name: 'hello' }).waitFor();
  expect(errors.filter((e) => !e.includes('401'))).toEqual([]);
}, 60_000);
