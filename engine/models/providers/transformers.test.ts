/**
 * No published ONNX model can be downloaded here, so the inference path runs on a tiny
 * BERT-shaped model written below: a real WordPiece tokenizer.json, and an ONNX graph (encoded
 * by hand: protobuf is a few varints) with BERT's inputs and `last_hidden_state` output, whose
 * hidden state is word embedding + token-type embedding, zeroed where the mask is 0. That makes
 * the expected pooled vectors computable here, and exercises transformers.js, onnxruntime-node,
 * padding, pooling and normalisation for real. What it cannot show is the quality of a real
 * bge/e5/MiniLM model.
 */
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { LoadedModel, ModelEntry } from '../types.ts';
import { chunkDocument } from '../../data/chunking.ts';
import { loadDocument } from '../../data/loaders/index.ts';
import { compute } from '../../sandbox/compute/shared-pool.ts';
import { workerTokenizerOf } from '../../sandbox/compute/tasks.ts';
import { TRANSFORMERS_BATCH_SIZE, transformersProvider } from './transformers.ts';

// --- a minimal ONNX writer --------------------------------------------------------------

const utf8 = new TextEncoder();
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
}
const concat = (...parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((p) => [...p]));
const tag = (field: number, wire: number) => Uint8Array.from(varint((field << 3) | wire));
const int = (field: number, n: number | bigint) => concat(tag(field, 0), Uint8Array.from(varint(n)));
const bytes = (field: number, b: Uint8Array) => concat(tag(field, 2), Uint8Array.from(varint(b.length)), b);
const str = (field: number, s: string) => bytes(field, utf8.encode(s));

const FLOAT = 1;
const INT64 = 7;
function valueInfo(name: string, elem: number, dims: (number | string)[]): Uint8Array {
  const shape = concat(...dims.map((d) => bytes(1, typeof d === 'number' ? int(1, d) : str(2, d))));
  return concat(str(1, name), bytes(2, bytes(1, concat(int(1, elem), bytes(2, shape)))));
}
const tensor = (name: string, elem: number, dims: number[], raw: Uint8Array) => concat(...dims.map((d) => int(1, d)), int(2, elem), str(8, name), bytes(9, raw));
const node = (op: string, ins: string[], outs: string[], attrs: Uint8Array[] = []) => concat(...ins.map((s) => str(1, s)), ...outs.map((s) => str(2, s)), str(4, op), ...attrs);
const intAttr = (name: string, v: number) => bytes(5, concat(str(1, name), int(3, v), int(20, 2)));
const f32 = (a: number[]) => new Uint8Array(Float32Array.from(a).buffer);

/** hidden = (word[input_ids] + type[token_type_ids]) * attention_mask, opset 13. */
function tinyBertOnnx(word: number[][], type: number[][]): Uint8Array {
  const h = word[0].length;
  const graph = concat(
    bytes(1, node('Gather', ['word_emb', 'input_ids'], ['we'])),
    bytes(1, node('Gather', ['type_emb', 'token_type_ids'], ['te'])),
    bytes(1, node('Add', ['we', 'te'], ['h'])),
    bytes(1, node('Cast', ['attention_mask'], ['mf'], [intAttr('to', FLOAT)])),
    bytes(1, node('Unsqueeze', ['mf', 'axes'], ['mf3'])),
    bytes(1, node('Mul', ['h', 'mf3'], ['last_hidden_state'])),
    str(2, 'tiny_bert'),
    bytes(5, tensor('word_emb', FLOAT, [word.length, h], f32(word.flat()))),
    bytes(5, tensor('type_emb', FLOAT, [type.length, h], f32(type.flat()))),
    bytes(5, tensor('axes', INT64, [1], new Uint8Array(BigInt64Array.from([-1n]).buffer))),
    bytes(11, valueInfo('input_ids', INT64, ['batch', 'seq'])),
    bytes(11, valueInfo('attention_mask', INT64, ['batch', 'seq'])),
    bytes(11, valueInfo('token_type_ids', INT64, ['batch', 'seq'])),
    bytes(12, valueInfo('last_hidden_state', FLOAT, ['batch', 'seq', h])),
  );
  return concat(int(1, 8), bytes(8, concat(str(1, ''), int(2, 13))), str(2, 'weir-test'), bytes(7, graph));
}

// --- the fixture folder ---------------------------------------------------------------

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'];
const WORDS = ['the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran', 'in', 'park', 'a', '.', '##s'];
const VOCAB = Object.fromEntries([...SPECIAL, ...WORDS].map((w, i) => [w, i]));
const [CLS, SEP] = [VOCAB['[CLS]'], VOCAB['[SEP]']];
const H = 4;
const WORD_EMB = Object.keys(VOCAB).map((_, i) => Array.from({ length: H }, (_, k) => Math.sin(i * 1.7 + k * 0.9 + 0.3)));
const TYPE_EMB = [Array.from({ length: H }, (_, k) => 0.01 * k), Array.from({ length: H }, () => 0.5)];
const MAX_LENGTH = 16;

