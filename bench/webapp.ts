/**
 * A web app's first answer token (#17): from pressing Send in the real chat page (Chromium) to the
 * first piece of the answer on screen, against the same question sent with curl to the deployment's
 * /v1/chat/completions stream (to its first content chunk) — same server, same model, same run,
 * alternated call by call. Also printed: the app's own chat route read by a plain client (the
 * server's share, without the page). BENCH_CALLS (default 30) of each. Prints JSON lines.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser } from '../test/helpers/browser.ts';
import { ms, print, round, median } from './lib/report.ts';
import { adminClient, startChild } from './lib/weir-process.ts';

const ADMIN = 'bench-admin-token';
const CALLS = Number(process.env.BENCH_CALLS ?? 30);
/** A new question each call, each in a new conversation: no path gets an answer the model worked out for another. */
let asked = 0;
const question = () => `Weir runs flows on laptop ${++asked}. Weir deploys them as keyed endpoints. What does Weir do?`;

/** curl -N on the OpenAI route: ms from spawning it to the first chunk carrying content. */
function curlFirstToken(url: string, key: string): Promise<number> {
  const body = JSON.stringify({ model: 'chat', stream: true, messages: [{ role: 'user', content: question() }] });
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn('curl', ['-sN', '-X', 'POST', `${url}/v1/chat/completions`, '-H', `authorization: Bearer ${key}`, '-H', 'content-type: application/json', '-d', body]);
    let out = '';
    let done = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!done && /"content":"[^"]/.test(out)) {
        done = true;
        resolve(performance.now() - t0);
      }
    });
    child.on('close', () => done || reject(new Error(`curl ended without a token: ${out.slice(0, 300)}`)));
  });
}

/** The app's chat route read with fetch: ms to its first `delta` event. */
async function apiFirstToken(url: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${url}/apps/chat/chat`, { method: 'POST', headers: { 'content-type': 'application/json', 'weir-visitor': 'bench-visitor-api-0001' }, body: JSON.stringify({ message: question() }) });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let at: number | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (at === undefined && text.includes('event: delta')) at = performance.now() - t0;
  }
  if (at === undefined) throw new Error(`no delta from the app: ${text.slice(0, 300)}`);
  return at;
}

/** Runs in the page: clicks Send, resolves with the ms until the new answer shows text ("Thinking…" is not text). */
const FIRST_TOKEN_ON_SCREEN = `new Promise((resolve) => {
  const before = document.querySelectorAll('[data-testid="chat-assistant"]').length;
  const shown = () => {
    const answers = document.querySelectorAll('[data-testid="chat-assistant"]');
    if (answers.length <= before) return false;
    const body = answers[answers.length - 1].querySelector('.chat-msg-body').cloneNode(true);
    body.querySelectorAll('.chat-muted').forEach((e) => e.remove());
    return body.textContent.trim() !== '';
  };
  const t0 = performance.now();
  const seen = new MutationObserver(() => {
    if (!shown()) return;
    seen.disconnect();
    resolve(performance.now() - t0);
  });
  seen.observe(document.body, { subtree: true, childList: true, characterData: true });
  [...document.querySelectorAll('button')].find((b) => b.textContent === 'Send').click();
})`;

const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bench-webapp-'));
const server = await startChild(['bin/weir.js', 'serve', '--port', '0', '--data-dir', dir], { WEIR_ADMIN_TOKEN: ADMIN });
const browser = await launchBrowser();
try {
  const admin = adminClient(server.url, ADMIN);
  await admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  for (let i = 0; i < 100 && (await admin('GET', '/api/deployments/chat')).state !== 'ready'; i++) await new Promise((r) => setTimeout(r, 100));
  const key = ((await admin('POST', '/api/deployments/chat/keys', {})) as { key: string }).key;
  await admin('PATCH', '/api/deployments/chat', { web_app: { enabled: true, title: 'Bench', rpm: 100_000 } });

  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(`${server.url}/apps/chat`);
  await page.getByLabel('Message').waitFor();
  /** ms from the Send click to the newest answer showing text (the page's own clock), in a new conversation. */
  const pageFirstToken = async (): Promise<number> => {
    await page.getByRole('button', { name: 'New chat' }).first().click();
    await page.getByLabel('Message').fill(question());
    return page.evaluate(FIRST_TOKEN_ON_SCREEN) as Promise<number>;
  };
  const idle = () => page.locator('[data-testid="chat-assistant"][data-status="streaming"]').waitFor({ state: 'detached' });

  // One of each first: the model is loaded and the page's code has run once.
  await curlFirstToken(server.url, key);
  await apiFirstToken(server.url);
  await pageFirstToken();
  await idle();
  const curl: number[] = [];
  const api: number[] = [];
  const app: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    curl.push(await curlFirstToken(server.url, key));
    api.push(await apiFirstToken(server.url));
    app.push(await pageFirstToken());
    await idle();
  }
  print({ bench: 'webapp-first-token', calls: CALLS, model: 'weir-extractive', curl_v1: ms(curl), app_route: ms(api), app_page: ms(app), page_over_curl_ms: round(median(app) - median(curl), 2) });
} finally {
  await browser.close();
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
