/**
 * OpenTelemetry, end to end: a real Weir server exports its spans over OTLP/HTTP to a real
 * receiver on a loopback port. A published flow with an llm node (the offline extractive model)
 * gives a run span, node spans under it and the model call under its node; /v1 chat calls are
 * spans of their own, children of the caller's `traceparent`. Message contents are recorded only
 * on the server that opted in. Spans are flushed explicitly before each look.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../helpers/otlp-receiver.ts';

const ADMIN = 'otel-admin';
const ERROR = 2;

const ASK = `weir: 1
name: ask
inputs:
  question: { type: string }
outputs:
  answer: \${answer.output}
  shout: \${shout.output}
nodes:
  - name: answer
    type: llm
    inputs: { question: \${inputs.question} }
    config:
      deployment: chat
      max_tokens: 64
      template: |
        system:
        [1] Vienna lies on the Danube. The Danube flows through ten countries.
        [2] The Rhine ends in the North Sea.
        user:
        {{ question }}
  - name: shout
    type: transform
    inputs: { text: \${answer.output} }
    config: { expression: "$uppercase(text)" }
`;

const BROKEN = `weir: 1
name: broken
inputs:
  question: { type: string }
outputs:
  out: \${boom.output}
nodes:
  - name: boom
    type: transform
    inputs: { q: \${inputs.question} }
    config: { expression: "$error('the node gave up')" }
`;

interface Weir {
  server: RunningServer;
  dir: string;
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; json: any; text: string }>;
  keys: Record<string, string>;
  /** Spans this server exported so far (after a flush). */
  spans(): Promise<ReceivedSpan[]>;
}

let receiver: OtlpReceiver;
let plain: Weir;
let capturing: Weir;

