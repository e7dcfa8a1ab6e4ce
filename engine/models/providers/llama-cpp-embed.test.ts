/**
 * GGUF embedding models for real: the tiny random-weight llama GGUF from the test helper, loaded by
 * node-llama-cpp on CPU as an embedding model (task `embeddings`). Random weights still give
 * deterministic, text-dependent vectors, so everything but retrieval quality can be asserted.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyEmbeddingEntry, writeTinyLlamaGguf, type TinyGguf } from '../../../test/helpers/tiny-gguf.ts';
import { WeirError } from '../../errors.ts';
import { describeLocalModel } from '../local-model-info.ts';
import { defaultThreads } from '../threads.ts';
import type { LoadedModel, ModelEntry } from '../types.ts';
import { normalize } from './llama-cpp-embed.ts';
import { llamaCppProvider, loadedModelCount } from './llama-cpp.ts';

let dir: string;
let gguf: TinyGguf;
let entry: ModelEntry;
let model: LoadedModel;
const WINDOW = 128;

function embed(m: LoadedModel, texts: string[], opts?: { signal?: AbortSignal }) {
  if (!m.embed) throw new Error(`${m.entry.id} must embed`);
  return m.embed(texts, opts);
}

const norm = (v: number[]) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-llama-embed-'));
  gguf = await writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 11, contextLength: 2048 });
  entry = tinyEmbeddingEntry(gguf, { contextLength: WINDOW });
  model = await llamaCppProvider.load(entry, { threads: defaultThreads() });
}, 60_000);

afterAll(async () => {
  await model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('llama-cpp embedding models', { timeout: 60_000 }, () => {
  it('embeds to unit vectors of the model embedding length, and does not chat', async () => {
    expect(model.entry.dimensions).toBe(gguf.embeddingLength);
    expect(model.contextLength).toBe(WINDOW);
    const { vectors } = await embed(model, ['hello the quick brown fox', 'lazy dog']);
    expect(vectors).toHaveLength(2);
    for (const v of vectors) {
      expect(v).toHaveLength(gguf.embeddingLength);
      expect(v.every(Number.isFinite)).toBe(true);
      expect(norm(v)).toBeCloseTo(1, 6);
    }
    expect(model.chat).toBeUndefined();
    expect(model.complete).toBeUndefined();
  });

  it('is deterministic per text, differs between texts, and a batch equals one by one', async () => {
    const texts = ['the river and the stone', 'small green house', 'the river and the stone', 'water light'];
    const { vectors } = await embed(model, texts);
    expect(vectors[2]).toEqual(vectors[0]);
    expect(vectors[1]).not.toEqual(vectors[0]);
    expect(vectors[3]).not.toEqual(vectors[1]);
    for (const [i, t] of texts.entries()) expect((await embed(model, [t])).vectors[0]).toEqual(vectors[i]);
    expect(await embed(model, [])).toEqual({ vectors: [], usage: { prompt_tokens: 0, total_tokens: 0 } });
  });

  it('counts usage exactly as tokenize() does, special tokens included', async () => {
    const texts = ['hello the quick brown fox', 'a', 'the city and the world'];
    const counts = await Promise.all(texts.map(async (t) => (await model.tokenize(t)).length));
    // The tiny vocabulary adds BOS (and no EOS): one more than the text's own tokens.
    expect((await model.tokenize('hello the quick brown fox'))[0]).toBe(gguf.bosId);
    const total = counts.reduce((a, b) => a + b, 0);
    expect((await embed(model, texts)).usage).toEqual({ prompt_tokens: total, total_tokens: total });
  });

  it('refuses an input longer than the window, naming its index and token count, and embeds one that fits exactly', async () => {
    // Each "the" is one token, plus BOS.
    const fits = Array(WINDOW - 1).fill('the').join(' ');
    const over = Array(WINDOW + 10).fill('the').join(' ');
    expect(await model.tokenize(fits)).toHaveLength(WINDOW);
    expect((await embed(model, [fits])).vectors[0]).toHaveLength(gguf.embeddingLength);
    const err = await embed(model, ['short', over]).then(
      () => expect.fail('should refuse'),
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(WeirError);
    expect(err).toMatchObject({ code: 'context_length_exceeded', status: 400, path: ['input', 1] });
    expect((err as WeirError).message).toContain('input 1 has 139 tokens');
    expect((err as WeirError).message).toContain(String(WINDOW));
    // Still serving.
    expect((await embed(model, ['after'])).vectors).toHaveLength(1);
  });

  it('takes turns between concurrent calls, text by text, and honours abort signals', async () => {
    const order: string[] = [];
    const many = Array.from({ length: 30 }, (_, i) => `the flow number ${i}`);
    const big = embed(model, many).then((r) => (order.push('big'), r));
    const small = embed(model, ['quick fox']).then((r) => (order.push('small'), r));
    const [b, s] = await Promise.all([big, small]);
    expect(order).toEqual(['small', 'big']);
    expect(b.vectors).toHaveLength(30);
    expect(s.vectors[0]).toEqual((await embed(model, ['quick fox'])).vectors[0]);

    await expect(embed(model, ['x'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted', status: 499 });
    const ctl = new AbortController();
    const running = embed(model, many, { signal: ctl.signal });
    ctl.abort();
    await expect(running).rejects.toMatchObject({ code: 'aborted' });
    expect((await embed(model, ['still here'])).vectors).toHaveLength(1);
  });

  it('never opens a window past the trained context', async () => {
    const short = await writeTinyLlamaGguf(join(dir, 'short.gguf'), { seed: 2, contextLength: 64 });
    const m = await llamaCppProvider.load(tinyEmbeddingEntry(short, { id: 'short', contextLength: 4096 }), { threads: defaultThreads(), contextSize: 1000 });
    try {
      expect(m.contextLength).toBe(64);
    } finally {
      await m.dispose();
    }
  });

  it('shares the loaded file with a chat load of it; each does only its own task', async () => {
    expect(loadedModelCount()).toBe(1);
    const chat = await llamaCppProvider.load({ ...entry, id: 'tiny-chat', task: 'chat-completion', contextLength: 256 }, { threads: defaultThreads() });
    try {
      expect(loadedModelCount()).toBe(1);
      expect(chat.embed).toBeUndefined();
      expect(typeof chat.chat).toBe('function');
      // The chat model's tokenize stays the plain text tokens; the embedder's adds BOS.
      expect((await model.tokenize('lazy dog')).length).toBe((await chat.tokenize('lazy dog')).length + 1);
    } finally {
      await chat.dispose();
    }
    expect(loadedModelCount()).toBe(1);
  });

  it('registers a GGUF that declares its pooling as an embedding model, and embeds with that pooling', async () => {
    const pooled = await writeTinyLlamaGguf(join(dir, 'pooled.gguf'), { seed: 11, contextLength: 2048, pooling: 'mean' });
    const described = await describeLocalModel(pooled.file, { name: 'Tiny pooled' });
    expect(described).toMatchObject({ id: 'tiny-pooled', task: 'embeddings', provider: 'llama-cpp', dimensions: pooled.embeddingLength, contextLength: 2048 });
    expect(described.description).toContain('mean pooling');
    const m = await llamaCppProvider.load(described, { threads: defaultThreads() });
    try {
      expect(m.contextLength).toBe(2048);
      const [mean] = (await embed(m, ['hello the quick brown fox'])).vectors;
      expect(norm(mean)).toBeCloseTo(1, 6);
      // Same weights, other pooling: mean over the tokens is not the last token's state.
      const [last] = (await embed(model, ['hello the quick brown fox'])).vectors;
      expect(mean).not.toEqual(last);
    } finally {
      await m.dispose();
    }
  });

  it('fails calls on a disposed model and frees the file with its last user', async () => {
    const extra = await llamaCppProvider.load(entry, { threads: defaultThreads() });
    await extra.dispose();
    await expect(embed(extra, ['gone'])).rejects.toMatchObject({ code: 'model_disposed' });
    expect((await embed(model, ['kept'])).vectors).toHaveLength(1);
    await model.dispose();
    expect(loadedModelCount()).toBe(0);
    await expect(embed(model, ['gone'])).rejects.toMatchObject({ code: 'model_disposed' });
  });
});

describe('normalize', () => {
  it('scales to unit length and leaves a zero vector alone', () => {
    expect(normalize([3, 4])).toEqual([0.6, 0.8]);
    expect(normalize([0, 0])).toEqual([0, 0]);
  });
});
