/**
 * Production monitors (issue #16) on real calls: a deployment's calls are sampled at its rate,
 * scored off the request path by its evaluators (queue jobs), and checked against its thresholds
 * — per call (threshold) and over the window (pass rate); below it an alert is stored, listed and
 * POSTed to a webhook (a real loopback HTTP server) through an http connection. Token statistics
 * per call come from the usage records.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, deployed, makeApi, type Api } from '../helpers/api.ts';
import { EXACT_SCORE_FLOW } from '../helpers/batch-flows.ts';

let api: Api;
let echoKey: string;
let hook: Server;
let hookUrl: string;
const received: { auth: string | undefined; body: any }[] = [];

// Scores a chat answer by whether it mentions the word the question asked about.
const MENTIONS = `weir: 1
name: mentions
inputs:
  question: { type: string }
  answer: { type: string }
outputs:
  score: \${judge.output}
nodes:
  - name: judge
    type: transform
    inputs: { question: \${inputs.question}, answer: \${inputs.answer} }
    config: { expression: "$contains(answer, 'Danube') ? 5 : 2" }
`;

const score = (text: string) => api.call('POST', '/deployments/echo-prod/score', { text }, { authorization: `Bearer ${echoKey}` });
const monitor = (name: string) => api.call('GET', `/api/deployments/${name}/monitor`);

/** Samples go to the queue once a second and are scored by a worker: flushed, then waited for. */
async function scored(name: string, evaluator: string, count: number): Promise<any> {
  await api.ws.monitors.flush();
  for (let i = 0; i < 200; i++) {
    const m = (await monitor(name)).json;
    const x = m.metrics.find((e: any) => e.evaluator === evaluator);
    if (x && x.count + x.missing >= count) return x;
    await new Promise((ok) => setTimeout(ok, 50));
  }
  throw new Error(`${evaluator} did not score ${count} calls of ${name}`);
}