async function start(serviceName: string, captureContent: boolean): Promise<Weir> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-otel-'));
  const server = await startServer({
    registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null,
    telemetry: { url: receiver.url, headers: {}, serviceName, captureContent },
  });
  const call: Weir['call'] = async (method, url, body, headers = { authorization: `Bearer ${ADMIN}` }) => {
    const res = await fetch(server.url + url, {
      method,
      headers: { 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json', ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, text, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
  };
  expect((await call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
  await server.workspace.models.get('chat');
  const keys: Record<string, string> = {};
  for (const flow of [ASK, BROKEN]) {
    const name = /name: (\w+)/.exec(flow)![1];
    expect((await call('POST', '/api/flows', flow)).status).toBe(201);
    expect((await call('POST', `/api/flows/${name}/publish`, {})).status).toBeLessThan(300);
    expect((await call('POST', '/api/deployments', { name, flow: name })).status).toBe(201);
    keys[name] = (await call('POST', `/api/deployments/${name}/keys`, {})).json.key;
  }
  keys.chat = (await call('POST', '/api/deployments/chat/keys', {})).json.key;
  const spans = async () => {
    await server.workspace.telemetry!.flush();
    return receiver.spans.filter((s) => s.resource['service.name'] === serviceName);
  };
  return { server, dir, call, keys, spans };
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  plain = await start('weir-otel-plain', false);
  capturing = await start('weir-otel-capture', true);
}, 60_000);

afterAll(async () => {
  for (const w of [plain, capturing]) {
    await w?.server.close();
    if (w) rmSync(w.dir, { recursive: true, force: true });
  }
  await receiver?.close();
});

const byRun = (spans: ReceivedSpan[], runId: string) => spans.find((s) => s.attributes['weir.run.id'] === runId)!;
const childrenOf = (spans: ReceivedSpan[], parent: ReceivedSpan) => spans.filter((s) => s.parentSpanId === parent.spanId && s.traceId === parent.traceId);

async function score(w: Weir, flow: string, question: string) {
  const r = await w.call('POST', `/deployments/${flow}/score`, { question }, { authorization: `Bearer ${w.keys[flow]}` });
  await w.server.store.runs.flush();
  const runId = (await w.call('GET', `/api/runs?deployment=${flow}`)).json.data[0].id as string;
  const run = (await w.call('GET', `/api/runs/${runId}`)).json;
  return { r, runId, run };
}

describe('a flow run as spans', () => {
  it('exports the run, a span per node under it, and the llm node\'s model call under its node', async () => {
    const { r, runId, run } = await score(plain, 'ask', 'Which city lies on the Danube?');
    expect(r.status, r.text).toBe(200);
    const spans = await plain.spans();
    const runSpan = byRun(spans, runId);
    expect(runSpan).toBeDefined();
    expect(runSpan.name).toBe('invoke_workflow ask');
    expect(runSpan.parentSpanId).toBe('');
    expect(runSpan.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(runSpan.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_workflow', 'gen_ai.workflow.name': 'ask', 'weir.flow': 'ask', 'weir.flow.version': 1, 'weir.deployment': 'ask', 'weir.run.status': 'succeeded' });
    expect(runSpan.status.code).not.toBe(ERROR);
    expect(runSpan.scope).toBe('weir');

    const nodes = childrenOf(spans, runSpan);
    expect(nodes.map((n) => n.name).sort()).toEqual(['node answer', 'node shout']);
    const answer = nodes.find((n) => n.name === 'node answer')!;
    expect(answer.attributes).toMatchObject({ 'weir.node.name': 'answer', 'weir.node.type': 'llm', 'weir.node.status': 'succeeded', 'weir.node.attempts': 1 });
    expect(nodes.find((n) => n.name === 'node shout')!.attributes['weir.node.type']).toBe('transform');

    const [model] = childrenOf(spans, answer);
    expect(model.name).toBe('chat chat');
    const usage = run.trace.find((t: { node: string }) => t.node === 'answer').usage;
    expect(model.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'extractive',
      'gen_ai.request.model': 'chat',
      'gen_ai.response.model': 'weir-extractive',
      'gen_ai.request.max_tokens': 64,
      'gen_ai.usage.input_tokens': usage.prompt_tokens,
      'gen_ai.usage.output_tokens': usage.completion_tokens,
      'gen_ai.response.finish_reasons': ['stop'],
      'weir.deployment': 'chat',
    });
    expect(usage.completion_tokens).toBeGreaterThan(0);
    // Not opted in: no prompt, no completion.
    expect(model.attributes['gen_ai.input.messages']).toBeUndefined();
    expect(model.attributes['gen_ai.output.messages']).toBeUndefined();
    expect(runSpan.attributes['gen_ai.usage.input_tokens']).toBe(run.usage.prompt_tokens);
  });

  it('continues the caller\'s trace (W3C traceparent) on a published flow call: the run span is its child, the nodes under it', async () => {
    const trace = '0af7651916cd43dd8448eb211c80319c';
    const parent = 'b7ad6b7169203331';
    const r = await plain.call('POST', '/deployments/ask/score', { question: 'Which city lies on the Danube?' }, { authorization: `Bearer ${plain.keys.ask}`, traceparent: `00-${trace}-${parent}-01` });
    expect(r.status, r.text).toBe(200);
    const spans = await plain.spans();
    const runSpan = spans.find((s) => s.name === 'invoke_workflow ask' && s.traceId === trace)!;
    expect(runSpan).toBeDefined();
    expect(runSpan.parentSpanId).toBe(parent);
    expect(childrenOf(spans, runSpan).map((n) => n.name).sort()).toEqual(['node answer', 'node shout']);
  });

  it('marks a failing node and its run as errors, with the error code', async () => {
    const { r, runId, run } = await score(plain, 'broken', 'x');
    expect(r.status).toBeGreaterThanOrEqual(400);
    const spans = await plain.spans();
    const runSpan = byRun(spans, runId);
    expect(runSpan.name).toBe('invoke_workflow broken');
    expect(runSpan.status.code).toBe(ERROR);
    expect(runSpan.attributes['weir.run.status']).toBe('failed');
    expect(runSpan.attributes['error.type']).toBe(run.error.code);
    const [boom] = childrenOf(spans, runSpan);
    expect(boom.name).toBe('node boom');
    expect(boom.status.code).toBe(ERROR);
    expect(boom.status.message).toContain('the node gave up');
    expect(boom.attributes).toMatchObject({ 'weir.node.status': 'failed', 'error.type': run.error.code });
  });

  it('puts the model calls of a sub-flow\'s nodes under the node that called the sub-flow', async () => {
    const OUTER = `weir: 1\nname: outer\ninputs: { question: { type: string } }\noutputs:\n  answer: \${call.output.answer}\nnodes:\n  - name: call\n    type: flow\n    inputs: { question: \${inputs.question} }\n    config: { flow: ask }\n`;
    expect((await plain.call('POST', '/api/flows', OUTER)).status).toBe(201);
    expect((await plain.call('POST', '/api/flows/outer/publish', {})).status).toBeLessThan(300);
    expect((await plain.call('POST', '/api/deployments', { name: 'outer', flow: 'outer' })).status).toBe(201);
    plain.keys.outer = (await plain.call('POST', '/api/deployments/outer/keys', {})).json.key;
    const { r, runId } = await score(plain, 'outer', 'Which city lies on the Danube?');
    expect(r.status, r.text).toBe(200);
    const spans = await plain.spans();
    const [call] = childrenOf(spans, byRun(spans, runId));
    expect(call.name).toBe('node call');
    expect(call.attributes['weir.node.type']).toBe('flow');
    expect(childrenOf(spans, call).map((s) => s.name)).toEqual(['chat chat']);
  });

  it('records the prompt and the completion on a server that opted in', async () => {
    const { r, runId } = await score(capturing, 'ask', 'Which city lies on the Danube?');
    expect(r.status, r.text).toBe(200);
    const spans = await capturing.spans();
    const [answer] = childrenOf(spans, byRun(spans, runId)).filter((s) => s.name === 'node answer');
    const [model] = childrenOf(spans, answer);
    const input = JSON.parse(model.attributes['gen_ai.input.messages'] as string);
    expect(input.at(-1)).toEqual({ role: 'user', parts: [{ type: 'text', content: 'Which city lies on the Danube?' }] });
    expect(input[0].role).toBe('system');
    const output = JSON.parse(model.attributes['gen_ai.output.messages'] as string);
    expect(output).toEqual([{ role: 'assistant', parts: [{ type: 'text', content: r.json.answer }], finish_reason: 'stop' }]);
  });
});

describe('/v1 calls as spans', () => {
  const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
  const PARENT = '00f067aa0ba902b7';

  async function chat(w: Weir, headers: Record<string, string>) {
    const id = `otel-${Math.random().toString(36).slice(2)}`;
    const messages = [{ role: 'system', content: 'Vienna lies on the Danube.' }, { role: 'user', content: 'Where is Vienna?' }];
    const r = await w.call('POST', '/v1/chat/completions', { model: 'chat', messages, max_tokens: 32, temperature: 0 }, { authorization: `Bearer ${w.keys.chat}`, 'x-request-id': id, ...headers });
    expect(r.status, r.text).toBe(200);
    const spans = await w.spans();
    return { r, span: spans.find((s) => s.attributes['weir.request.id'] === id)! };
  }

  it('continues the caller\'s trace (W3C traceparent) with a chat span and its usage', async () => {
    const { r, span } = await chat(plain, { traceparent: `00-${TRACE}-${PARENT}-01` });
    expect(span).toBeDefined();
    expect(span.name).toBe('chat chat');
    expect(span.traceId).toBe(TRACE);
    expect(span.parentSpanId).toBe(PARENT);
    expect(span.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'chat',
      'gen_ai.response.model': 'weir-extractive',
      'gen_ai.request.max_tokens': 32,
      'gen_ai.request.temperature': 0,
      'gen_ai.usage.input_tokens': r.json.usage.prompt_tokens,
      'gen_ai.usage.output_tokens': r.json.usage.completion_tokens,
      'gen_ai.response.finish_reasons': [r.json.choices[0].finish_reason],
      'weir.deployment': 'chat',
    });
    expect(span.attributes['gen_ai.input.messages']).toBeUndefined();
  });

  it('starts a trace of its own without a traceparent, and records contents only when opted in', async () => {
    const { r, span } = await chat(capturing, {});
    expect(span.parentSpanId).toBe('');
    expect(span.traceId).not.toBe(TRACE);
    expect(JSON.parse(span.attributes['gen_ai.input.messages'] as string)).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Vienna lies on the Danube.' }] },
      { role: 'user', parts: [{ type: 'text', content: 'Where is Vienna?' }] },
    ]);
    expect(JSON.parse(span.attributes['gen_ai.output.messages'] as string)[0].parts[0].content).toBe(r.json.choices[0].message.content);
  });

  it('exported over OTLP/HTTP as JSON to the traces path', () => {
    expect(receiver.requests.length).toBeGreaterThan(0);
    expect(receiver.requests.every((q) => q.path === '/v1/traces' && q.contentType.startsWith('application/json'))).toBe(true);
  });
});
