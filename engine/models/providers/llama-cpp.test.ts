/**
 * The llama.cpp provider for real: a tiny random-weight GGUF written by the test helper, loaded
 * through node-llama-cpp on CPU. Its weights never pick EOS, so generations end only on maxTokens
 * or a stop string, which makes usage and finish reasons exact to assert.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyLlamaGguf } from '../../../test/helpers/tiny-gguf.ts';
import { WeirError } from '../../errors.ts';
import { defaultThreads } from '../threads.ts';
import { collect, type ChatMessage, type GenerationEvent, type LoadedModel, type ModelEntry } from '../types.ts';
import { SequencePool } from './llama-cpp-pool.ts';
import { StopMatcher } from './llama-cpp-stop.ts';
import { llamaCppProvider, loadedModelCount } from './llama-cpp.ts';

let dir: string;
let entry: ModelEntry;
let model: LoadedModel;

const ask = (content: string): ChatMessage[] => [
  { role: 'system', content: 'You are a tiny test model.' },
  { role: 'user', content },
];
const greedy = { temperature: 0, seed: 7 };

function chat(m: LoadedModel, messages: ChatMessage[], opts: Parameters<NonNullable<LoadedModel['chat']>>[1]) {
  if (!m.chat) throw new Error('llama-cpp models must chat');
  return m.chat(messages, opts);
}

function complete(m: LoadedModel, prompt: string, opts: Parameters<NonNullable<LoadedModel['complete']>>[1]) {
  if (!m.complete) throw new Error('llama-cpp models must complete');
  return m.complete(prompt, opts);
}

async function events(stream: AsyncIterable<GenerationEvent>): Promise<GenerationEvent[]> {
  const out: GenerationEvent[] = [];
  for await (const e of stream) out.push(e);
  return out;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'weir-llama-cpp-'));
  const gguf = await writeTinyLlamaGguf(join(dir, 'tiny.gguf'), { seed: 11, contextLength: 2048 });
  entry = {
    id: 'tiny-random-llama',
    name: 'Tiny random llama',
    publisher: 'weir-tests',
    task: 'chat-completion',
    provider: 'llama-cpp',
    format: 'gguf',
    license: 'apache-2.0',
    parameters: null,
    contextLength: 512,
    fileSizeBytes: null,
    source: { kind: 'local', path: gguf.file },
    price: null,
    description: 'random weights, for tests',
    labels: [],
  };
  model = await llamaCppProvider.load(entry, { threads: defaultThreads() });
}, 60_000);

afterAll(async () => {
  await model?.dispose();
  if (dir) await rm(dir, { recursive: true, force: true });
});

// Generous: two llama.cpp threads on a busy 2-vCPU VM can be very slow (not a timing assertion).
describe('llama-cpp provider', { timeout: 60_000 }, () => {
  it('allocates the entry context length, not the model train context', () => {
    expect(model.contextLength).toBeGreaterThanOrEqual(512);
    expect(model.contextLength).toBeLessThan(2048);
  });

  it('streams chat tokens, then one done with exact usage at maxTokens', async () => {
    const content = 'hello the quick brown fox';
    const evs = await events(chat(model, ask(content), { ...greedy, maxTokens: 16 }));
    const texts = evs.filter((e) => e.type === 'text');
    const done = evs.at(-1);
    expect(texts.length).toBeGreaterThan(1);
    expect(evs.filter((e) => e.type === 'done')).toHaveLength(1);
    if (done?.type !== 'done') throw new Error('last event must be done');
    expect(done.finishReason).toBe('length');
    expect(done.usage.completion_tokens).toBe(16);
    // The templated prompt wraps the messages in the model's chat template.
    const raw = (await model.tokenize(content)).length + (await model.tokenize('You are a tiny test model.')).length;
    expect(done.usage.prompt_tokens).toBeGreaterThan(raw);
    expect(done.usage.total_tokens).toBe(done.usage.prompt_tokens + 16);
  });

  it('completes plain prompts with exact usage', async () => {
    // Starts with a one-letter word, so dropping the leading word-boundary space changes no count.
    const prompt = 'a river and the stone';
    const evs = await events(complete(model, prompt, { ...greedy, maxTokens: 12 }));
    expect(evs.filter((e) => e.type === 'text').length).toBeGreaterThan(1);
    const done = evs.at(-1);
    if (done?.type !== 'done') throw new Error('last event must be done');
    expect(done.finishReason).toBe('length');
    expect(done.usage.completion_tokens).toBe(12);
    // BOS plus the prompt's own tokens.
    expect(done.usage.prompt_tokens).toBe((await model.tokenize(prompt)).length + 1);
    expect(done.usage.total_tokens).toBe(done.usage.prompt_tokens + 12);
  });

  it('gives the same text for the same seed', async () => {
    const a = await collect(chat(model, ask('small house'), { ...greedy, maxTokens: 12 }));
    const b = await collect(chat(model, ask('small house'), { ...greedy, maxTokens: 12 }));
    expect(a.text.length).toBeGreaterThan(0);
    expect(b.text).toBe(a.text);
    const c = await collect(chat(model, ask('small house'), { temperature: 1, seed: 42, maxTokens: 12 }));
    const d = await collect(chat(model, ask('small house'), { temperature: 1, seed: 42, maxTokens: 12 }));
    expect(d.text).toBe(c.text);
  });

  it('stops before a stop sequence and does not return it', async () => {
    const full = await collect(chat(model, ask('green water light'), { ...greedy, maxTokens: 24 }));
    const stop = pickStop(full.text);
    const cut = await collect(chat(model, ask('green water light'), { ...greedy, maxTokens: 24, stop: [stop] }));
    expect(cut.text).toBe(full.text.slice(0, full.text.indexOf(stop)));
    expect(cut.finishReason).toBe('stop');
    expect(cut.usage.completion_tokens).toBeGreaterThan(0);
    expect(cut.usage.completion_tokens).toBeLessThan(24);

    const plain = await collect(complete(model, 'the city', { ...greedy, maxTokens: 20 }));
    const plainStop = pickStop(plain.text);
    const plainCut = await collect(complete(model, 'the city', { ...greedy, maxTokens: 20, stop: [plainStop] }));
    expect(plainCut.text).toBe(plain.text.slice(0, plain.text.indexOf(plainStop)));
    expect(plainCut.finishReason).toBe('stop');
  });

  it('ends the stream with an abort error when the signal aborts', async () => {
    const controller = new AbortController();
    let textsAfterAbort = 0;
    const run = async () => {
      for await (const e of chat(model, ask('lazy dog'), { ...greedy, maxTokens: 400, signal: controller.signal })) {
        if (controller.signal.aborted) textsAfterAbort++;
        else if (e.type === 'text') controller.abort();
      }
    };
    await expect(run()).rejects.toMatchObject({ code: 'aborted', status: 499 });
    expect(textsAfterAbort).toBeLessThan(400);

    const already = AbortSignal.abort();
    await expect(collect(chat(model, ask('lazy dog'), { ...greedy, signal: already }))).rejects.toMatchObject({ code: 'aborted' });
    // The aborted requests gave their sequences back.
    const after = await collect(chat(model, ask('lazy dog'), { ...greedy, maxTokens: 4 }));
    expect(after.usage.completion_tokens).toBe(4);
  });

  it('frees the sequence when the consumer stops reading early', async () => {
    for await (const e of chat(model, ask('quick fox'), { ...greedy, maxTokens: 400 })) {
      if (e.type === 'text') break;
    }
    const next = await collect(chat(model, ask('quick fox'), { ...greedy, maxTokens: 4 }));
    expect(next.finishReason).toBe('length');
  });

  it('shares one model between loads and queues requests beyond the free sequences', async () => {
    expect(loadedModelCount()).toBe(1);
    const second = await llamaCppProvider.load(entry, { threads: defaultThreads() });
    const bigger = await llamaCppProvider.load(entry, { threads: defaultThreads(), contextSize: 1024 });
    try {
      expect(loadedModelCount()).toBe(1);
      expect(bigger.contextLength).toBeGreaterThanOrEqual(1024);
      // More requests than the context has sequences: the rest wait their turn, none fails.
      const results = await Promise.all([
        collect(chat(model, ask('first'), { ...greedy, maxTokens: 6 })),
        collect(chat(second, ask('second'), { ...greedy, maxTokens: 6 })),
        collect(chat(second, ask('third'), { ...greedy, maxTokens: 6 })),
        collect(complete(model, 'fourth', { ...greedy, maxTokens: 6 })),
        collect(chat(model, ask('fifth'), { ...greedy, maxTokens: 6 })),
        collect(chat(bigger, ask('sixth'), { ...greedy, maxTokens: 6 })),
      ]);
      for (const r of results) {
        expect(r.finishReason).toBe('length');
        expect(r.usage.completion_tokens).toBe(6);
      }
    } finally {
      await second.dispose();
      await bigger.dispose();
    }
    expect(loadedModelCount()).toBe(1);
    // The first load still works after the others are gone.
    expect((await collect(chat(model, ask('still here'), { ...greedy, maxTokens: 2 }))).usage.completion_tokens).toBe(2);
  });

  it('rejects a prompt longer than the context before generating', async () => {
    const long = 'hello the world '.repeat(400);
    const check = (err: unknown) => {
      expect(err).toBeInstanceOf(WeirError);
      expect(err).toMatchObject({ code: 'context_length_exceeded', status: 400 });
      const numbers = (err as WeirError).message.match(/\d+/g)?.map(Number) ?? [];
      expect(numbers).toContain(model.contextLength);
      expect(numbers.some((n) => n > model.contextLength)).toBe(true);
    };
    await collect(chat(model, ask(long), greedy)).then(() => expect.fail('chat should throw'), check);
    await collect(complete(model, long, greedy)).then(() => expect.fail('complete should throw'), check);
  });

  it('tokenizes with the model tokenizer', async () => {
    const ids = await model.tokenize('hello the quick brown fox');
    expect(ids.length).toBeGreaterThan(0);
    expect(ids.length).toBeLessThanOrEqual(5);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
  });

  it('loads only local sources, and frees the model with its last user', async () => {
    await expect(
      llamaCppProvider.load({ ...entry, source: { kind: 'remote', model: 'x' } }, { threads: defaultThreads() }),
    ).rejects.toMatchObject({ code: 'unsupported_model_source' });
    await expect(
      llamaCppProvider.load({ ...entry, source: { kind: 'local', path: join(dir, 'missing.gguf') } }, { threads: defaultThreads() }),
    ).rejects.toMatchObject({ code: 'model_file_not_found' });
    const extra = await llamaCppProvider.load(entry, { threads: defaultThreads() });
    await model.dispose();
    expect(loadedModelCount()).toBe(1);
    await extra.dispose();
    expect(loadedModelCount()).toBe(0);
    await expect(collect(chat(model, ask('gone'), greedy))).rejects.toMatchObject({ code: 'model_disposed' });
  });
});

describe('StopMatcher', () => {
  it('finds stops across chunk boundaries and holds back what may start one', () => {
    const m = new StopMatcher(['d h', 'zz']);
    expect(m.push('an')).toBe('an');
    expect(m.push('d')).toBe('');
    expect(m.push(' h')).toBe('');
    expect(m.stopped).toBe(true);
    expect(m.push('more')).toBe('');

    const n = new StopMatcher(['d h']);
    expect(n.push('and')).toBe('an');
    expect(n.push(' x')).toBe('d x');
    expect(n.push('d ')).toBe('');
    expect(n.flush()).toBe('d ');
    expect(n.stopped).toBe(false);
  });
});

describe('SequencePool', () => {
  it('serves waiters in arrival order, lets aborted ones leave, and fails the line on close', async () => {
    const pool = new SequencePool(['s1']);
    const first = await pool.acquire();
    const order: string[] = [];
    const leaving = new AbortController();
    const a = pool.acquire().then((s) => order.push(`a:${s}`));
    const gone = pool.acquire(leaving.signal);
    const b = pool.acquire().then((s) => order.push(`b:${s}`));
    leaving.abort(new Error('left'));
    await expect(gone).rejects.toThrow('left');
    pool.release(first);
    await a;
    pool.release('s1');
    await b;
    expect(order).toEqual(['a:s1', 'b:s1']);
    const waiting = pool.acquire();
    pool.close(new WeirError('model_disposed', 'unloaded'));
    await expect(waiting).rejects.toMatchObject({ code: 'model_disposed' });
    await expect(pool.acquire()).rejects.toMatchObject({ code: 'model_disposed' });
  });
});

/** A substring that first occurs after the start of `text`, so stopping on it leaves some text. */
function pickStop(text: string): string {
  for (let i = 1; i + 3 <= text.length; i++) {
    const candidate = text.slice(i, i + 3);
    if (candidate.trim() === candidate && text.indexOf(candidate) > 0) return candidate;
  }
  throw new Error(`no usable stop string in ${JSON.stringify(text)}`);
}
