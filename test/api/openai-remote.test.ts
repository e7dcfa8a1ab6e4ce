/**
 * The OpenAI-compatible remote provider against another real Weir server: this Weir (in-process)
 * deploys remote catalog models through connections to the upstream's /v1 (OpenAI flavor) and
 * /openai (Azure flavor) routes. Also an upstream that never answers (timeout → 504).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { ADMIN, makeApi, type Api } from '../helpers/api.ts';
import { slowUpstream } from '../helpers/server-process.ts';

const UP_ADMIN = 'upstream-admin';
let up: RunningServer;
let upDir: string;
let api: Api;
let slow: Awaited<ReturnType<typeof slowUpstream>>;
const upKeys: Record<string, string> = {};

const CONTEXT = 'The Danube flows through ten countries. Vienna lies on the Danube. The Rhine ends in the North Sea.';
const messages = [{ role: 'system', content: CONTEXT }, { role: 'user', content: 'Which city lies on the Danube?' }];

async function upstream(method: string, url: string, body: unknown, key = UP_ADMIN): Promise<any> {
  const res = await fetch(up.url + url, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return res.json();
}

async function local(name: string, model: string, connection: string, remote_model?: string): Promise<void> {
  const d = await api.call('POST', '/api/deployments', { name, model, connection, ...(remote_model ? { remote_model } : {}) });
  expect(d.status, d.text).toBe(201);
}

const call = (url: string, body: unknown) => api.call('POST', url, body, { authorization: `Bearer ${ADMIN}` });

function sse(text: string): any[] {
  return text.split('\n\n').map((b) => b.trim()).filter((b) => b.startsWith('data: ') && b !== 'data: [DONE]').map((b) => JSON.parse(b.slice(6)));
}

beforeAll(async () => {
  upDir = mkdtempSync(path.join(os.tmpdir(), 'weir-upstream-'));
  up = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: upDir, adminToken: UP_ADMIN, examplesDir: null });
  for (const [name, model] of [['up-chat', 'weir-extractive'], ['up-embed', 'use-lite']]) {
    await upstream('POST', '/api/deployments', { name, model });
    upKeys[name] = (await upstream('POST', `/api/deployments/${name}/keys`, {})).key;
  }
  slow = await slowUpstream();

  api = makeApi();
  const put = (name: string, settings: Record<string, unknown>, secrets: Record<string, string>) => api.call('PUT', `/api/connections/${name}`, { type: 'openai', settings, secrets });
  await put('up-openai', { base_url: `${up.url}/v1` }, { api_key: upKeys['up-chat'] });
  await put('up-azure', { base_url: up.url, api_version: '2024-10-21' }, { api_key: upKeys['up-chat'] });
  await put('up-embed', { base_url: `${up.url}/v1`, flavor: 'openai' }, { api_key: upKeys['up-embed'] });
  await put('up-wrong-key', { base_url: `${up.url}/v1` }, { api_key: 'weir_not_a_key' });
  await put('nowhere', { base_url: 'http://127.0.0.1:1/v1' }, {});
  await put('never-answers', { base_url: `${slow.url}/slow?ms=30000&path=`, timeout_ms: 200 }, {});
  await local('remote-chat', 'gpt-4o-mini', 'up-openai', 'up-chat');
  await local('remote-azure', 'gpt-4o-mini', 'up-azure', 'up-chat');
  await local('remote-embed', 'text-embedding-3-small', 'up-embed', 'up-embed');
  await local('remote-bad', 'gpt-4o-mini', 'up-wrong-key', 'up-chat');
  await local('remote-slow', 'gpt-4o-mini', 'never-answers');
  await local('remote-gone', 'gpt-4o-mini', 'nowhere');
}, 60_000);

afterAll(async () => {
  await api?.close();
  await slow?.close();
  await up?.close();
  if (upDir) rmSync(upDir, { recursive: true, force: true });
});

describe('remote models through an OpenAI-compatible connection', () => {
  it('are ready at once (nothing to load) and show their connection and remote model', async () => {
    await api.ws.models.get('remote-chat');
    expect((await api.call('GET', '/api/deployments/remote-chat')).json).toMatchObject({ kind: 'model', model: 'gpt-4o-mini', connection: 'up-openai', remote_model: 'up-chat', state: 'ready' });
  });

  it('chat through the OpenAI flavor gives the upstream answer and its exact usage, metered on both sides', async () => {
    const direct = await upstream('POST', '/v1/chat/completions', { model: 'up-chat', messages }, upKeys['up-chat']);
    const r = await call('/v1/chat/completions', { model: 'remote-chat', messages });
    expect(r.status, r.text).toBe(200);
    expect(r.json.model).toBe('remote-chat');
    expect(r.json.choices[0].message.content).toBe(direct.choices[0].message.content);
    expect(r.json.usage).toEqual(direct.usage);

    await api.ws.runs.usage.flush();
    await up.workspace.runs.usage.flush();
    const mine = (await api.store.usage.list('remote-chat'));
    expect(mine.reduce((s, x) => s + x.promptTokens, 0)).toBe(direct.usage.prompt_tokens);
    const theirs = (await up.store.usage.list('up-chat'));
    expect(theirs.reduce((s, x) => s + x.requests, 0)).toBeGreaterThanOrEqual(2);
  });

  it('streams through: upstream chunks become ours, with the upstream usage', async () => {
    const direct = await upstream('POST', '/v1/chat/completions', { model: 'up-chat', messages }, upKeys['up-chat']);
    const r = await call('/v1/chat/completions', { model: 'remote-chat', messages, stream: true, stream_options: { include_usage: true } });
    expect(r.headers.get('content-type')).toContain('text/event-stream');
    expect(r.text.trim().endsWith('data: [DONE]')).toBe(true);
    const chunks = sse(r.text);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(direct.choices[0].message.content);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: direct.usage });
  });

  it('chat through the Azure flavor (deployment in the path, api-key, api-version)', async () => {
    const viaOpenAi = await call('/v1/chat/completions', { model: 'remote-chat', messages });
    const r = await call('/v1/chat/completions', { model: 'remote-azure', messages });
    expect(r.status, r.text).toBe(200);
    expect(r.json.choices[0].message.content).toBe(viaOpenAi.json.choices[0].message.content);
    const streamed = await call('/v1/chat/completions', { model: 'remote-azure', messages, stream: true });
    expect(sse(streamed.text).map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(viaOpenAi.json.choices[0].message.content);
  });

  it('embeds through the upstream, in order, with its usage', async () => {
    const input = ['Vienna lies on the Danube.', 'Cats are mammals.'];
    const direct = await upstream('POST', '/v1/embeddings', { model: 'up-embed', input, encoding_format: 'float' }, upKeys['up-embed']);
    const r = await call('/v1/embeddings', { model: 'remote-embed', input });
    expect(r.status, r.text).toBe(200);
    expect(r.json.data.map((d: { index: number }) => d.index)).toEqual([0, 1]);
    expect(r.json.data[1].embedding).toEqual(direct.data[1].embedding);
    expect(r.json.usage).toEqual(direct.usage);
  });

  it('maps upstream failures: a 401 (our connection\'s key) to 502, a 400 to 400, no answer to 504, no server to 502 — keeping the upstream status', async () => {
    const bad = await call('/v1/chat/completions', { model: 'remote-bad', messages });
    expect(bad.status).toBe(502);
    expect(bad.json.error).toMatchObject({ code: 'upstream_unauthorized', type: 'server_error' });
    expect(bad.json.error.message).toContain('401');
    expect(bad.json.error.message).not.toContain('weir_not_a_key');
    const badStream = await call('/v1/chat/completions', { model: 'remote-bad', messages, stream: true });
    expect(badStream.status).toBe(502);
    expect(badStream.json.error.code).toBe('upstream_unauthorized');

    // Too long for the upstream model, not for gpt-4o-mini's catalog context: the upstream refuses.
    const long = Array.from({ length: 9 }, () => ({ role: 'user', content: 'word '.repeat(1000) }));
    const rejected = await call('/v1/chat/completions', { model: 'remote-chat', messages: long });
    expect(rejected.status).toBe(400);
    expect(rejected.json.error).toMatchObject({ code: 'upstream_rejected' });
    expect(rejected.json.error.message).toContain('400');

    const timedOut = await call('/v1/chat/completions', { model: 'remote-slow', messages });
    expect(timedOut.status).toBe(504);
    expect(timedOut.json.error.code).toBe('upstream_timeout');

    const gone = await call('/v1/chat/completions', { model: 'remote-gone', messages });
    expect(gone.status).toBe(502);
    expect(gone.json.error.code).toBe('upstream_unreachable');
    expect(gone.json.error.message).not.toContain('127.0.0.1');

    await api.ws.runs.usage.flush();
    expect((await api.store.usage.list('remote-bad')).reduce((s, x) => s + x.requests, 0)).toBe(2);
  });
});
