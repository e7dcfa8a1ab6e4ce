/**
 * A GGUF embedding model behind the OpenAI-compatible /v1/embeddings route: the tiny random-weight
 * llama GGUF registered with task `embeddings` in the store, deployed, and called with a key,
 * in-process over a real store. Nothing is mocked: llama.cpp computes the vectors.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApi, type Api } from '../helpers/api.ts';
import { tinyEmbeddingEntry, writeTinyLlamaGguf, type TinyGguf } from '../helpers/tiny-gguf.ts';

let api: Api;
let gguf: TinyGguf;
const keys: Record<string, string> = {};
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const embeddings = (body: Record<string, unknown>, key = keys.gemb) => api.call('POST', '/v1/embeddings', { model: 'gemb', ...body }, as(key));

async function deploy(name: string, model: string): Promise<void> {
  const d = await api.call('POST', '/api/deployments', { name, model });
  expect(d.status, d.text).toBe(201);
  keys[name] = (await api.call('POST', `/api/deployments/${name}/keys`, {})).json.key;
  await api.ws.models.get(name);
}

beforeAll(async () => {
  api = makeApi();
  gguf = await writeTinyLlamaGguf(path.join(api.dir, 'tiny.gguf'), { seed: 11 });
  await api.store.models.put(tinyEmbeddingEntry(gguf, { contextLength: 128 }));
  await api.store.models.put(tinyEmbeddingEntry(gguf, { id: 'tiny-chat', task: 'chat-completion', dimensions: undefined }));
  await deploy('gemb', 'tiny-embedder');
  await deploy('gchat', 'tiny-chat');
}, 60_000);
afterAll(() => api?.close());

describe('GGUF embedding deployments on /v1/embeddings', { timeout: 60_000 }, () => {
  it('embeds to unit vectors of the GGUF embedding length, in input order, with exact usage', async () => {
    const input = ['hello the quick brown fox', 'lazy dog', 'the river and the stone'];
    const r = await embeddings({ input, encoding_format: 'float' });
    expect(r.status, r.text).toBe(200);
    expect(r.json).toMatchObject({ object: 'list', model: 'gemb' });
    expect(r.json.data.map((d: { index: number }) => d.index)).toEqual([0, 1, 2]);
    for (const d of r.json.data as { embedding: number[] }[]) {
      expect(d.embedding).toHaveLength(gguf.embeddingLength);
      expect(Math.hypot(...d.embedding)).toBeCloseTo(1, 5);
    }
    const model = await api.ws.models.get('gemb');
    let tokens = 0;
    for (const t of input) tokens += (await model.tokenize(t)).length;
    expect(r.json.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
    for (const [i, text] of input.entries()) {
      const one = await embeddings({ input: text, encoding_format: 'float' });
      one.json.data[0].embedding.forEach((v: number, j: number) => expect(r.json.data[i].embedding[j]).toBeCloseTo(v, 6));
    }
    expect((await embeddings({ input: 'x', dimensions: gguf.embeddingLength })).status).toBe(200);
    const other = await embeddings({ input: 'x', dimensions: 32 });
    expect(other.status).toBe(400);
    expect(other.json.error).toMatchObject({ code: 'unsupported_parameter', param: 'dimensions' });
  });

  it('refuses an input longer than the model window, naming it', async () => {
    const r = await embeddings({ input: ['short', Array(200).fill('the').join(' ')] });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'context_length_exceeded', param: 'input' });
    expect(r.json.error.message).toContain('input 1 has 201');
  });

  it('refuses chat on the embedding deployment and embeddings on a chat deployment of the same file', async () => {
    const chat = await api.call('POST', '/v1/chat/completions', { model: 'gemb', messages: [{ role: 'user', content: 'hi' }] }, as(keys.gemb));
    expect(chat.status).toBe(400);
    expect(chat.json.error).toMatchObject({ code: 'model_not_supported', param: 'model' });
    const embed = await embeddings({ model: 'gchat', input: 'hi' }, keys.gchat);
    expect(embed.status).toBe(400);
    expect(embed.json.error).toMatchObject({ code: 'model_not_supported', param: 'model' });
  });
});