async function writeTinyModel(dir: string): Promise<void> {
  await mkdir(path.join(dir, 'onnx'), { recursive: true });
  await writeFile(path.join(dir, 'onnx', 'model.onnx'), tinyBertOnnx(WORD_EMB, TYPE_EMB));
  await writeFile(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', hidden_size: H, vocab_size: WORD_EMB.length, max_position_embeddings: 64 }));
  const special = (id: number) => ({ id, content: SPECIAL[id], single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tok = (id: string, typeId = 0) => ({ SpecialToken: { id, type_id: typeId } });
  await writeFile(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map((_, i) => special(i)),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [tok('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, tok('[SEP]')],
        pair: [tok('[CLS]'), { Sequence: { id: 'A', type_id: 0 } }, tok('[SEP]'), { Sequence: { id: 'B', type_id: 1 } }, tok('[SEP]', 1)],
        special_tokens: { '[CLS]': { id: '[CLS]', ids: [CLS], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [SEP], tokens: ['[SEP]'] } },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: VOCAB },
    }),
  );
  await writeFile(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ model_max_length: MAX_LENGTH, tokenizer_class: 'BertTokenizer', do_lower_case: true, cls_token: '[CLS]', sep_token: '[SEP]', pad_token: '[PAD]', unk_token: '[UNK]', mask_token: '[MASK]' }),
  );
}

function entryFor(folder: string, labels: string[] = ['user']): ModelEntry {
  return {
    id: 'tiny-bert',
    name: 'tiny bert',
    publisher: 'test',
    task: 'embeddings',
    provider: 'transformers',
    format: 'onnx',
    license: 'unknown',
    parameters: null,
    contextLength: null,
    fileSizeBytes: null,
    source: { kind: 'local', path: folder },
    price: null,
    description: '',
    labels,
  };
}

const normalize = (v: number[]) => {
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};
/** What mean pooling over the tiny model's hidden states must give for these token ids. */
const expectedMean = (ids: number[]) => normalize(Array.from({ length: H }, (_, k) => ids.reduce((s, id) => s + WORD_EMB[id][k] + TYPE_EMB[0][k], 0) / ids.length));
const maxDiff = (a: number[], b: number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i])));

let root: string;
let model: LoadedModel;
const fetchSpy = vi.spyOn(globalThis, 'fetch');

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'weir-transformers-'));
  await writeTinyModel(path.join(root, 'tiny'));
  model = await transformersProvider.load(entryFor(path.join(root, 'tiny')), { threads: 1 });
});

afterAll(async () => {
  await model?.dispose();
  fetchSpy.mockRestore();
  await rm(root, { recursive: true, force: true });
});

describe('transformers provider: folders it cannot load', () => {
  it('fails with model_files_missing for a folder that does not exist', async () => {
    const dir = path.join(root, 'nope');
    const err = await transformersProvider.load(entryFor(dir), { threads: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'model_files_missing', status: 422 });
    expect((err as Error).message).toContain(dir);
    expect((err as Error).message).toContain('does not exist');
  });

  it('names every missing file of an incomplete folder', async () => {
    const dir = path.join(root, 'partial');
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'config.json'), '{"model_type":"bert"}');
    const err = await transformersProvider.load(entryFor(dir), { threads: 1 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'model_files_missing', status: 422 });
    const message = (err as Error).message;
    expect(message).toContain(dir);
    expect(message).toContain('is missing tokenizer.json, tokenizer_config.json, onnx/model.onnx;');
  });

  it('rejects a config.json that is not JSON, and weights onnxruntime cannot read', async () => {
    const bad = path.join(root, 'bad-config');
    await writeTinyModel(bad);
    await writeFile(path.join(bad, 'config.json'), '{ not json');
    await expect(transformersProvider.load(entryFor(bad), { threads: 1 })).rejects.toMatchObject({ code: 'model_files_invalid', status: 422 });

    const corrupt = path.join(root, 'corrupt');
    await writeTinyModel(corrupt);
    await writeFile(path.join(corrupt, 'onnx', 'model.onnx'), 'not an onnx model');
    await expect(transformersProvider.load(entryFor(corrupt), { threads: 1 })).rejects.toMatchObject({ code: 'model_load_failed', status: 422 });
  });

  it('refuses entries that are not local folders', async () => {
    const entry: ModelEntry = { ...entryFor(root), source: { kind: 'huggingface', repo: 'Xenova/bge-small-en-v1.5', file: 'onnx/model.onnx' } };
    await expect(transformersProvider.load(entry, { threads: 1 })).rejects.toMatchObject({ code: 'model_not_local', status: 422 });
  });

  it('never touches the network', () => {
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});

