/**
 * The llm node's tool rounds in the run's trace (#19, "each round in the trace"), through a real
 * server: a draft flow whose llm node calls a sub-flow tool, run with POST /api/flows/{name}/runs,
 * and the same lines in the stored run (GET /api/runs/{id}) of that draft run and of a published
 * deployment's call. The model is a loopback OpenAI-compatible upstream scripted on the conversation
 * it is sent (test/helpers/adding-upstream.ts): it calls `add` until it sees the tool's answer, then
 * answers with it. The server, the remote provider, the node's loop and the sub-flow are real.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { ADD_FLOW, AGENT_FLOW, startAddingUpstream, type AddingUpstream } from '../helpers/adding-upstream.ts';

const ADMIN = 'llm-tool-trace-admin';
let server: RunningServer;
let upstream: AddingUpstream;
let dir: string;

async function call(method: string, url: string, body?: unknown) {
  const res = await fetch(server.url + url, {
    method,
    headers: { 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json', authorization: `Bearer ${ADMIN}` },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
}

type LogLine = { level: string; message: string; at_ms: number; data?: Record<string, unknown> };
type TraceEntry = { node: string; status: string; logs?: LogLine[] };

beforeAll(async () => {
  upstream = await startAddingUpstream();
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-llm-tool-trace-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, host: '127.0.0.1', dataDir: dir, adminToken: ADMIN, examplesDir: null, telemetry: null });
  expect((await call('PUT', '/api/connections/upstream', { type: 'openai', settings: { base_url: upstream.baseUrl }, secrets: { api_key: 'k' } })).status).toBeLessThan(300);
  for (const doc of [ADD_FLOW, AGENT_FLOW]) {
    const r = await call('PUT', `/api/flows/${doc.name}`, doc);
    expect(r.status, r.text).toBeLessThan(300);
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the llm node's tool rounds in the run's trace", () => {
  it("shows round 1's tool call and the tool's answer, then round 2's answer, on the llm node's trace entry", async () => {
    const r = await call('POST', '/api/flows/agent/runs', { inputs: { question: 'What is 2 + 3?' } });
    expect(r.status, r.text).toBe(200);
    expect(r.json.status, r.text).toBe('succeeded');
    expect(r.json.outputs).toEqual({ answer: 'The sum is 5.' });
    expect(upstream.bodies).toHaveLength(2);

    const ask = (r.json.trace as TraceEntry[]).find((t) => t.node === 'ask')!;
    expect(ask.logs?.map((l) => `${l.level} ${l.message}`)).toEqual([
      'info llm round 1: the model called add',
      'info llm round 1: tool add answered',
      'info llm round 2: answered',
    ]);
    const [called, answered, done] = ask.logs!;
    expect(called.data).toEqual({ round: 1, tool_calls: [{ id: 'call_1', name: 'add', arguments: '{"a": 2, "b": 3}' }] });
    expect(answered.data).toMatchObject({ round: 1, tool: 'add', call_id: 'call_1', ok: true, result: '5' });
    expect(done.data).toEqual({ round: 2, finish: 'stop' });
    expect(called.at_ms).toBeLessThanOrEqual(answered.at_ms);
    expect(answered.at_ms).toBeLessThanOrEqual(done.at_ms);
  });

  // Postgres keeps them too: the store contract's round trip runs on both (engine/store/contract/runs.ts).
  it('keeps the same lines in the stored run (GET /api/runs/{id}), after the run is over', async () => {
    const r = await call('POST', '/api/flows/agent/runs', { inputs: { question: 'What is 2 + 3?' } });
    expect(r.json.status, r.text).toBe('succeeded');
    const live = (r.json.trace as TraceEntry[]).find((t) => t.node === 'ask')!;

    const stored = await call('GET', `/api/runs/${r.json.run_id}`);
    expect(stored.status, stored.text).toBe(200);
    const trace = stored.json.trace as TraceEntry[];
    expect(trace.find((t) => t.node === 'ask')!.logs).toEqual(live.logs);
    expect(trace.find((t) => t.node === 'ask')!.logs?.map((l) => l.message)).toEqual([
      'llm round 1: the model called add',
      'llm round 1: tool add answered',
      'llm round 2: answered',
    ]);
  });

  it("keeps them for a published deployment's call too (its trace sampled)", async () => {
    for (const flow of ['add', 'agent']) expect((await call('POST', `/api/flows/${flow}/publish`, {})).status).toBeLessThan(300);
    expect((await call('POST', '/api/deployments', { name: 'agent-prod', flow: 'agent', trace_sample_rate: 1 })).status).toBe(201);
    const key = (await call('POST', '/api/deployments/agent-prod/keys', {})).json.key as string;
    const res = await fetch(`${server.url}/deployments/agent-prod/score`, {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify({ question: 'What is 2 + 3?' }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(await res.json()).toEqual({ answer: 'The sum is 5.' });
    const id = res.headers.get('x-request-id')!;
    // A synchronous call's run is group-committed a few milliseconds after its answer.
    let stored = await call('GET', `/api/runs/${id}`);
    for (let i = 0; i < 200 && stored.status === 404; i++) {
      await new Promise((r) => setTimeout(r, 10));
      stored = await call('GET', `/api/runs/${id}`);
    }
    expect(stored.status, stored.text).toBe(200);
    const ask = (stored.json.trace as TraceEntry[]).find((t) => t.node === 'ask')!;
    expect(ask.logs?.map((l) => l.message)).toEqual(['llm round 1: the model called add', 'llm round 1: tool add answered', 'llm round 2: answered']);
    expect(ask.logs?.[0].data).toEqual({ round: 1, tool_calls: [{ id: 'call_1', name: 'add', arguments: '{"a": 2, "b": 3}' }] });
  });
});
