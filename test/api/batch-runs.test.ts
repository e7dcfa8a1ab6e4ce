/**
 * /api/batch-runs: batch and evaluation runs as queue jobs, over the real app and a real SQLite store,
 * run by the workspace's own queue worker.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exactFlow } from '../helpers/batch-flows.ts';
import { makeApi, parseSse, type Api } from '../helpers/api.ts';

const ANSWER = `weir: 1
name: answer
inputs:
  question: { type: string }
  ms: { type: number, default: 0 }
outputs:
  answer: \${shout.output}
nodes:
  - name: slow
    type: wait
    inputs: { value: \${inputs.question}, ms: \${inputs.ms} }
  - name: shout
    type: transform
    inputs: { q: \${slow.output} }
    config: { expression: '$uppercase(q)' }
`;

const EXACT = exactFlow(false);

let api: Api;

beforeEach(async () => {
  api = makeApi();
  for (const [name, text] of [['answer', ANSWER], ['exact', EXACT]]) {
    expect((await api.call('PUT', `/api/flows/${name}`, text)).status).toBeLessThan(300);
  }
  expect((await api.call('POST', '/api/flows/answer/publish', {})).status).toBeLessThan(300);
});
afterEach(async () => api.close());

async function finished(id: string) {
  const r = await api.call('GET', `/api/batch-runs/${id}/events`, undefined, { accept: 'text/event-stream' });
  const events = parseSse(r.text);
  expect(events.at(-1)!.event).toBe('finished');
  return { events, run: events.at(-1)!.data };
}

describe('/api/batch-runs', () => {
  it('runs a batch as a queue job: 202, SSE progress to the end, lines in order, then an evaluation over it and a compare', async () => {
    const data = [{ q: 'ab', truth: 'AB' }, { q: 'cd', truth: 'nope' }, { q: 'ef', truth: 'EF' }, 'not an object'];
    const post = await api.call('POST', '/api/batch-runs', { flow: 'answer', data, column_mapping: { question: '${data.q}' }, concurrency: 2 });
    expect(post.status).toBe(202);
    expect(post.json).toMatchObject({ status: 'queued', flow: 'answer', version: 1, total: 4 });
    const { events, run } = await finished(post.json.id);
    expect(events[0].event).toBe('progress');
    expect(run).toMatchObject({ status: 'completed', summary: { total: 4, succeeded: 3, failed: 1 }, progress: { done: 4, total: 4 } });

    const lines = await api.call('GET', `/api/batch-runs/${post.json.id}/lines?offset=1&limit=2`);
    expect(lines.json.data.map((l: any) => [l.line_number, l.status, l.outputs?.answer])).toEqual([[1, 'succeeded', 'CD'], [2, 'succeeded', 'EF']]);
    expect(lines.json.next_offset).toBe(3);
    const bad = (await api.call('GET', `/api/batch-runs/${post.json.id}/lines?offset=3`)).json.data[0];
    expect(bad).toMatchObject({ status: 'failed', error: { code: 'invalid_data_line' } });

    const evalRun = await api.call('POST', '/api/batch-runs', { flow: 'exact', data, run: post.json.id, column_mapping: { answer: '${run.outputs.answer}', truth: '${data.truth}' } });
    expect(evalRun.status).toBe(202);
    expect(evalRun.json.version).toBeNull(); // never published: its draft
    const ev = await finished(evalRun.json.id);
    expect(ev.run.metrics).toEqual({ accuracy: 2 / 3 });

    const again = await api.call('POST', '/api/batch-runs', { flow: 'exact', data: data.slice(0, 3), run: post.json.id, column_mapping: { answer: '${run.outputs.answer}', truth: 'AB' } });
    await finished(again.json.id);
    const cmp = await api.call('GET', `/api/batch-runs/compare?a=${evalRun.json.id}&b=${again.json.id}`);
    expect(cmp.status).toBe(200);
    expect(cmp.json.metrics.accuracy.a).toBeCloseTo(2 / 3);
    expect(cmp.json.metrics.accuracy.b).toBeCloseTo(1 / 3);
    expect(cmp.json.metrics.accuracy.delta).toBeCloseTo(-1 / 3);
    expect(cmp.json.lines.map((l: any) => [l.line_number, l.a?.outputs?.correct ?? null, l.b?.outputs?.correct ?? null])).toEqual([[0, 1, 1], [1, 0, 0], [2, 1, 0], [3, null, null]]);

    const list = await api.call('GET', '/api/batch-runs?limit=2');
    expect(list.json.data.map((r: any) => r.id)).toEqual([again.json.id, evalRun.json.id]);
  });

  it('takes JSONL text with the rest in the query', async () => {
    const body = '{"question": "x"}\n{"question": "y"}\n';
    const post = await api.call('POST', '/api/batch-runs?flow=answer', body, { 'content-type': 'application/jsonl' });
    expect(post.status).toBe(202);
    const { run } = await finished(post.json.id);
    expect(run.summary).toMatchObject({ succeeded: 2, failed: 0 });
  });

  it('cancels a running batch: lines stop, the batch ends cancelled', async () => {
    const data = Array.from({ length: 40 }, (_, i) => ({ question: `q${i}`, ms: 100 }));
    const post = await api.call('POST', '/api/batch-runs', { flow: 'answer', data, concurrency: 1 });
    // Wait until it runs.
    for (let i = 0; i < 200 && (await api.call('GET', `/api/batch-runs/${post.json.id}`)).json.status !== 'running'; i++) await new Promise((r) => setTimeout(r, 20));
    const cancel = await api.call('POST', `/api/batch-runs/${post.json.id}/cancel`);
    expect(cancel.status).toBe(202);
    const { run } = await finished(post.json.id);
    expect(run.status).toBe('cancelled');
    expect(run.summary.succeeded).toBeLessThan(40);
    expect((await api.call('POST', `/api/batch-runs/${post.json.id}/cancel`)).status).toBe(409);
  });

  it('refuses what cannot start with 4xx and a code: unknown flow, bad mapping, unknown earlier run, bad body', async () => {
    const cases: [unknown, number, string][] = [
      [{ flow: 'nope', data: [] }, 404, 'flow_not_found'],
      [{ flow: 'answer', data: [], column_mapping: { nope: '${data.x}' } }, 400, 'invalid_column_mapping'],
      [{ flow: 'exact', data: [], run: 'batch_missing', column_mapping: { answer: '${run.outputs.a}' } }, 404, 'batch_run_not_found'],
      [{ flow: 'answer', data: 'x', extra: 1 }, 400, 'invalid_request'],
      [{ flow: 'answer', version: 9, data: [] }, 404, 'version_not_found'],
    ];
    for (const [body, status, code] of cases) {
      const r = await api.call('POST', '/api/batch-runs', body);
      expect([r.status, r.json.error.code]).toEqual([status, code]);
    }
    expect((await api.call('GET', '/api/batch-runs/batch_missing')).status).toBe(404);
    expect((await api.call('GET', '/api/batch-runs/compare?a=x')).status).toBe(400);
  });
});