describe('transformers provider: inference on a tiny BERT-shaped ONNX model', () => {
  it('tokenizes with the folder tokenizer, special tokens included', async () => {
    expect(await model.tokenize('The cats sat.')).toEqual([CLS, VOCAB.the, VOCAB.cat, VOCAB['##s'], VOCAB.sat, VOCAB['.'], SEP]);
  });

  it('mean-pools and normalises', async () => {
    const texts = ['The cats sat on the mat.', 'a dog'];
    const { vectors } = await model.embed!(texts);
    expect(vectors).toHaveLength(2);
    for (const [i, t] of texts.entries()) {
      expect(vectors[i]).toHaveLength(H);
      expect(maxDiff(vectors[i], expectedMean(await model.tokenize(t)))).toBeLessThan(1e-5);
    }
  });

  it('returns 70 vectors in input order, equal to embedding one by one', async () => {
    const words = ['the', 'cat', 'sat', 'on', 'mat', 'dog', 'ran', 'in', 'park'];
    const texts = Array.from({ length: 70 }, (_, i) => Array.from({ length: (i * 7) % 11 }, (_, k) => words[(i + k) % words.length]).join(' '));
    expect(texts.length).toBeGreaterThan(2 * TRANSFORMERS_BATCH_SIZE);
    const { vectors } = await model.embed!(texts);
    expect(vectors).toHaveLength(70);
    for (const [i, t] of texts.entries()) {
      const [single] = (await model.embed!([t])).vectors;
      expect(maxDiff(vectors[i], single), `text ${i}`).toBeLessThan(1e-5);
    }
    expect(await model.embed!([])).toEqual({ vectors: [], usage: { prompt_tokens: 0, total_tokens: 0 } });
  });

  it('counts usage with the model tokenizer, as truncated to its window', async () => {
    const long = Array.from({ length: 40 }, () => 'cat').join(' ');
    const texts = ['the dog ran', '', long];
    const { usage } = await model.embed!(texts);
    expect(model.contextLength).toBe(MAX_LENGTH);
    const expected = 5 + 2 + MAX_LENGTH;
    expect(usage).toEqual({ prompt_tokens: expected, total_tokens: expected });
  });

  it('takes the first token with the pooling:cls label', async () => {
    const cls = await transformersProvider.load(entryFor(path.join(root, 'tiny'), ['pooling:cls']), { threads: 1 });
    try {
      const { vectors } = await cls.embed!(['the cat', 'a dog ran in the park']);
      const first = normalize(WORD_EMB[CLS].map((x, k) => x + TYPE_EMB[0][k]));
      for (const v of vectors) expect(maxDiff(v, first)).toBeLessThan(1e-5);
    } finally {
      await cls.dispose();
    }
  });

  it('lets a compute thread chunk with the folder tokenizer, counting as the model does', async () => {
    const spec = workerTokenizerOf(model);
    expect(spec).toEqual({ kind: 'transformers', dir: path.join(root, 'tiny') });
    const bytes = new TextEncoder().encode(Array.from({ length: 40 }, (_, i) => `The cat sat on the mat ${i}. A dog ran in the park.`).join('\n\n'));
    const there = await compute({ kind: 'document', name: 'pets.txt', bytes, chunking: { tokenizer: spec!, maxTokens: 12, overlapTokens: 2 } });
    const here = await chunkDocument(await loadDocument({ name: 'pets.txt', bytes }), { tokenize: (t) => model.tokenize(t), maxTokens: 12, overlapTokens: 2 });
    expect(there.chunks).toEqual(here);
    expect(here.length).toBeGreaterThan(10);
  });

  it('loads model.onnx from the folder root too, honours the signal, and refuses work once disposed', async () => {
    const flat = path.join(root, 'flat');
    await writeTinyModel(flat);
    await rename(path.join(flat, 'onnx', 'model.onnx'), path.join(flat, 'model.onnx'));
    const m = await transformersProvider.load(entryFor(flat), { threads: 1 });
    expect((await m.embed!(['the cat'])).vectors[0]).toHaveLength(H);
    await expect(m.embed!(['the cat'], { signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
    await m.dispose();
    await m.dispose();
    await expect(m.embed!(['the cat'])).rejects.toMatchObject({ code: 'model_disposed' });
    expect(fetchSpy).not.toHaveBeenCalled();
  });
});
