/**
 * The Batch runs page against the real server: a batch started from the page with a JSONL file and
 * a column mapping, followed to the end, its lines as the API stores them; an evaluation run over
 * it started the same way, its metric, and its results beside the first run's lines; two runs
 * compared; a slow run followed live and cancelled from its page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { exactFlow } from '../helpers/batch-flows.ts';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';

let studio: Studio;
let server: Server;

const ANSWER = `weir: 1
name: answer
inputs:
  question: { type: string }
outputs:
  answer: \${shout.output}
nodes:
  - name: shout
    type: transform
    inputs: { q: \${inputs.question} }
    config: { expression: '$uppercase(q)' }
`;

// Each line waits on a loopback server that answers after 150 ms: a run slow enough to watch and cancel.
const SLOW = `weir: 1
name: slow
inputs:
  question: { type: string }
outputs:
  answer: \${fetch.output}
nodes:
  - name: fetch
    type: http
    inputs: { question: \${inputs.question} }
    config: { url: '/wait?q={{ question }}', connection: slow-server, response: text }
`;

const JSONL = '{"q": "ab", "truth": "AB"}\n{"q": "cd", "truth": "nope"}\n{"q": "ef", "truth": "EF"}\nnot json\n';

/** Console errors but Chromium's log of the 409 a second cancel may provoke. */
const unexpectedErrors = () => studio.consoleErrors.filter((e) => !e.includes('status of 409 (Conflict)'));

async function putFlow(name: string, text: string): Promise<void> {
  const res = await fetch(`${studio.server.url}/api/flows/${name}`, { method: 'PUT', headers: { authorization: 'Bearer studio-admin-token', 'content-type': 'application/yaml' }, body: text });
  expect(res.status, await res.text()).toBeLessThan(300);
}

beforeAll(async () => {
  studio = await startStudio({ examples: false });
  await putFlow('answer', ANSWER);
  await putFlow('exact', exactFlow());
  await studio.admin('POST', '/api/flows/answer/publish', { message: 'first' });
  server = createServer((_req, res) => void setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end('ok'), 150));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  await studio.admin('PUT', '/api/connections/slow-server', { type: 'http', settings: { base_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, allow_private_network: true } });
  await putFlow('slow', SLOW);
}, 60_000);
afterAll(async () => {
  await studio?.close();
  server?.closeAllConnections();
  await new Promise((ok) => server?.close(ok));
}, 30_000);

/** Opens the form, picks the flow and the file; the rest is the caller's. */
async function startForm(page: Page, flow: string) {
  await page.getByRole('button', { name: 'New batch run' }).click();
  const form = page.getByRole('dialog', { name: 'New batch run' });
  await form.getByRole('combobox', { name: 'Flow' }).selectOption(flow);
  await form.getByLabel('Data (JSONL)').setInputFiles({ name: 'qa.jsonl', mimeType: 'application/jsonl', buffer: Buffer.from(JSONL) });
  await expect.poll(() => form.getByTestId('data-summary').textContent()).toBe('qa.jsonl: 4 lines, columns q, truth');
  return form;
}

