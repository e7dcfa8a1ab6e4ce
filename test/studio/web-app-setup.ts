import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import type { Studio } from '../helpers/studio.ts';

const CORPUS = path.resolve(import.meta.dirname, '../fixtures/corpus');
export const QUESTION = 'How many days of paid time off does a full-time employee get?';

/**
 * The chat flow "Add your data" makes over a data index of the handbook's time-off chapter, answered
 * by the default (offline, extractive) chat model, published as version 1.
 */
export async function publishChatFlow(studio: Studio): Promise<void> {
  await studio.admin('POST', '/api/indexes', { name: 'handbook' });
  await studio.admin('POST', '/api/indexes/handbook/documents?wait=true', {
    documents: [{ name: 'pto-policy.md', content: readFileSync(path.join(CORPUS, 'pto-policy.md'), 'utf8') }],
  });
  await studio.admin('POST', '/api/indexes/handbook/chat-flow', {});
  // The default chat model loads in the background (beforeAll: no expect.poll there).
  for (let i = 0; (await studio.admin('GET', '/api/deployments/default-chat')).state !== 'ready'; i++) {
    if (i > 300) throw new Error('the default chat deployment did not get ready');
    await new Promise((r) => setTimeout(r, 300));
  }
  await studio.admin('POST', '/api/flows/chat-handbook/publish', { message: 'web app' });
}

/** A deployment of the chat flow with its web app on (settings through the API). */
export async function deployChatApp(studio: Studio, name: string, webApp: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): Promise<void> {
  await studio.admin('POST', '/api/deployments', { name, flow: 'chat-handbook', traffic: [{ version: 1, weight: 100 }], ...extra });
  await studio.admin('PATCH', `/api/deployments/${name}`, { web_app: { enabled: true, title: `Ask ${name}`, ...webApp } });
}

/** A fresh browser page at the app (its own localStorage: a new visitor), collecting console errors. */
export async function openApp(studio: Studio, browser: Browser, app: string, opts: { width?: number; height?: number; errors?: string[] } = {}): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1280, height: opts.height ?? 860 } });
  const page = await context.newPage();
  if (opts.errors) {
    page.on('console', (m) => m.type() === 'error' && opts.errors!.push(m.text()));
    page.on('pageerror', (e) => opts.errors!.push(String(e)));
  }
  await page.goto(`${studio.server.url}/apps/${app}`);
  return page;
}

type Scope = Pick<FrameLocator, 'getByTestId' | 'getByLabel' | 'getByRole' | 'locator'>;

/** Sends a message from the composer (of a page or a frame) and waits until its answer ended (done or failed). */
export async function ask(page: Scope, text: string) {
  const before = await page.getByTestId('chat-assistant').count();
  await page.getByLabel('Message').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  const answer = page.getByTestId('chat-assistant').nth(before);
  await answer.and(page.locator('[data-status="done"]')).waitFor({ timeout: 60_000 });
  return answer;
}
