/**
 * The official `openai` SDK as the client, against the real server on a loopback port: what an
 * app written for OpenAI (or Azure OpenAI) sees when pointed at Weir. Default models: the
 * extractive chat model and use-lite embeddings; and a real llama.cpp model (a tiny GGUF).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { writeTinyLlamaGguf } from '../helpers/tiny-gguf.ts';

const ADMIN = 'sdk-admin-token';
let server: RunningServer;
let dir: string;
const keys: Record<string, string> = {};

async function admin(method: string, url: string, body?: unknown): Promise<any> {
  const res = await fetch(server.url + url, { method, headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return res.status === 204 ? null : res.json();
}

async function deploy(name: string, model: string, extra: Record<string, unknown> = {}): Promise<void> {
  const d = await admin('POST', '/api/deployments', { name, model, ...extra });
  expect(d.state).toBe('loading');
  keys[name] = (await admin('POST', `/api/deployments/${name}/keys`, {})).key;
  await server.workspace.models.get(name);
}

const client = (key: string) => new OpenAI({ apiKey: key, baseURL: `${server.url}/v1`, maxRetries: 0 });
const CONTEXT = 'The Danube flows through ten countries. Vienna lies on the Danube. The Rhine ends in the North Sea.';
const messages: OpenAI.ChatCompletionMessageParam[] = [
  { role: 'system', content: CONTEXT },
  { role: 'user', content: 'Which city lies on the Danube?' },
];

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-sdk-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null });
  await deploy('chat', 'weir-extractive');
  await deploy('embed', 'use-lite');
}, 60_000);

afterAll(async () => {
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('OpenAI SDK against /v1', () => {
  it('lists the models a key may use, and all model deployments for the admin token', async () => {
    const mine = [];
    for await (const m of client(keys.chat).models.list()) mine.push(m);
    expect(mine).toEqual([{ id: 'chat', object: 'model', created: expect.any(Number), owned_by: 'weir' }]);
    const all = [];
    for await (const m of client(ADMIN).models.list()) all.push(m.id);
    expect(all.sort()).toEqual(['chat', 'embed']);
  });

  it('chats, plain and streamed; the streamed text and usage chunk equal the plain answer', async () => {
    const sdk = client(keys.chat);
    const plain = await sdk.chat.completions.create({ model: 'chat', messages });
    expect(plain).toMatchObject({ object: 'chat.completion', model: 'chat', choices: [{ index: 0, finish_reason: 'stop', message: { role: 'assistant' } }] });
    expect(plain.id).toMatch(/^chatcmpl-/);
    expect(plain.choices[0].message.content).toContain('Vienna lies on the Danube.');
    const u = plain.usage!;
    expect(u.prompt_tokens).toBeGreaterThan(0);
    expect(u.completion_tokens).toBeGreaterThan(0);
    expect(u.total_tokens).toBe(u.prompt_tokens + u.completion_tokens);

    const stream = await sdk.chat.completions.create({ model: 'chat', messages, stream: true, stream_options: { include_usage: true } });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.every((c) => c.object === 'chat.completion.chunk' && c.id === chunks[0].id)).toBe(true);
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(plain.choices[0].message.content);
    const finish = chunks.at(-2)!;
    expect(finish.choices[0].finish_reason).toBe('stop');
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual(plain.usage);

    // Without include_usage: no usage chunk.
    const bare = [];
    for await (const chunk of await sdk.chat.completions.create({ model: 'chat', messages, stream: true })) bare.push(chunk);
    expect(bare.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
  });

  it('answers legacy completions', async () => {
    const r = await client(keys.chat).completions.create({ model: 'chat', prompt: `${CONTEXT}\nWhich city lies on the Danube?`, max_tokens: 100 });
    expect(r.object).toBe('text_completion');
    expect(r.choices[0].text).toContain('Vienna');
  });

  it('embeds 512-d vectors, in input order (base64, as the SDK asks by default, and float)', async () => {
    const sdk = client(keys.embed);
    const inputs = ['Vienna lies on the Danube.', 'Cats are mammals.', 'The Rhine ends in the North Sea.'];
    const batch = await sdk.embeddings.create({ model: 'embed', input: inputs });
    expect(batch.object).toBe('list');
    expect(batch.model).toBe('embed');
    expect(batch.data.map((d) => d.index)).toEqual([0, 1, 2]);
    expect(batch.data.every((d) => d.object === 'embedding' && d.embedding.length === 512)).toBe(true);
    expect(batch.usage.prompt_tokens).toBeGreaterThan(0);
    for (const [i, text] of inputs.entries()) {
      const one = await sdk.embeddings.create({ model: 'embed', input: text, encoding_format: 'float' });
      one.data[0].embedding.forEach((v, j) => expect(batch.data[i].embedding[j]).toBeCloseTo(v, 5));
    }
    const same = await sdk.embeddings.create({ model: 'embed', input: 'x', dimensions: 512 });
    expect(same.data[0].embedding).toHaveLength(512);
  });
});

describe('AzureOpenAI SDK against /openai', () => {
  it('chats (plain and streamed) and embeds by deployment name with api-key and api-version', async () => {
    const azure = new AzureOpenAI({ endpoint: server.url, apiKey: keys.chat, apiVersion: '2024-10-21', deployment: 'chat', maxRetries: 0 });
    const viaV1 = await client(keys.chat).chat.completions.create({ model: 'chat', messages });
    const r = await azure.chat.completions.create({ model: 'ignored-by-azure', messages });
    expect(r.choices[0].message.content).toBe(viaV1.choices[0].message.content);
    expect(r.model).toBe('chat');
    let text = '';
    for await (const c of await azure.chat.completions.create({ model: '', messages, stream: true })) text += c.choices[0]?.delta.content ?? '';
    expect(text).toBe(viaV1.choices[0].message.content);

    const emb = new AzureOpenAI({ endpoint: server.url, apiKey: keys.embed, apiVersion: '2024-10-21', deployment: 'embed', maxRetries: 0 });
    const e = await emb.embeddings.create({ model: 'embed', input: ['a', 'b'] });
    expect(e.data.map((d) => d.embedding.length)).toEqual([512, 512]);
  });
});

describe('errors through the SDK', () => {
  it('raises AuthenticationError for a bad key, NotFoundError for a model the key may not use or that is not there, BadRequestError with the param', async () => {
    const err = (p: Promise<unknown>) => p.then(() => { throw new Error('expected a failure'); }, (e: unknown) => e);
    const bad = await err(client('weir_not_a_key').chat.completions.create({ model: 'chat', messages }));
    expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(bad).toMatchObject({ status: 401, code: 'unauthorized' });
    const foreign = await err(client(keys.chat).chat.completions.create({ model: 'embed', messages }));
    expect(foreign).toBeInstanceOf(OpenAI.NotFoundError);
    expect(foreign).toMatchObject({ status: 404, code: 'model_not_found', param: 'model' });
    const unknown = await err(client(keys.chat).chat.completions.create({ model: 'no-such', messages }));
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    const adminUnknown = await err(client(ADMIN).chat.completions.create({ model: 'no-such', messages }));
    expect(adminUnknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(adminUnknown).toMatchObject({ code: 'model_not_found', param: 'model' });

    const tools = await err(client(keys.chat).chat.completions.create({ model: 'chat', messages, tools: [{ type: 'function', function: { name: 'f', parameters: {} } }] }));
    expect(tools).toBeInstanceOf(OpenAI.BadRequestError);
    expect(tools).toMatchObject({ status: 400, code: 'unsupported_parameter', param: 'tools', type: 'invalid_request_error' });
    const n2 = await err(client(keys.chat).chat.completions.create({ model: 'chat', messages, n: 2 }));
    expect(n2).toMatchObject({ status: 400, param: 'n' });
    const empty = await err(client(keys.chat).chat.completions.create({ model: 'chat', messages: [] }));
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    expect(empty).toMatchObject({ param: 'messages' });
    const azureNoDeployment = await err(new AzureOpenAI({ endpoint: server.url, apiKey: keys.chat, apiVersion: '2024-10-21', deployment: 'embed', maxRetries: 0 }).chat.completions.create({ model: '', messages }));
    expect(azureNoDeployment).toBeInstanceOf(OpenAI.NotFoundError);
    expect(azureNoDeployment).toMatchObject({ code: 'model_not_found', param: 'deployment' });
  });
});

describe('a real llama.cpp model (tiny random-weight GGUF)', () => {
  beforeAll(async () => {
    const gguf = await writeTinyLlamaGguf(path.join(dir, 'tiny.gguf'), { seed: 11, contextLength: 2048 });
    await server.store.models.put({
      id: 'tiny-llama', name: 'Tiny random llama', publisher: 'weir-tests', task: 'chat-completion', provider: 'llama-cpp', format: 'gguf',
      license: 'Apache-2.0', parameters: null, contextLength: 512, fileSizeBytes: null, source: { kind: 'local', path: gguf.file },
      price: null, description: 'random weights, for tests', labels: ['user'],
    });
    await deploy('tiny', 'tiny-llama');
  }, 60_000);

  const ask: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: 'You are a tiny test model.' }, { role: 'user', content: 'hello the quick brown fox' }];
  const greedy = { temperature: 0, seed: 7 } as const;

  it('streams tokens with exact, consistent usage, and stops at a stop sequence', async () => {
    const sdk = client(keys.tiny);
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const c of await sdk.chat.completions.create({ model: 'tiny', messages: ask, max_tokens: 16, ...greedy, stream: true, stream_options: { include_usage: true } })) chunks.push(c);
    const pieces = chunks.map((c) => c.choices[0]?.delta.content).filter((t) => t);
    expect(pieces.length).toBeGreaterThan(1);
    expect(chunks.at(-2)!.choices[0].finish_reason).toBe('length');
    const usage = chunks.at(-1)!.usage!;
    expect(usage.completion_tokens).toBe(16);
    expect(usage.prompt_tokens).toBeGreaterThan(5);
    expect(usage.total_tokens).toBe(usage.prompt_tokens + usage.completion_tokens);

    const plain = await sdk.chat.completions.create({ model: 'tiny', messages: ask, max_tokens: 16, ...greedy });
    expect(plain.usage).toEqual(usage);
    expect(plain.choices[0].message.content).toBe(pieces.join(''));

    const full = plain.choices[0].message.content!;
    const stop = pickStop(full);
    const cut = await sdk.chat.completions.create({ model: 'tiny', messages: ask, max_tokens: 16, ...greedy, stop: [stop] });
    expect(cut.choices[0].message.content).toBe(full.slice(0, full.indexOf(stop)));
    expect(cut.choices[0].finish_reason).toBe('stop');
    expect(cut.usage!.completion_tokens).toBeLessThan(16);
  });

  it('stops generating when the client leaves mid-stream, and serves the next call', async () => {
    const sdk = client(keys.tiny);
    let seen = 0;
    for await (const c of await sdk.chat.completions.create({ model: 'tiny', messages: ask, max_tokens: 400, ...greedy, stream: true })) {
      if (c.choices[0]?.delta.content && ++seen === 3) break;
    }
    const next = await sdk.chat.completions.create({ model: 'tiny', messages: ask, max_tokens: 4, ...greedy });
    expect(next.usage!.completion_tokens).toBe(4);
  });

  it('refuses a completion budget past the deployment context', async () => {
    const e = await client(keys.tiny).chat.completions.create({ model: 'tiny', messages: ask, max_tokens: 5000 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(OpenAI.BadRequestError);
    expect(e).toMatchObject({ code: 'context_length_exceeded', param: 'max_tokens' });
  });
});

/** A 3-character piece of `text` after its start that first occurs past position 0. */
function pickStop(text: string): string {
  for (let i = 1; i + 3 <= text.length; i++) {
    const candidate = text.slice(i, i + 3);
    if (candidate.trim() === candidate && text.indexOf(candidate) > 0) return candidate;
  }
  throw new Error(`no usable stop string in ${JSON.stringify(text)}`);
}
