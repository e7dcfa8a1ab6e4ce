import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { ModelCatalog } from '../../models/catalog.ts';
import type { ModelEntry } from '../../models/types.ts';
import { errorResponse } from '../errors.ts';
import { modelRoutes } from './models.ts';

const mine: ModelEntry = {
  id: 'my-gguf',
  name: 'My GGUF',
  publisher: 'me',
  task: 'text-generation',
  provider: 'llama-cpp',
  format: 'gguf',
  license: 'mit',
  parameters: 1000,
  contextLength: 512,
  fileSizeBytes: 4096,
  source: { kind: 'local', path: '/models/my.gguf' },
  price: null,
  description: 'registered by the user',
  labels: ['user'],
};

function app() {
  const a = new Hono();
  a.route('/api/models', modelRoutes(new ModelCatalog(async () => [mine])));
  a.onError((err, c) => errorResponse(err, c));
  return a;
}

async function get(url: string) {
  const res = await app().request(url);
  return { status: res.status, body: (await res.json()) as any };
}

const ids = (body: { data: { id: string }[] }) => body.data.map((m) => m.id);

describe('GET /api/models', () => {
  it('lists built-in and user models in the API shape', async () => {
    const { status, body } = await get('/api/models');
    expect(status).toBe(200);
    expect(ids(body)).toContain('weir-extractive');
    expect(ids(body).at(-1)).toBe('my-gguf');
    expect(body.data.find((m: { id: string }) => m.id === 'gpt-4o-mini')).toMatchObject({ local: false, context_length: 128000, price: { input_per_1k: 0.00015, output_per_1k: 0.0006, per_hour: null } });
  });

  it('filters by q, task, license, provider and local', async () => {
    expect(ids((await get('/api/models?q=llama%201b')).body)).toEqual(['llama-3.2-1b-instruct']);
    expect(ids((await get('/api/models?task=text-generation')).body)).toEqual(['my-gguf']);
    expect(ids((await get('/api/models?task=embeddings&local=false')).body)).toEqual(['text-embedding-3-small']);
    expect(ids((await get('/api/models?provider=use-lite')).body)).toEqual(['use-lite']);
    expect(ids((await get('/api/models?license=qwen-research')).body)).toEqual(['qwen2.5-3b-instruct']);
    expect((await get('/api/models?local=true')).body.data.every((m: { local: boolean }) => m.local)).toBe(true);
  });

  it('refuses an unknown task, provider or local value with 400 naming the param', async () => {
    for (const [query, param] of [['task=painting', 'task'], ['provider=ollama', 'provider'], ['local=yes', 'local']]) {
      const { status, body } = await get(`/api/models?${query}`);
      expect(status).toBe(400);
      expect(body.error).toMatchObject({ code: 'invalid_request', param, type: 'invalid_request_error' });
      expect(body.error.message).toContain(param);
    }
  });
});

describe('GET /api/models/:id', () => {
  it('returns one model, built-in or user', async () => {
    const ext = await get('/api/models/weir-extractive');
    expect(ext.status).toBe(200);
    expect(ext.body).toMatchObject({ id: 'weir-extractive', provider: 'extractive', format: 'shipped', labels: ['extractive', 'default-chat'], local: true, price: null });
    expect((await get('/api/models/my-gguf')).body).toMatchObject({ source: { kind: 'local', path: '/models/my.gguf' }, file_size_bytes: 4096 });
  });

  it('answers 404 model_not_found for an unknown id', async () => {
    const { status, body } = await get('/api/models/nope');
    expect(status).toBe(404);
    expect(body.error).toMatchObject({ code: 'model_not_found', type: 'not_found_error' });
  });
});
