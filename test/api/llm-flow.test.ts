/**
 * Flows that call models: `llm` and `embed` nodes inside a published flow, against model
 * deployments of the offline default models and through an OpenAI-compatible connection (this
 * same Weir's /v1, so nothing is faked). Real server on a loopback port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';

const ADMIN = 'llm-flow-admin';
let server: RunningServer;
let dir: string;

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` }) {
  const res = await fetch(server.url + url, {
    method,
    headers: { 'content-type': typeof body === 'string' ? 'application/yaml' : 'application/json', ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, json: text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : undefined };
}

const flow = (name: string, model: string) => `weir: 1
name: ${name}
inputs:
  question: { type: string }
outputs:
  answer: \${answer.output}
  dims: \${size.output}
nodes:
  - name: answer
    type: llm
    inputs: { question: \${inputs.question} }
    config:
      ${model}
      template: |
        system:
        [1] Vienna lies on the Danube. The Danube flows through ten countries.
        [2] The Rhine ends in the North Sea.
        user:
        {{ question }}
  - name: vector
    type: embed
    inputs: { text: \${inputs.question} }
    config: { deployment: embed }
  - name: size
    type: transform
    inputs: { v: \${vector.output} }
    config: { expression: "$count(v)" }
`;

async function publish(name: string, model: string): Promise<string> {
  expect((await call('POST', '/api/flows', flow(name, model))).status).toBe(201);
  expect((await call('POST', `/api/flows/${name}/publish`, {})).status).toBeLessThan(300);
  expect((await call('POST', '/api/deployments', { name, flow: name })).status).toBe(201);
  return (await call('POST', `/api/deployments/${name}/keys`, {})).json.key;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-llm-flow-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null });
  for (const [name, model] of [['chat', 'weir-extractive'], ['embed', 'use-lite']]) {
    expect((await call('POST', '/api/deployments', { name, model })).status).toBe(201);
    await server.workspace.models.get(name);
  }
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('llm and embed nodes in a published flow', () => {
  let key: string;
  beforeAll(async () => {
    key = await publish('ask', 'deployment: chat');
  });

  it('answers from the model deployment, embeds with the other, and records token usage on the run', async () => {
    const r = await call('POST', '/deployments/ask/score', { question: 'Which city lies on the Danube?' }, { authorization: `Bearer ${key}` });
    expect(r.status, r.text).toBe(200);
    expect(r.json.answer).toContain('Vienna lies on the Danube.');
    expect(r.json.answer).not.toContain('Rhine');
    expect(r.json.dims).toBe(512);
    await server.store.runs.flush();
    const runs = (await call('GET', '/api/runs?deployment=ask')).json.data;
    const run = (await call('GET', `/api/runs/${runs[0].id}`)).json;
    expect(run.usage.prompt_tokens).toBeGreaterThan(10);
    expect(run.usage.completion_tokens).toBeGreaterThan(0);
    const nodes = Object.fromEntries(run.trace.map((t: { node: string; usage: unknown }) => [t.node, t.usage]));
    expect(nodes.answer).toMatchObject({ completion_tokens: expect.any(Number) });
    expect(nodes.vector.prompt_tokens).toBeGreaterThan(0);
    expect(nodes.vector.completion_tokens ?? 0).toBe(0);
  });

  it('streams the answer as chunk events, then the result with usage', async () => {
    const r = await call('POST', '/deployments/ask/score', { question: 'Tell me about the Danube.' }, { authorization: `Bearer ${key}`, accept: 'text/event-stream' });
    const events = r.text.split('\n\n').filter(Boolean).map((block) => ({ event: /event: (\w+)/.exec(block)?.[1], data: JSON.parse(/data: (.*)/.exec(block)![1]) }));
    const chunks = events.filter((e) => e.event === 'chunk');
    expect(chunks.length).toBeGreaterThan(1);
    const result = events.at(-1)!;
    expect(result.event).toBe('result');
    expect(chunks.map((c) => c.data.chunk).join('')).toBe(result.data.outputs.answer);
    expect(result.data.usage.total_tokens).toBeGreaterThan(0);
  });

  it('fails the run with a clear error when the deployment it names is not a model deployment', async () => {
    const k = await publish('broken', 'deployment: nowhere');
    const r = await call('POST', '/deployments/broken/score', { question: 'x' }, { authorization: `Bearer ${k}` });
    expect(r.status).toBeGreaterThanOrEqual(500);
    expect(r.status).toBeLessThan(600);
    expect(r.json.error.code).toBe('model_not_ready');
    expect(r.json.error.message).toContain('"nowhere"');
  });
});

describe('llm node through an OpenAI-compatible connection', () => {
  it('calls the remote (this server\'s /v1) and gets the same answer as the deployment gives', async () => {
    const chatKey = (await call('POST', '/api/deployments/chat/keys', {})).json.key;
    expect((await call('PUT', '/api/connections/self', { type: 'openai', settings: { base_url: `${server.url}/v1` }, secrets: { api_key: chatKey } })).status).toBeLessThan(300);
    const viaConnection = await publish('ask-remote', 'connection: self\n      model: chat');
    const direct = (await call('POST', '/api/deployments/ask/keys', {})).json.key;
    const q = { question: 'Which city lies on the Danube?' };
    const a = await call('POST', '/deployments/ask-remote/score', q, { authorization: `Bearer ${viaConnection}` });
    const b = await call('POST', '/deployments/ask/score', q, { authorization: `Bearer ${direct}` });
    expect(a.status, a.text).toBe(200);
    expect(a.json.answer).toBe(b.json.answer);
  });
});
