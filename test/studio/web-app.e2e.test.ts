/**
 * The web app of a chat flow deployment, against the real server and Chromium: switched on from the
 * deployment page (with its embed snippets; a flow that is not a chat is refused with the reason),
 * then used as a visitor would at /apps/{name}: a streamed answer citing its source with the passage
 * marked, the conversation back after a reload, thumbs down with a comment the admin API then shows,
 * deleting a conversation without a browser dialog, a phone-width screen, and axe-core's checks.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { expectNoSeriousA11yViolations } from './axe.ts';
import { ask, openApp, publishChatFlow, QUESTION } from './web-app-setup.ts';

let studio: Studio;
const errors: string[] = [];
/** A 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

beforeAll(async () => {
  studio = await startStudio({ examples: false });
  await publishChatFlow(studio);
  await studio.admin('POST', '/api/deployments', { name: 'helpdesk', flow: 'chat-handbook', traffic: [{ version: 1, weight: 100 }] });
  // A flow that answers, but is no chat: a string in, a string out, no history.
  await studio.admin('POST', '/api/flows', {
    weir: 1, name: 'shout', inputs: { text: { type: 'string' } }, outputs: { loud: '${upper.output}' },
    nodes: [{ name: 'upper', type: 'transform', inputs: { text: '${inputs.text}' }, config: { expression: '$uppercase(text)' } }],
  });
  await studio.admin('POST', '/api/flows/shout/publish', { message: 'one' });
  await studio.admin('POST', '/api/deployments', { name: 'shouter', flow: 'shout', traffic: [{ version: 1, weight: 100 }] });
}, 180_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

it('switches the web app on from the deployment page, with its link and embed snippets; a flow that is no chat says why', async () => {
  const page = await studio.open('deployments/helpdesk');
  watch(page, 'web-app-enable');
  const panel = page.getByRole('region', { name: 'Web app' });
  await panel.waitFor();
  expect(await panel.getByTestId('web-app-state').textContent()).toBe('off');
  await panel.getByLabel('Web app enabled').check();
  await panel.getByLabel('Title').fill('Handbook helper');
  await panel.getByLabel('Description').fill('Answers from the time-off chapter.');
  await panel.getByLabel('Own accent').check();
  await panel.getByLabel('Accent colour').fill('#ffd400');
  // A logo: too big a file is refused in the page, saying the limit; a small PNG is taken inline.
  await panel.getByLabel('Upload logo').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(70 * 1024, 1) });
  expect(await panel.getByRole('alert').textContent()).toContain('at most 64 KB');
  await panel.getByLabel('Upload logo').setInputFiles({ name: 'logo.png', mimeType: 'image/png', buffer: Buffer.from(PNG, 'base64') });
  await panel.getByRole('img', { name: 'Logo preview' }).waitFor();
  await panel.getByRole('button', { name: 'Save web app' }).click();
  await expect.poll(() => panel.getByTestId('web-app-state').textContent()).toBe('on');
  expect(await panel.getByRole('link', { name: 'Open app' }).getAttribute('href')).toBe('/apps/helpdesk');
  const origin = studio.server.url;
  expect(await panel.getByTestId('embed-script').textContent()).toBe(`<script src="${origin}/apps/helpdesk/embed.js" async></script>`);
  expect(await panel.getByTestId('embed-iframe').textContent()).toBe(`<iframe src="${origin}/apps/helpdesk?embed=1" title="Handbook helper" style="width:400px;height:600px;border:0"></iframe>`);
  expect(await panel.getByRole('button', { name: 'Copy script tag' }).count()).toBe(1);
  expect(await panel.getByRole('button', { name: 'Copy iframe' }).count()).toBe(1);
  const d = await studio.admin('GET', '/api/deployments/helpdesk');
  expect(d.web_app).toMatchObject({ enabled: true, title: 'Handbook helper', description: 'Answers from the time-off chapter.', accent: '#ffd400', auth: 'public', logo: `data:image/png;base64,${PNG}` });
  expect(d.app_url).toBe('/apps/helpdesk');
  await expectNoSeriousA11yViolations(page, 'deployment page with its web app on');

  const other = await studio.open('deployments/shouter');
  watch(other, 'web-app-not-chat');
  const refused = other.getByRole('region', { name: 'Web app' });
  await refused.getByLabel('Web app enabled').check();
  await refused.getByRole('button', { name: 'Save web app' }).click();
  const why = refused.getByTestId('not-chat-shaped');
  await why.waitFor();
  expect(await why.textContent()).toMatch(/cannot have a (chat )?web app: .*chat_history/i);
  expect((await studio.admin('GET', '/api/deployments/shouter')).app_url).toBeNull();
}, 60_000);

it('answers a visitor with a streamed, cited answer, its passage marked, and finds the conversation again after a reload', async () => {
  await ensureHelpdesk();
  const page = await openApp(studio, studio.browser, 'helpdesk', { errors });
  watch(page, 'web-app-ask');
  await page.getByRole('heading', { name: 'Handbook helper', level: 1 }).waitFor();
  expect(await page.locator('header img').getAttribute('src')).toBe(`data:image/png;base64,${PNG}`);
  // The accent is the app's own; the text on it is chosen to be readable (black on yellow).
  await page.getByLabel('Message').fill('x');
  const send = await page.evaluate(`(() => {
    const s = getComputedStyle([...document.querySelectorAll('button')].find((b) => b.textContent === 'Send'));
    return [s.backgroundColor, s.color];
  })()`);
  expect(send).toEqual(['rgb(255, 212, 0)', 'rgb(0, 0, 0)']);
  // Every state the answer passes through, seen as the page draws it.
  await recordAnswerStates(page);
  const answer = await ask(page, QUESTION);
  expect(await answer.textContent()).toContain('22 days');
  const seen = await page.evaluate<string[]>('window.seen');
  expect(seen.some((s) => s.startsWith('streaming:'))).toBe(true);
  expect(seen.at(-1)).toMatch(/^done:.*22 days/);
  // The transcript is a live region, so a screen reader reads the answer when it is complete.
  expect(await page.getByRole('log', { name: 'Conversation' }).getAttribute('aria-live')).toBe('polite');

  // The sources, opened from the keyboard: pto-policy.md, its heading path, the passage with the cited part marked.
  const sources = answer.getByRole('button', { name: /^Sources \(\d+\)$/ });
  await sources.focus();
  await page.keyboard.press('Enter');
  const panel = page.getByRole('complementary', { name: 'Citations' });
  const cite = panel.getByTestId('citation').first();
  await cite.waitFor();
  expect(await cite.textContent()).toContain('pto-policy.md');
  expect(await cite.getByTestId('citation-heading').textContent()).toContain('Paid time off');
  expect(await cite.locator('mark').first().textContent()).toContain('22 days');
  await expectNoSeriousA11yViolations(page, 'web app with an answer and its sources');
  expect(await page.evaluate('!!document.activeElement?.closest(\'[aria-label="Citations"]\')')).toBe(true);
  await page.keyboard.press('Escape');
  await panel.waitFor({ state: 'detached' });
  await expect.poll(() => page.evaluate('document.activeElement?.textContent')).toMatch(/^Sources/);
  // A [1] in the answer opens that source.
  await answer.getByRole('button', { name: 'Source 1', exact: true }).click();
  await expect.poll(() => page.evaluate('document.activeElement?.dataset?.citation')).toBe('1');
  await panel.getByRole('button', { name: 'Close sources' }).click();

  // A second question in the same conversation, then a reload: both come back, and the list has it once.
  await ask(page, 'How early should I request five days off?');
  await page.reload();
  await page.getByTestId('chat-user').nth(1).waitFor();
  expect(await page.getByTestId('chat-user').first().textContent()).toBe(QUESTION);
  expect(await page.getByTestId('chat-assistant').first().textContent()).toContain('22 days');
  const list = page.getByRole('navigation', { name: 'Conversations' });
  await expect.poll(() => list.getByTestId('conversation').count()).toBe(1);
  expect(await list.getByTestId('conversation').first().textContent()).toContain(QUESTION.slice(0, 40));
  expect(errors).toEqual([]);
}, 120_000);

it('streams the answer of a chat model deployment\'s app: pieces over server-sent events, put together on the page', async () => {
  await studio.admin('PATCH', '/api/deployments/default-chat', { web_app: { enabled: true, title: 'Model chat' } });
  const page = await openApp(studio, studio.browser, 'default-chat', { errors });
  watch(page, 'web-app-model-stream');
  await page.getByRole('heading', { name: 'Model chat', level: 1 }).waitFor();
  await recordAnswerStates(page);
  const response = page.waitForResponse((r) => r.url().endsWith('/apps/default-chat/chat'));
  const answer = await ask(page, 'Write about paid time off and holidays and leave.');
  const res = await response;
  expect(res.headers()['content-type']).toContain('text/event-stream');
  const deltas = [...(await res.text()).matchAll(/^event: delta\ndata: (.*)$/gm)].map((m) => (JSON.parse(m[1]) as { text: string }).text);
  expect(deltas.length).toBeGreaterThan(1);
  expect(await answer.locator('.chat-msg-body').textContent()).toBe(deltas.join(''));
  // While it streamed the page said so (and the transcript, a live region, was busy with it).
  const seen = await page.evaluate<string[]>('window.seen');
  expect(seen[0]).toBe('streaming:Thinking…');
}, 60_000);

it('takes a thumbs down with a comment, which the deployment\'s feedback then holds', async () => {
  await ensureHelpdesk();
  const page = await openApp(studio, studio.browser, 'helpdesk', { errors });
  watch(page, 'web-app-feedback');
  const answer = await ask(page, 'What happens to a request my manager does not answer?');
  // Copy puts the answer's text on the clipboard.
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: studio.server.url });
  await answer.getByRole('button', { name: 'Copy answer' }).click();
  await answer.getByRole('button', { name: 'Answer copied' }).waitFor();
  const copied = await page.evaluate<string>('navigator.clipboard.readText()');
  expect(copied).toContain('approved automatically');
  // The answer as written, its citations as [n] (the page draws them as buttons).
  expect(copied).toMatch(/\[\d+\]/);
  await answer.getByRole('button', { name: 'Bad answer' }).click();
  await expect.poll(() => answer.getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed')).toBe('true');
  await answer.getByLabel('What was wrong? (optional)').fill('Too vague about the three days.');
  await answer.getByRole('button', { name: 'Send comment' }).click();
  await answer.getByText('Thanks for the feedback').waitFor();
  const fb = await studio.admin('GET', '/api/deployments/helpdesk/feedback');
  const mine = fb.data.find((f: { comment: string | null }) => f.comment === 'Too vague about the three days.');
  expect(mine).toMatchObject({ rating: 'down', question: 'What happens to a request my manager does not answer?' });
  // The deployment page lists it, with the comment.
  const admin = await studio.open('deployments/helpdesk');
  watch(admin, 'web-app-feedback-admin');
  const item = admin.getByTestId('web-app-feedback').getByTestId('feedback-item').filter({ hasText: 'Too vague about the three days.' });
  await item.waitFor();
  expect(await item.getAttribute('data-rating')).toBe('down');
  expect(Number(await admin.getByTestId('feedback-down').textContent())).toBeGreaterThanOrEqual(1);
  // Reloaded, the rating is still shown as given.
  await page.reload();
  await expect.poll(() => page.getByTestId('chat-assistant').first().getByRole('button', { name: 'Bad answer' }).getAttribute('aria-pressed')).toBe('true');
}, 90_000);

it('starts a new chat and deletes a conversation, asking in the page, not in a browser dialog', async () => {
  await ensureHelpdesk();
  const page = await openApp(studio, studio.browser, 'helpdesk', { errors });
  watch(page, 'web-app-delete');
  let dialogs = 0;
  page.on('dialog', (d) => {
    dialogs++;
    void d.dismiss();
  });
  await ask(page, 'Does PTO accrue monthly?');
  await page.getByRole('button', { name: 'New chat' }).click();
  await expect.poll(() => page.getByTestId('chat-user').count()).toBe(0);
  await expect.poll(() => page.evaluate("document.activeElement?.getAttribute('aria-label')")).toBe('Message');
  await ask(page, 'How much PTO after five years?');
  const list = page.getByRole('navigation', { name: 'Conversations' });
  await expect.poll(() => list.getByTestId('conversation').count()).toBe(2);
  await list.getByRole('button', { name: 'Delete conversation Does PTO accrue monthly?' }).click();
  await list.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect.poll(() => list.getByTestId('conversation').count()).toBe(1);
  expect(dialogs).toBe(0);
  // The conversation shown is still the other one; the API no longer lists the deleted one.
  expect(await page.getByTestId('chat-user').first().textContent()).toBe('How much PTO after five years?');
}, 90_000);

it('is usable on a 375 px wide phone: nothing overflows, the conversations open as a drawer, the sources as a sheet', async () => {
  await ensureHelpdesk();
  const page = await openApp(studio, studio.browser, 'helpdesk', { width: 375, height: 740, errors });
  watch(page, 'web-app-phone');
  await page.getByRole('heading', { name: 'Handbook helper', level: 1 }).waitFor();
  const nav = page.getByRole('navigation', { name: 'Conversations' });
  expect(await nav.isVisible()).toBe(false);
  const answer = await ask(page, QUESTION);
  expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
  await answer.getByRole('button', { name: /^Sources/ }).click();
  const sheet = page.getByRole('complementary', { name: 'Citations' });
  const box = (await sheet.boundingBox())!;
  expect(box.width).toBeGreaterThan(340);
  await sheet.getByRole('button', { name: 'Close sources' }).click();
  await page.getByRole('button', { name: 'Conversations' }).click();
  await nav.waitFor({ state: 'visible' });
  expect(await nav.getByTestId('conversation').count()).toBe(1);
  await expectNoSeriousA11yViolations(page, 'web app on a phone, conversations open');
  await page.keyboard.press('Escape');
  await nav.waitFor({ state: 'hidden' });
  expect(errors).toEqual([]);
}, 90_000);

it('says an app that is off or unknown is not available', async () => {
  const page = await studio.browser.newPage();
  const res = await page.goto(`${studio.server.url}/apps/no-such-app`);
  expect(res?.status()).toBe(404);
  expect(await page.textContent('body')).toContain('This app is not available');
  await page.close();
});

/** Records, as window.seen, each state and length of the last answer as the page draws it. */
async function recordAnswerStates(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.seen = [];
    new MutationObserver(() => {
      const el = [...document.querySelectorAll('[data-testid="chat-assistant"]')].pop();
      if (el) window.seen.push(el.dataset.status + ':' + (el.querySelector('.chat-msg-body')?.textContent ?? ''));
    }).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
  })()`);
}

/** The first test switches the app on from the page; a test run alone does it through the API. */
async function ensureHelpdesk(): Promise<void> {
  const d = await studio.admin('GET', '/api/deployments/helpdesk');
  if (!d.web_app?.enabled) {
    await studio.admin('PATCH', '/api/deployments/helpdesk', { web_app: { enabled: true, title: 'Handbook helper', accent: '#ffd400', logo: `data:image/png;base64,${PNG}` } });
  }
}