/** The run the page went to once started, when it has ended. */
async function startedRun(page: Page): Promise<any> {
  await page.waitForURL(/#\/batch-runs\/batch_/);
  const id = decodeURIComponent(new URL(page.url()).hash.split('/')[2]!);
  await expect.poll(() => page.getByRole('progressbar').getAttribute('aria-valuenow'), { timeout: 20_000 }).toBe('4');
  await expect.poll(async () => (await studio.admin('GET', `/api/batch-runs/${id}`)).status, { timeout: 20_000 }).toBe('completed');
  await page.getByRole('heading', { level: 1 }).locator('xpath=..').getByText('completed', { exact: true }).waitFor();
  return studio.admin('GET', `/api/batch-runs/${id}`);
}

let first: any;
let evaluation: any;

it('starts a batch from a flow with a JSONL file and a column mapping, follows it to the end, and shows its lines as stored', async () => {
  const page = await studio.open('flows');
  watch(page, 'batch-start');
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Batch runs' }).click();
  await page.getByRole('heading', { name: 'Batch runs', level: 1 }).waitFor();
  const form = await startForm(page, 'answer');
  expect(await form.getByRole('combobox', { name: 'Version' }).locator('option').allTextContents()).toEqual(['Latest published (the draft if none)', 'v1 first']);
  const mapping = form.getByRole('group', { name: 'Column mapping' });
  await mapping.getByLabel('question', { exact: true }).fill('${data.q}');
  await form.getByLabel('Concurrency').fill('2');
  await form.getByRole('button', { name: 'Start batch run' }).click();
  first = await startedRun(page);
  expect(first).toMatchObject({ flow: 'answer', version: 1, concurrency: 2, column_mapping: { question: '${data.q}' }, summary: { total: 4, succeeded: 3, failed: 1 } });

  const summary = page.getByRole('region', { name: 'Summary' });
  expect(await summary.getByTestId('summary-succeeded').textContent()).toBe('3');
  expect(await summary.getByTestId('summary-failed').textContent()).toBe('1');
  expect(await page.getByRole('progressbar').getAttribute('aria-valuetext')).toBe('4 of 4 lines done');
  const lines = (await studio.admin('GET', `/api/batch-runs/${first.id}/lines`)).data;
  const table = page.getByRole('table', { name: 'Lines' });
  for (const l of lines.slice(0, 3)) {
    const cells = await table.getByTestId(`line-${l.line_number}`).getByRole('cell').allTextContents();
    const inputs = Object.entries(l.inputs).map(([k, v]) => `${k}: ${v}`).join('\n');
    expect(inputs).toContain(`question: ${l.inputs.question}`);
    expect(cells.slice(0, 4)).toEqual([String(l.line_number), 'succeeded', inputs, `answer: ${l.outputs.answer}`]);
  }
  const bad = await table.getByTestId('line-3').getByRole('cell').allTextContents();
  expect(bad[1]).toBe('failed');
  expect(bad[3]).toBe(lines[3].error.message);
  expect(await page.getByText('No metrics', { exact: false }).count()).toBe(1);
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('evaluates the run from the page: the metric of its aggregation, and its results beside the first run\'s lines', async () => {
  const page = await studio.open('batch-runs');
  watch(page, 'batch-evaluate');
  const form = await startForm(page, 'exact');
  await form.getByRole('combobox', { name: 'Evaluate an earlier run (optional)' }).selectOption(first.id);
  const mapping = form.getByRole('group', { name: 'Column mapping' });
  await mapping.getByLabel('answer', { exact: true }).fill('${run.outputs.answer}');
  await mapping.getByLabel('truth', { exact: true }).fill('${data.truth}');
  // The earlier run's outputs are offered for the mapping.
  expect(await form.locator('#batch-refs option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value))).toContain('${run.outputs.answer}');
  await form.getByRole('button', { name: 'Start batch run' }).click();
  evaluation = await startedRun(page);
  expect(evaluation.metrics).toEqual({ accuracy: 2 / 3 });
  expect(evaluation.version).toBeNull();
  const metric = page.getByRole('table', { name: 'Metrics' }).getByTestId('metric-accuracy');
  expect(await metric.textContent()).toBe('0.6667');
  expect(await metric.getAttribute('title')).toBe(String(2 / 3));
  await page.getByRole('link', { name: first.id.slice(-8) }).click();

  // On the first run's page, each line with the evaluation's result beside it.
  const table = page.getByRole('table', { name: 'Lines' });
  await expect.poll(() => table.getByRole('columnheader').allTextContents()).toContain(`Evaluation: exact draft · ${evaluation.id.slice(-8)}`);
  const scored = (await studio.admin('GET', `/api/batch-runs/${evaluation.id}/lines`)).data;
  for (const l of scored.slice(0, 3)) expect(await table.getByTestId(`line-${l.line_number}`).getByRole('cell').nth(4).textContent()).toBe(`correct: ${l.outputs.correct}`);
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('compares two runs ticked in the list: metrics with their delta, lines side by side with the differing ones marked', async () => {
  const again = await studio.admin('POST', '/api/batch-runs', { flow: 'exact', data: JSONL, run: first.id, column_mapping: { answer: '${run.outputs.answer}', truth: 'AB' } });
  await expect.poll(async () => (await studio.admin('GET', `/api/batch-runs/${again.id}`)).status, { timeout: 20_000 }).toBe('completed');
  const page = await studio.open('batch-runs');
  watch(page, 'batch-compare');
  const list = page.getByRole('table', { name: 'Batch runs' });
  await list.getByTestId(`batch-row-${again.id}`).waitFor();
  expect(await list.getByTestId(`batch-row-${again.id}`).textContent()).toContain(`evaluates ${first.id.slice(-8)}`);
  const compare = page.getByRole('button', { name: /^Compare/ });
  expect(await compare.isDisabled()).toBe(true);
  await list.getByRole('checkbox', { name: `Compare ${evaluation.id}` }).check();
  await list.getByRole('checkbox', { name: `Compare ${again.id}` }).check();
  await compare.click();
  await page.getByRole('heading', { name: 'Compare runs', level: 1 }).waitFor();

  const api = await studio.admin('GET', `/api/batch-runs/compare?a=${evaluation.id}&b=${again.id}`);
  const row = page.getByRole('table', { name: 'Metrics compared' }).getByTestId('compare-accuracy');
  expect(await row.getByRole('cell').allTextContents()).toEqual(['0.6667', '0.3333', '-0.3333']);
  expect(api.metrics.accuracy.delta).toBeCloseTo(-1 / 3);
  const lines = page.getByRole('table', { name: 'Lines compared' });
  // Line 2 ("EF") is right against its truth, wrong against "AB"; the others score alike.
  for (const l of api.lines) {
    const differs = (l.a?.outputs?.correct ?? null) !== (l.b?.outputs?.correct ?? null);
    expect(await lines.getByTestId(`compare-line-${l.line_number}`).getByText('differs').count()).toBe(differs ? 1 : 0);
  }
  expect(await lines.getByTestId('compare-line-2').getByRole('cell').allTextContents()).toEqual(['2differs', 'correct: 1', 'correct: 0']);
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('follows a slow run live and cancels it from its page', async () => {
  const data = Array.from({ length: 30 }, (_, i) => ({ question: `q${i}` }));
  const { id } = await studio.admin('POST', '/api/batch-runs', { flow: 'slow', data, concurrency: 1 });
  const page = await studio.open(`batch-runs/${id}`);
  watch(page, 'batch-cancel');
  const bar = page.getByRole('progressbar');
  // Progress arrives over the events stream, without reloading the page.
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 15_000 }).toBeGreaterThan(1);
  await page.getByRole('button', { name: 'Cancel run' }).click();
  await page.getByRole('heading', { level: 1 }).locator('xpath=..').getByText('cancelled', { exact: true }).waitFor({ timeout: 15_000 });
  const run = await studio.admin('GET', `/api/batch-runs/${id}`);
  expect(run.status).toBe('cancelled');
  expect(run.summary.succeeded).toBeLessThan(30);
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBe(run.progress.done);
  expect(await page.getByRole('button', { name: 'Cancel run' }).count()).toBe(0);
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);
