/**
 * Streams as real clients read them: SSE from a published flow read with fetch's stream reader,
 * and an OpenAI SDK `stream: true` chat completion on the default extractive model; each also
 * left mid-way by the client, after which the server records the call and goes on serving.
 * Also /v1 auth through the SDKs (Bearer for OpenAI, the api-key header for Azure).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { parseSse } from '../helpers/api.ts';
import { testNodes } from '../helpers/test-nodes.ts';

const ADMIN = 'streaming-admin';
const WORDS = Array.from({ length: 12 }, (_, i) => `w${i}`);
// Slow enough that a client leaving after the first word leaves long before the last (12 × 100 ms);
// no assertion depends on the delay, only on the order of events.
const TALK = (delay: number) => `weir: 1\nname: talk${delay}\ninputs: { text: { type: string } }\noutputs:\n  said: \${talk.output}\nnodes:\n  - name: talk\n    type: stream\n    inputs: { text: \${inputs.text} }\n    config: { delay_ms: ${delay} }\n`;
let dir: string;
let server: RunningServer;
const keys: Record<string, string> = {};
let revokedChatKey: string;

async function admin(method: string, url: string, body?: unknown, type = 'application/json'): Promise<any> {
  const res = await fetch(server.url + url, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': type }, body: typeof body === 'string' ? body : body === undefined ? undefined : JSON.stringify(body) });
  expect(res.status, `${method} ${url}`).toBeLessThan(300);
  return res.status === 204 ? null : res.json();
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-streaming-http-'));
  server = await startServer({ registry: new NodeRegistry([...builtinNodes, ...testNodes]), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null });
  for (const delay of [1, 100]) {
    await admin('POST', '/api/flows', TALK(delay), 'application/yaml');
    await admin('POST', `/api/flows/talk${delay}/publish`, {});
    await admin('POST', '/api/deployments', { name: `talk${delay}`, flow: `talk${delay}` });
    keys[`talk${delay}`] = (await admin('POST', `/api/deployments/talk${delay}/keys`, {})).key;
  }
  await admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  keys.chat = (await admin('POST', '/api/deployments/chat/keys', {})).key;
  const gone = await admin('POST', '/api/deployments/chat/keys', {});
  revokedChatKey = gone.key;
  await admin('DELETE', `/api/deployments/chat/keys/${gone.id}`);
  await server.workspace.models.get('chat');
}, 30_000);
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const runStatus = async (id: string) => {
  await server.store.runs.flush();
  return (await admin('GET', `/api/runs/${id}`)).status as string;
};

describe('SSE from a published flow, read by fetch', () => {
  const open = (name: string, signal?: AbortSignal) =>
    fetch(`${server.url}/deployments/${name}/score`, {
      method: 'POST', signal,
      headers: { authorization: `Bearer ${keys[name]}`, 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ text: WORDS.join(' ') }),
    });

  it('streams every chunk in order, then one result event; the run is recorded as succeeded', async () => {
    const res = await open('talk1');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    let reads = 0;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      text += r.value;
      reads++;
    }
    expect(reads).toBeGreaterThan(1); // a stream, not one buffered body
    const events = parseSse(text);
    // The default safety policy releases the words in judged windows (about 24 characters, whole words), in order.
    expect(events.map((e) => e.event)).toEqual([...events.slice(0, -1).map(() => 'chunk'), 'result']);
    const chunks = events.slice(0, -1).map((e) => e.data.chunk as string);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(WORDS.map((w) => `${w} `).join(''));
    for (const c of chunks.slice(0, -1)) expect(c).toMatch(/^(w\d+ )+$/);
    const result = events.at(-1)!.data;
    expect(result.outputs).toEqual({ said: WORDS.map((w) => `${w} `).join('') });
    expect(result.run_id).toBe(res.headers.get('x-request-id'));
    expect(await runStatus(result.run_id)).toBe('succeeded');
  });

  it('a client that leaves after the first chunk cancels the run; the server goes on serving', async () => {
    const ctl = new AbortController();
    const res = await open('talk100', ctl.signal);
    const runId = res.headers.get('x-request-id')!;
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('event: chunk')) text += (await reader.read()).value ?? '';
    ctl.abort();
    await vi.waitFor(async () => expect(await runStatus(runId)).toBe('cancelled'), { timeout: 5000, interval: 20 });
    const again = await open('talk1');
    expect(parseSse(await again.text()).at(-1)!.event).toBe('result');
  });
});

describe('OpenAI SDK streaming on the extractive model', () => {
  const CONTEXT = Array.from({ length: 8 }, (_, i) => `Fact ${i}: the river Danube passes city number ${i}.`).join(' ');
  const messages: OpenAI.ChatCompletionMessageParam[] = [
    { role: 'system', content: CONTEXT },
    { role: 'user', content: 'Which cities does the Danube pass?' },
  ];
  const sdk = (key: string) => new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
  const requests = async () => {
    await server.workspace.runs.usage.flush();
    return (await server.store.usage.list('chat')).reduce((n, r) => n + r.requests, 0);
  };

  it('a client that breaks off mid-stream is metered as one request, and the next stream is whole', async () => {
    const before = await requests();
    const full = await sdk(keys.chat).chat.completions.create({ model: 'chat', messages });
    const answer = full.choices[0].message.content!;
    expect(answer.length).toBeGreaterThan(0);
    await vi.waitFor(async () => expect(await requests()).toBe(before + 1), { interval: 20 });

    const stream = await sdk(keys.chat).chat.completions.create({ model: 'chat', messages, stream: true });
    let got = '';
    for await (const chunk of stream) {
      got += chunk.choices[0]?.delta.content ?? '';
      if (got) break; // leaves: the SDK aborts the request
    }
    expect(answer.startsWith(got)).toBe(true);
    expect(got.length).toBeLessThan(answer.length); // it really left mid-way
    await vi.waitFor(async () => expect(await requests()).toBe(before + 2), { timeout: 5000, interval: 20 });

    let whole = '';
    for await (const chunk of await sdk(keys.chat).chat.completions.create({ model: 'chat', messages, stream: true })) whole += chunk.choices[0]?.delta.content ?? '';
    expect(whole).toBe(answer);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('refuses a wrong or revoked key through the SDK with the OpenAI error (another deployment\'s key: not found); Azure clients authenticate with api-key', async () => {
    const fail = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);
    for (const key of ['weir_not_a_key', revokedChatKey]) {
      const err = await fail(sdk(key).chat.completions.create({ model: 'chat', messages }));
      expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
      expect(err).toMatchObject({ status: 401, code: 'unauthorized', type: 'authentication_error', param: null });
    }
    const foreign = await fail(sdk(keys.talk1).chat.completions.create({ model: 'chat', messages }));
    expect(foreign).toBeInstanceOf(OpenAI.NotFoundError);
    expect(foreign).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    const azure = (key: string) => new AzureOpenAI({ endpoint: server.url, apiKey: key, apiVersion: '2024-10-21', deployment: 'chat', maxRetries: 0 });
    const ok = await azure(keys.chat).chat.completions.create({ model: '', messages });
    expect(ok.choices[0].message.content).toBeTruthy();
    expect(await fail(azure(revokedChatKey).chat.completions.create({ model: '', messages }))).toBeInstanceOf(OpenAI.AuthenticationError);
    // The header Azure clients send, checked on the wire rather than trusted to the SDK.
    const raw = await fetch(`${server.url}/openai/deployments/chat/chat/completions?api-version=2024-10-21`, {
      method: 'POST', headers: { 'api-key': revokedChatKey, 'content-type': 'application/json' }, body: JSON.stringify({ messages }),
    });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({ error: { code: 'unauthorized', message: expect.any(String), param: null, type: 'authentication_error' } });
  });
});
