/**
 * The web app where it meets limits and other pages, against the real server and Chromium: a visitor
 * over the app's messages a minute reads a 429 as a readable message with its retry time, a prompt a
 * safety blocklist refuses is said to be filtered, an app with key auth asks for the key, the script
 * tag embed on a plain page of another origin opens the app in its bubble, and the editor's chat
 * panel talks to the draft of a chat flow.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { expectNoSeriousA11yViolations } from './axe.ts';
import { ask, deployChatApp, openApp, publishChatFlow, QUESTION } from './web-app-setup.ts';

let studio: Studio;
let host: http.Server | undefined;

beforeAll(async () => {
  studio = await startStudio({ examples: false });
  await publishChatFlow(studio);
}, 180_000);
afterAll(async () => {
  host?.closeAllConnections();
  await new Promise((r) => (host ? host.close(r) : r(undefined)));
  await studio?.close();
}, 30_000);

it('shows a visitor over the app\'s limit a readable message with the time to wait', async () => {
  await deployChatApp(studio, 'limited', { rpm: 1 });
  const page = await openApp(studio, studio.browser, 'limited');
  watch(page, 'web-app-429');
  const first = await ask(page, QUESTION);
  expect(await first.textContent()).toContain('22 days');
  // One message a minute: the second is refused, or, when the first fell just before a minute's end,
  // the third (three in a few seconds cannot all fall in different minutes).
  let refused = await ask(page, 'And after five years?');
  if (!(await refused.getByTestId('chat-error').count())) refused = await ask(page, 'And after ten years?');
  const error = refused.getByTestId('chat-error');
  expect(await error.getAttribute('data-code')).toMatch(/rate_limit|quota/);
  expect(await error.textContent()).toMatch(/Too many messages right now.*try again in \d+ seconds?/i);
  expect(await error.getAttribute('role')).toBe('alert');
  await expectNoSeriousA11yViolations(page, 'web app showing a refused message');
  // The refusal is kept with the conversation: a reload shows it again.
  await page.reload();
  await page.getByTestId('chat-error').waitFor();
  expect(await page.getByTestId('chat-error').textContent()).toContain('Too many messages');
}, 90_000);

it('says a prompt the content filter refused was blocked, and the next one is answered', async () => {
  await studio.admin('PUT', '/api/blocklists/rivals', { items: [{ id: 'acme', term: 'acme corp' }] });
  await studio.admin('PUT', '/api/safety-policies/no-rivals', { blocklists: ['rivals'] });
  await deployChatApp(studio, 'guarded', {}, { safety_policy: 'no-rivals' });
  const page = await openApp(studio, studio.browser, 'guarded');
  watch(page, 'web-app-filtered');
  const refused = await ask(page, 'Does Acme Corp give more days off?');
  const error = refused.getByTestId('chat-error');
  expect(await error.getAttribute('data-code')).toBe('content_filter');
  expect(await error.textContent()).toContain('blocked by the content filter');
  const fine = await ask(page, QUESTION);
  expect(await fine.textContent()).toContain('22 days');
}, 90_000);

it('asks for the access key of an app with key auth, refuses a wrong one and answers with the right one', async () => {
  await deployChatApp(studio, 'private', { auth: 'key' });
  const key = (await studio.admin('POST', '/api/deployments/private/keys', { name: 'visitors' })).key as string;
  const page = await openApp(studio, studio.browser, 'private');
  watch(page, 'web-app-key');
  const form = page.getByRole('form', { name: 'Access key required' });
  await form.waitFor();
  await expectNoSeriousA11yViolations(page, 'web app asking for its key');
  await form.getByLabel('Access key', { exact: true }).fill('wk-not-the-key');
  await form.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('form', { name: 'Access key required' }).getByRole('alert').waitFor();
  expect(await page.getByRole('alert').first().textContent()).toContain('refused');
  await page.getByLabel('Access key', { exact: true }).fill(key);
  await page.getByRole('button', { name: 'Continue' }).click();
  const answer = await ask(page, QUESTION);
  expect(await answer.textContent()).toContain('22 days');
  // The key is kept for the next visit.
  await page.reload();
  await page.getByTestId('chat-user').first().waitFor();
  expect(await page.getByRole('form', { name: 'Access key required' }).count()).toBe(0);
}, 90_000);

it('embeds the app with its script tag on a plain page of another origin: the bubble opens it, it answers, Escape closes it', async () => {
  await deployChatApp(studio, 'embedded', { title: 'Embedded helper' });
  const src = `${studio.server.url}/apps/embedded/embed.js`;
  host = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><html lang="en"><head><title>A shop</title></head><body><h1>A shop</h1><p>Plain page.</p><script src="${src}" async></script></body></html>`);
  });
  await new Promise<void>((r) => host!.listen(0, '127.0.0.1', r));
  const origin = `http://localhost:${(host.address() as AddressInfo).port}`;
  expect(new URL(origin).origin).not.toBe(new URL(studio.server.url).origin);
  const page = await studio.browser.newPage({ viewport: { width: 1280, height: 860 } });
  watch(page, 'web-app-embed');
  await page.goto(origin);
  const bubble = page.getByRole('button', { name: /^Open chat/ });
  await bubble.waitFor();
  // One global, the guard; nothing else leaks onto the host page.
  const globals = await page.evaluate<string[]>('Object.keys(window).filter((k) => /weir/i.test(k))');
  expect(globals).toEqual(['__weirEmbed']);
  await bubble.click();
  expect(await page.getByRole('button', { name: /^Close chat/ }).getAttribute('aria-expanded')).toBe('true');
  const app = page.frameLocator('iframe[title="embedded"]');
  await app.getByRole('heading', { name: 'Embedded helper' }).waitFor();
  const answer = await ask(app, QUESTION);
  expect(await answer.textContent()).toContain('22 days');
  await page.keyboard.press('Escape');
  await expect.poll(() => page.locator('iframe').isVisible()).toBe(false);
  expect(await page.getByRole('button', { name: /^Open chat/ }).getAttribute('aria-expanded')).toBe('false');
  await page.close();
}, 90_000);

it('chats with the draft of a chat flow from the editor\'s chat panel, history included', async () => {
  const page = await studio.open('flows/chat-handbook');
  watch(page, 'editor-chat-panel');
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  const panel = page.getByRole('complementary', { name: 'Chat with this flow' });
  const answer = await ask(panel, QUESTION);
  expect(await answer.textContent()).toContain('22 days');
  await answer.getByRole('button', { name: /^Sources/ }).click();
  expect(await panel.getByTestId('citation').first().textContent()).toContain('pto-policy.md');
  await panel.getByRole('button', { name: 'Close sources' }).click();
  // A second turn runs with the first as chat_history.
  await ask(panel, 'And after five years?');
  const runs = await studio.admin('GET', '/api/runs?flow=chat-handbook&limit=1');
  const last = await studio.admin('GET', `/api/runs/${runs.data[0].id}`);
  expect(last.inputs.chat_history).toEqual([{ inputs: { question: QUESTION }, outputs: { answer: expect.stringContaining('22 days') } }]);
  await expectNoSeriousA11yViolations(page, 'editor with its chat panel open');
  // Closing and opening the panel keeps the conversation.
  await panel.getByRole('button', { name: 'Close chat' }).click();
  await page.getByRole('button', { name: 'Chat', exact: true }).click();
  expect(await panel.getByTestId('chat-user').count()).toBe(2);
}, 120_000);