beforeAll(async () => {
  api = makeApi();
  echoKey = (await deployed(api)).key;
  for (const flow of [EXACT_SCORE_FLOW, MENTIONS]) expect((await api.call('POST', '/api/flows', flow)).status).toBe(201);
  hook = createServer((req, res) => {
    let text = '';
    req.on('data', (d) => (text += d));
    req.on('end', () => {
      received.push({ auth: req.headers.authorization, body: JSON.parse(text) });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((ok) => hook.listen(0, '127.0.0.1', ok));
  hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/alerts`;
  expect((await api.call('PUT', '/api/connections/ops-hook', { type: 'http', settings: { base_url: hookUrl, allow_private_network: true }, secrets: { api_key: 'hook-secret' } })).status).toBeLessThan(300);
});
afterAll(async () => {
  await api.close();
  await new Promise((ok) => hook.close(ok));
});

describe('a flow deployment\'s monitor', () => {
  it('is set with Azure\'s defaults for what is not said, and read back', async () => {
    const r = await api.call('PUT', '/api/deployments/echo-prod/monitor', { sampling_rate: 1, evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}', expected: 'hello' } }], webhook: 'ops-hook' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toEqual({
      enabled: true, sampling_rate: 1, pass_rate: 0.7, window_hours: 168, schedule_minutes: 60, webhook: 'ops-hook',
      evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}', expected: 'hello' }, threshold: 3 }],
    });
    expect((await monitor('echo-prod')).json.monitor).toEqual(r.json);
  });

  it('scores every sampled call off the request path: the mean and the share at or above the threshold', async () => {
    for (const text of ['hello', 'hello', 'bye', 'bye', 'bye']) expect((await score(text)).status).toBe(200);
    const x = await scored('echo-prod', 'exact', 5);
    const { series, ...window } = x;
    expect(window).toEqual({ evaluator: 'exact', threshold: 3, count: 5, missing: 0, mean: (5 + 5 + 1 + 1 + 1) / 5, pass_rate: 0.4 });
    // Over time: days for a week's window, this one holding the five (or split at midnight UTC).
    expect(series.reduce((n: number, p: any) => n + p.count, 0)).toBe(5);
    expect(series.every((p: any) => p.at.endsWith('T00:00:00.000Z'))).toBe(true);
  });

  it('a check below the pass rate raises an alert: stored, listed, and POSTed to the webhook with its key', async () => {
    const r = await api.call('POST', '/api/deployments/echo-prod/monitor/check');
    expect(r.status, r.text).toBe(200);
    expect(r.json.checked).toBe(true);
    expect(r.json.alerts).toHaveLength(1);
    expect(r.json.alerts[0]).toMatchObject({ deployment: 'echo-prod', evaluator: 'exact', metric: 'pass_rate', value: 0.4, threshold: 0.7, samples: 5, window_hours: 168, delivery: 'sent' });
    expect(received).toHaveLength(1);
    expect(received[0]!.auth).toBe('Bearer hook-secret');
    expect(received[0]!.body).toMatchObject({ type: 'weir.monitor.alert', id: r.json.alerts[0].id, deployment: 'echo-prod', evaluator: 'exact', value: 0.4, threshold: 0.7 });
    const listed = (await api.call('GET', '/api/alerts')).json.data;
    expect(listed.map((a: any) => a.id)).toContain(r.json.alerts[0].id);
    expect((await monitor('echo-prod')).json.alerts[0].id).toBe(r.json.alerts[0].id);
  });

  it('the scheduled check runs once per schedule however many times it is asked, and raises nothing above the pass rate', async () => {
    // Checked just now (above): not due again for an hour.
    const before = received.length;
    await api.ws.monitors.checkDue();
    expect(received.length).toBe(before);
    // Above the pass rate: 0.4 ≥ 0.3.
    expect((await api.call('PUT', '/api/deployments/echo-prod/monitor', { sampling_rate: 1, pass_rate: 0.3, evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}', expected: 'hello' } }] })).status).toBe(200);
    // Asked for again within a second: the two count as one check.
    expect((await api.call('POST', '/api/deployments/echo-prod/monitor/check')).json).toEqual({ checked: false, alerts: [] });
    await new Promise((ok) => setTimeout(ok, 1100));
    expect((await api.call('POST', '/api/deployments/echo-prod/monitor/check')).json).toEqual({ checked: true, alerts: [] });
  });

  it('an evaluator that cannot score a call counts it as missing, with the reason kept', async () => {
    expect((await api.call('PUT', '/api/deployments/echo-prod/monitor', { sampling_rate: 1, evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}', expected: 42 } }] })).status).toBe(200);
    expect((await score('hello')).status).toBe(200);
    const x = await scored('echo-prod', 'exact', 6);
    expect(x.missing).toBe(1);
    const rows = await api.store.monitors.scores('echo-prod', 0, Date.now() + 1);
    expect(rows.at(-1)).toMatchObject({ score: null, passed: null });
    expect(rows.at(-1)!.error).toMatch(/expected/);
  });

  it('samples nothing at a rate of 0, and nothing once disabled', async () => {
    const before = (await api.store.monitors.scores('echo-prod', 0, Date.now() + 1)).length;
    expect((await api.call('PUT', '/api/deployments/echo-prod/monitor', { sampling_rate: 0, evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}', expected: 'hello' } }] })).status).toBe(200);
    for (let i = 0; i < 5; i++) await score('hello');
    expect((await api.call('PUT', '/api/deployments/echo-prod/monitor', { enabled: false, sampling_rate: 1, evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}', expected: 'hello' } }] })).status).toBe(200);
    for (let i = 0; i < 5; i++) await score('hello');
    await api.ws.monitors.flush();
    await new Promise((ok) => setTimeout(ok, 300));
    expect((await api.store.monitors.scores('echo-prod', 0, Date.now() + 1)).length).toBe(before);
  });
});

describe('a busy second', () => {
  it('a scoring job lets the event loop serve calls between its samples, and stores all its scores', async () => {
    expect((await api.call('PUT', '/api/deployments/echo-prod/monitor', { sampling_rate: 1, evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}', expected: 'hello' } }] })).status).toBe(200);
    const before = (await api.store.monitors.scores('echo-prod', 0, Date.now() + 1)).length;
    const samples = Array.from({ length: 3000 }, (_, i) => ({ id: `busy-${i}`, deployment: 'echo-prod', at: Date.now(), inputs: {}, outputs: { said: i % 2 ? 'hello' : 'bye' } }));
    const order: string[] = [];
    // Queued behind the job's first microtasks: it runs only if the job yields to the event loop.
    setImmediate(() => order.push('served'));
    const done = await api.ws.monitors.score({ id: 'busy', payload: { samples }, attempt: 1, signal: new AbortController().signal });
    order.push('scored');
    expect(order).toEqual(['served', 'scored']);
    expect(done).toEqual({ scored: 3000 });
    expect((await api.store.monitors.scores('echo-prod', 0, Date.now() + 1)).length).toBe(before + 3000);
  });
});

describe('a shipped evaluator', () => {
  it('scores sampled calls with flows/evaluators/f1_score.flow.yaml, by name', async () => {
    const { key } = await deployed(api, undefined, 'echo-f1');
    expect((await api.call('PUT', '/api/deployments/echo-f1/monitor', { sampling_rate: 1, evaluators: [{ evaluator: 'f1_score', inputs: { answer: '${outputs.said}', ground_truth: 'the quick brown fox' }, threshold: 0.5 }] })).status).toBe(200);
    for (const text of ['quick brown fox', 'a slow red hen']) expect((await api.call('POST', '/deployments/echo-f1/score', { text }, { authorization: `Bearer ${key}` })).status).toBe(200);
    const x = await scored('echo-f1', 'f1_score', 2);
    // SQuAD F1: "quick brown fox" against "the quick brown fox" (the article dropped) is 1; no shared token is 0.
    expect(x).toMatchObject({ count: 2, missing: 0, mean: 0.5, pass_rate: 0.5 });
  });
});

describe('a model deployment\'s monitor', () => {
  it('scores chat calls with the last user message as the question and the answer as the output, and gives token statistics per call', async () => {
    expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
    expect((await api.call('PUT', '/api/deployments/chat/monitor', { sampling_rate: 1, evaluators: [{ flow: 'mentions', inputs: { question: '${inputs.question}', answer: '${outputs.answer}' }, threshold: 4 }] })).status).toBe(200);
    const usages: number[][] = [];
    for (const [context, stream] of [['Vienna lies on the Danube.', false], ['Paris lies on the Seine.', false], ['Budapest lies on the Danube too.', true]] as const) {
      const r = await api.call('POST', '/v1/chat/completions', { model: 'chat', stream, ...(stream ? { stream_options: { include_usage: true } } : {}), messages: [{ role: 'system', content: context }, { role: 'user', content: 'Which river?' }] }, { authorization: `Bearer ${ADMIN}` });
      expect(r.status, r.text).toBe(200);
      const usage = stream ? JSON.parse(r.text.split('\n\n').filter((b) => b.startsWith('data: {')).at(-1)!.slice(6)).usage : r.json.usage;
      usages.push([usage.prompt_tokens, usage.completion_tokens]);
    }
    const x = await scored('chat', 'mentions', 3);
    expect(x).toMatchObject({ count: 3, missing: 0, pass_rate: 2 / 3, mean: (5 + 2 + 5) / 3 });
    // Token statistics come from the usage records, which are written once a second.
    let tokens: any;
    for (let i = 0; i < 50 && tokens?.calls !== 3; i++) {
      tokens = (await monitor('chat')).json.tokens;
      if (tokens.calls !== 3) await new Promise((ok) => setTimeout(ok, 50));
    }
    const input = usages.map((u) => u[0]!).sort((a, b) => a - b);
    const output = usages.map((u) => u[1]!).sort((a, b) => a - b);
    expect(tokens.calls).toBe(3);
    expect(tokens.input_tokens).toEqual({ mean: Math.round((input.reduce((a, b) => a + b) / 3) * 100) / 100, p50: input[1], p95: input[2] });
    expect(tokens.output_tokens.p50).toBe(output[1]);
  });
});

describe('what a monitor refuses', () => {
  it('names what is wrong: the deployment, the evaluator, a mapping, the webhook, the numbers', async () => {
    const put = (name: string, body: unknown) => api.call('PUT', `/api/deployments/${name}/monitor`, body);
    const ok = { evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.said}' } }] };
    expect((await put('nope', ok)).status).toBe(404);
    const missing = await put('echo-prod', { evaluators: [{ flow: 'no-such-flow' }] });
    expect(missing.status).toBe(404);
    expect(missing.json.error.message).toContain('no-such-flow');
    const shipped = await put('echo-prod', { evaluators: [{ evaluator: '../hello' }] });
    expect(shipped.status).toBe(400);
    const noShipped = await put('echo-prod', { evaluators: [{ evaluator: 'no_such_metric' }] });
    expect(noShipped.status).toBe(404);
    expect(noShipped.json.error.code).toBe('evaluator_not_found');
    expect((await put('echo-prod', { evaluators: [{ flow: 'exact', evaluator: 'f1_score' }] })).json.error.message).toContain('exactly one of evaluator');
    const badRef = await put('echo-prod', { evaluators: [{ flow: 'exact', inputs: { answer: '${run.outputs.x}' } }] });
    expect(badRef.status).toBe(400);
    expect(badRef.json.error.message).toContain('answer: ${run.outputs.x}');
    expect((await put('echo-prod', { ...ok, webhook: 'nowhere' })).json.error).toMatchObject({ code: 'connection_not_found', param: 'webhook' });
    expect((await put('echo-prod', { ...ok, sampling_rate: 2 })).json.error.param).toBe('sampling_rate');
    expect((await put('echo-prod', { evaluators: [] })).json.error.param).toBe('evaluators');
    expect((await put('echo-prod', { ...ok, extra: true })).status).toBe(400);
    expect((await api.call('DELETE', '/api/deployments/chat/monitor')).status).toBe(204);
    expect((await api.call('DELETE', '/api/deployments/chat/monitor')).status).toBe(404);
    expect((await api.call('POST', '/api/deployments/chat/monitor/check')).status).toBe(404);
    expect((await api.call('GET', '/api/alerts?limit=0')).json.error.param).toBe('limit');
  });
});

describe('the monitor view', () => {
  it('of a deployment without a monitor: a week\'s window, no metrics, token statistics all the same, and this instance\'s sampling budget', async () => {
    await deployed(api, undefined, 'echo-plain');
    const v = (await monitor('echo-plain')).json;
    expect(v).toMatchObject({ deployment: 'echo-plain', monitor: null, window_hours: 168, metrics: [], alerts: [], tokens: { calls: 0 } });
    expect(v.sampling).toEqual({ per_second_budget: 200, dropped_here: expect.any(Number) });
    expect((await monitor('echo-f1')).json.window_hours).toBe(168);
  });
});
