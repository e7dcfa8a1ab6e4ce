/**
 * The Monitoring page against the real server: a monitor made from the page's form on a deployed
 * flow, real calls through its endpoint scored by an evaluator flow of the workspace, the page's
 * metrics and token statistics as the API reports them, a check on demand raising an alert that is
 * listed with its webhook delivery (a real loopback HTTP server), and the deployments list.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { chat, until } from './gateway-calls.ts';
import { EXACT_SCORE_FLOW } from '../helpers/batch-flows.ts';

let studio: Studio;
let key: string;
let hook: Server;
const received: any[] = [];


/** Console errors but Chromium's log of the 400 the form provokes on purpose. */
const unexpectedErrors = () => studio.consoleErrors.filter((e) => !e.includes('status of 400 (Bad Request)'));

const monitor = () => studio.admin('GET', '/api/deployments/greeter/monitor');

async function greet(name: string): Promise<void> {
  const res = await fetch(`${studio.server.url}/deployments/greeter/score`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }),
  });
  expect(res.status, await res.text()).toBe(200);
}

beforeAll(async () => {
  studio = await startStudio();
  await studio.admin('POST', '/api/flows/hello/publish', { message: 'first' });
  await studio.admin('POST', '/api/deployments', { name: 'greeter', flow: 'hello' });
  await studio.admin('POST', '/api/deployments', { name: 'quiet', flow: 'hello' });
  key = (await studio.admin('POST', '/api/deployments/greeter/keys', {})).key;
  const res = await fetch(`${studio.server.url}/api/flows`, { method: 'POST', headers: { authorization: 'Bearer studio-admin-token', 'content-type': 'application/yaml' }, body: EXACT_SCORE_FLOW });
  expect(res.status, await res.text()).toBe(201);
  hook = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => (received.push(JSON.parse(text)), res.writeHead(204).end()));
  });
  await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', ok));
  const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`;
  await studio.admin('PUT', '/api/connections/ops-hook', { type: 'http', settings: { base_url: url, allow_private_network: true }, secrets: { api_key: 'hook-secret' } });
}, 60_000);
afterAll(async () => {
  await studio?.close();
  await new Promise((ok) => hook?.close(ok));
}, 30_000);

async function openPage(route: string, shot: string): Promise<Page> {
  const page = await studio.open(route);
  watch(page, shot);
  return page;
}

it('creates a monitor from the form, shows the scores of real calls as the API does, and lists the alert a check raises', async () => {
  const page = await openPage('flows', 'monitoring-detail');
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Monitoring' }).click();
  await page.getByRole('heading', { name: 'Monitoring', level: 1 }).waitFor();
  const list = page.getByRole('table', { name: 'Monitors by deployment' });
  await expect.poll(() => list.getByTestId('monitor-row-greeter').textContent()).toContain('no monitor');
  await list.getByRole('link', { name: 'greeter' }).click();
  await page.getByRole('heading', { name: 'greeter', level: 1 }).waitFor();
  // The monitor view loads after the page's heading: waited for, not counted at once.
  await page.getByRole('heading', { name: 'No monitor yet' }).waitFor();

  // Opened from the keyboard; the form starts from Azure's defaults.
  await page.getByRole('button', { name: 'Create monitor' }).focus();
  await page.keyboard.press('Enter');
  const form = page.getByRole('dialog', { name: 'Monitor greeter' });
  await form.waitFor();
  expect(await form.getByLabel('Sampling rate').inputValue()).toBe('0.1');
  expect(await form.getByLabel('Pass rate').inputValue()).toBe('0.7');
  expect(await form.getByLabel('Window (hours)').inputValue()).toBe('168');
  expect(await form.getByLabel('Check every (minutes)').inputValue()).toBe('60');
  const first = form.getByRole('group', { name: 'Evaluator 1' });
  // A shipped evaluator reads its known inputs; the call's answer is mapped by name when it has one.
  expect(await first.getByRole('combobox', { name: 'Evaluator' }).inputValue()).toBe('evaluator:f1_score');
  await first.getByLabel('ground_truth', { exact: true }).waitFor();
  expect(await first.getByLabel('answer', { exact: true }).inputValue()).toBe('');

  // The workspace's evaluator flow, its inputs from its definition.
  await form.getByLabel('Sampling rate').fill('1');
  await first.getByRole('combobox', { name: 'Evaluator' }).selectOption('flow:exact');
  await first.getByLabel('expected', { exact: true }).waitFor();
  expect(await first.getByLabel('ground_truth', { exact: true }).count()).toBe(0);
  expect(await first.getByRole('spinbutton', { name: 'Threshold' }).inputValue()).toBe('3');
  await first.getByLabel('answer', { exact: true }).fill('${outputs.greeting}');
  await first.getByLabel('expected', { exact: true }).fill('Hello, world! Welcome to Weir.');
  await form.getByRole('combobox', { name: 'Webhook connection' }).selectOption('ops-hook');

  // A refusal is the server's, in the dialog, until the form changes.
  await form.getByLabel('Pass rate').fill('1.5');
  await form.getByRole('button', { name: 'Create monitor' }).click();
  const refusal = form.getByRole('alert');
  await refusal.waitFor();
  expect(await refusal.textContent()).toContain('pass_rate');
  expect((await monitor()).monitor).toBeNull();
  await form.getByLabel('Pass rate').fill('0.7');
  expect(await form.getByRole('alert').count()).toBe(0);
  await form.getByRole('button', { name: 'Create monitor' }).click();
  await form.waitFor({ state: 'detached' });
  expect((await monitor()).monitor).toEqual({
    enabled: true, sampling_rate: 1, pass_rate: 0.7, window_hours: 168, schedule_minutes: 60, webhook: 'ops-hook',
    evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.greeting}', expected: 'Hello, world! Welcome to Weir.' }, threshold: 3 }],
  });
  const settings = page.getByRole('region', { name: 'Monitor settings' });
  expect(await settings.getByTestId('monitor-sampling').textContent()).toBe('100% of calls');
  expect(await page.getByText('enabled', { exact: true }).count()).toBe(1);

  // Real calls through the endpoint: two answers as expected, three not.
  for (const name of ['world', 'world', 'Ada', 'Grace', 'Linus']) await greet(name);
  await studio.server.workspace.monitors.flush();
  await until('the five calls to be scored', async () => (await monitor()).metrics[0]?.count === 5, 20_000);
  await until('the five calls to be metered', async () => (await monitor()).tokens.calls === 5, 20_000);
  const api = await monitor();
  expect(api.metrics[0]).toMatchObject({ evaluator: 'exact', threshold: 3, count: 5, missing: 0, mean: 2.6, pass_rate: 0.4 });

  await page.getByRole('button', { name: 'Refresh' }).click();
  const metrics = page.getByRole('table', { name: 'Evaluator metrics' });
  const row = metrics.getByTestId('metric-exact');
  await expect.poll(() => row.getByTestId('metric-count').textContent()).toBe('5');
  expect(await row.getByTestId('metric-missing').textContent()).toBe('0');
  expect(await row.getByTestId('metric-mean').getAttribute('title')).toBe(String(api.metrics[0].mean));
  expect(await row.getByTestId('metric-mean').textContent()).toBe('2.6');
  expect(await row.getByTestId('metric-pass-rate').getAttribute('title')).toBe(String(api.metrics[0].pass_rate));
  expect(await row.textContent()).toContain('40% / 70%');
  expect(await row.getByText('below').count()).toBe(1);
  // Over time: a point per day of the week's window with scores, as the API's series has them.
  const points = page.getByRole('region', { name: 'Evaluators' }).getByTestId('series-point');
  expect(await points.evaluateAll((els) => els.map((e) => [e.getAttribute('data-at'), Number(e.getAttribute('data-pass-rate')), Number(e.getAttribute('data-count'))]))).toEqual(
    api.metrics[0].series.map((p: any) => [p.at, p.pass_rate, p.count]),
  );
  expect(await page.getByRole('img', { name: /^Pass rate of exact by day/ }).getAttribute('aria-label')).toContain('below the required 70%');
  const tokens = page.getByRole('region', { name: 'Tokens' });
  expect(await tokens.getByTestId('token-calls').textContent()).toBe('5');
  for (const side of ['input', 'output'] as const) {
    for (const stat of ['mean', 'p50', 'p95'] as const) {
      expect(await tokens.getByTestId(`${side}-${stat}`).textContent()).toBe(String(Math.round(api.tokens[`${side}_tokens`][stat] * 100) / 100));
    }
  }
  const alerts = page.getByRole('region', { name: 'Alerts' });
  expect(await alerts.getByText('No alerts in the window.').count()).toBe(1);

  // Check now: 40 % of the scored calls pass, below the 70 % asked; the alert is listed and delivered.
  await page.getByRole('button', { name: 'Check now' }).click();
  const alert = alerts.getByRole('table', { name: 'Alerts' }).getByTestId('alert-row');
  await alert.first().waitFor();
  const listed = (await studio.admin('GET', '/api/alerts?deployment=greeter')).data;
  expect(listed).toHaveLength(1);
  expect(listed[0]).toMatchObject({ evaluator: 'exact', metric: 'pass_rate', value: 0.4, threshold: 0.7, samples: 5, delivery: 'sent' });
  expect(await alert.count()).toBe(1);
  expect(await alert.getAttribute('data-alert')).toBe(listed[0].id);
  expect(await alert.getByRole('cell').allTextContents()).toEqual([expect.any(String), 'exact', '40% / 70%', '5', '7 days', 'sent']);
  expect(await alert.getByRole('cell').first().getAttribute('title')).toBe(listed[0].at);
  expect(received.map((r) => r.id)).toEqual([listed[0].id]);
  expect(unexpectedErrors()).toEqual([]);
}, 90_000);

it('lists each deployment with its monitor\'s state and latest alert; edits and deletes a monitor', async () => {
  const page = await openPage('monitoring', 'monitoring-list');
  const list = page.getByRole('table', { name: 'Monitors by deployment' });
  const greeter = list.getByTestId('monitor-row-greeter');
  await greeter.waitFor();
  expect(await greeter.getByRole('cell').nth(2).textContent()).toBe('enabled');
  expect(await greeter.textContent()).toContain('exact ≥ 3');
  expect(await greeter.textContent()).toContain('exact 40% < 70%');
  expect(await list.getByTestId('monitor-row-quiet').textContent()).toContain('no monitor');
  expect(await list.getByTestId('monitor-row-quiet').textContent()).toContain('none in 30 days');

  // Edit: disabled, a second evaluator added (shipped), the first kept as it was.
  await list.getByRole('link', { name: 'greeter' }).click();
  await page.getByRole('button', { name: 'Edit monitor' }).click();
  const form = page.getByRole('dialog', { name: 'Edit the monitor of greeter' });
  await form.getByLabel('Enabled (sample and check calls)').uncheck();
  await form.getByRole('button', { name: 'Add evaluator' }).click();
  const second = form.getByRole('group', { name: 'Evaluator 2' });
  await second.getByLabel('ground_truth', { exact: true }).waitFor();
  await second.getByLabel('answer', { exact: true }).fill('${outputs.greeting}');
  await second.getByLabel('ground_truth', { exact: true }).fill('Hello, world! Welcome to Weir.');
  expect(await second.getByRole('spinbutton', { name: 'Threshold' }).inputValue()).toBe('0.5');
  await form.getByRole('button', { name: 'Save monitor' }).click();
  await form.waitFor({ state: 'detached' });
  const saved = (await monitor()).monitor;
  expect(saved.enabled).toBe(false);
  expect(saved.evaluators).toEqual([
    { flow: 'exact', inputs: { answer: '${outputs.greeting}', expected: 'Hello, world! Welcome to Weir.' }, threshold: 3 },
    { evaluator: 'f1_score', inputs: { answer: '${outputs.greeting}', ground_truth: 'Hello, world! Welcome to Weir.' }, threshold: 0.5 },
  ]);
  await expect.poll(() => page.getByText('disabled', { exact: true }).count()).toBe(1);

  // Deleted after asking; the page offers to create one again.
  await page.getByRole('button', { name: 'Delete monitor' }).click();
  await page.getByRole('dialog', { name: 'Delete the monitor of greeter' }).getByRole('button', { name: 'Delete monitor' }).click();
  await page.getByRole('heading', { name: 'No monitor yet' }).waitFor();
  expect((await monitor()).monitor).toBeNull();
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('gives a model deployment\'s tokens per call as the API does, and maps a chat call\'s answer and question by name', async () => {
  await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  await until('chat to be ready', async () => (await studio.admin('GET', '/api/deployments/chat')).state === 'ready');
  const { key: chatKey } = await studio.admin('POST', '/api/deployments/chat/keys', {});
  for (const q of ['Which city lies on the Danube?', 'Where does the Rhine end?']) expect(await chat(studio.server.url, 'chat', chatKey, q)).toBe(200);
  const view = () => studio.admin('GET', '/api/deployments/chat/monitor');
  await until('the two calls to be metered', async () => (await view()).tokens.calls === 2, 20_000);
  const api = (await view()).tokens;
  expect(api.input_tokens.p50).toBeGreaterThan(0);

  const page = await openPage('monitoring/chat', 'monitoring-tokens');
  const tokens = page.getByRole('region', { name: 'Tokens' });
  await expect.poll(() => tokens.getByTestId('token-calls').textContent()).toBe('2');
  for (const side of ['input', 'output'] as const) {
    for (const stat of ['mean', 'p50', 'p95'] as const) {
      expect(await tokens.getByTestId(`${side}-${stat}`).textContent()).toBe(String(Math.round(api[`${side}_tokens`][stat] * 100) / 100));
    }
  }
  expect(await page.getByRole('region', { name: 'Evaluators' }).count()).toBe(0);

  await page.getByRole('button', { name: 'Create monitor' }).click();
  const first = page.getByRole('dialog', { name: 'Monitor chat' }).getByRole('group', { name: 'Evaluator 1' });
  await first.getByRole('combobox', { name: 'Evaluator' }).selectOption('evaluator:coherence');
  await expect.poll(() => first.getByLabel('question', { exact: true }).inputValue()).toBe('${inputs.question}');
  expect(await first.getByLabel('answer', { exact: true }).inputValue()).toBe('${outputs.answer}');
  expect(await first.getByRole('spinbutton', { name: 'Threshold' }).inputValue()).toBe('3');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  expect((await view()).monitor).toBeNull();
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);
