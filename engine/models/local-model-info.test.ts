import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeirError } from '../errors.ts';
import { describeLocalModel, modelSlug, parseSizeLabel } from './local-model-info.ts';

/** A minimal GGUF v3 file: header, string/uint32 metadata, and f32 tensors of the given shapes. */
function tinyGguf(meta: Record<string, string | number>, tensors: { name: string; dims: number[] }[] = []): Buffer {
  const u32 = (n: number) => {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(n);
    return b;
  };
  const u64 = (n: number) => {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(n));
    return b;
  };
  const str = (s: string) => Buffer.concat([u64(Buffer.byteLength(s)), Buffer.from(s)]);
  const kvs = Object.entries(meta).map(([k, v]) => Buffer.concat([str(k), ...(typeof v === 'string' ? [u32(8), str(v)] : [u32(4), u32(v)])]));
  let offset = 0;
  const infos = tensors.map((t) => {
    const info = Buffer.concat([str(t.name), u32(t.dims.length), ...t.dims.map(u64), u32(0), u64(offset)]);
    offset += t.dims.reduce((a, b) => a * b, 1) * 4;
    return info;
  });
  const head = Buffer.concat([Buffer.from('GGUF'), u32(3), u64(tensors.length), u64(kvs.length), ...kvs, ...infos]);
  const pad = (32 - (head.length % 32)) % 32;
  return Buffer.concat([head, Buffer.alloc(pad), Buffer.alloc(offset)]);
}

let dir: string;
const at = (name: string) => path.join(dir, name);

async function expectWeirError(p: Promise<unknown>, code: string, ...parts: string[]) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(WeirError);
  expect((err as WeirError).code).toBe(code);
  for (const part of parts) expect((err as WeirError).message).toContain(part);
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'weir-local-model-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('describeLocalModel: GGUF', () => {
  it('reads name, architecture, context, license and chat template from the header, and counts tensor parameters', async () => {
    const file = at('tiny-chat.gguf');
    await writeFile(
      file,
      tinyGguf(
        { 'general.architecture': 'llama', 'general.name': 'Tiny Chat 1', 'general.license': 'apache-2.0', 'general.organization': 'Weir Tests', 'llama.context_length': 2048, 'tokenizer.chat_template': '{% for m in messages %}{{ m.content }}{% endfor %}' },
        [{ name: 'token_embd.weight', dims: [8, 4] }, { name: 'output.weight', dims: [8, 2] }],
      ),
    );
    const e = await describeLocalModel(file, {});
    expect(e).toMatchObject({
      id: 'tiny-chat-1',
      name: 'Tiny Chat 1',
      publisher: 'Weir Tests',
      task: 'chat-completion',
      provider: 'llama-cpp',
      format: 'gguf',
      license: 'apache-2.0',
      parameters: 48,
      contextLength: 2048,
      source: { kind: 'local', path: file },
      price: null,
      labels: ['user'],
    });
    expect(e.fileSizeBytes).toBeGreaterThan(0);
    expect(e.description).toContain('llama');
  });

  it('is a text-generation model without a chat template; takes the size label and --name', async () => {
    const file = at('plain.gguf');
    await writeFile(file, tinyGguf({ 'general.architecture': 'gpt2', 'general.size_label': '1.7B', 'gpt2.context_length': 1024 }));
    const e = await describeLocalModel(file, { name: 'My Base Model!' });
    expect(e).toMatchObject({ id: 'my-base-model', name: 'My Base Model!', task: 'text-generation', parameters: 1.7e9, contextLength: 1024, license: 'unknown' });
  });

  it('names the model after the file when the header has no name', async () => {
    const file = at('Some_Model.Q4.gguf');
    await writeFile(file, tinyGguf({ 'general.architecture': 'llama' }));
    expect(await describeLocalModel(file, {})).toMatchObject({ id: 'some-model-q4', parameters: null, contextLength: null });
  });

  it('is an embedding model when the header declares a pooling type or an encoder architecture, with the embedding length as dimensions', async () => {
    const pooled = at('pooled.gguf');
    await writeFile(pooled, tinyGguf({ 'general.architecture': 'qwen3', 'general.name': 'Qwen3 Embedding Tiny', 'qwen3.context_length': 32768, 'qwen3.embedding_length': 1024, 'qwen3.pooling_type': 3, 'tokenizer.chat_template': '{{ x }}' }));
    const q = await describeLocalModel(pooled, {});
    expect(q).toMatchObject({ id: 'qwen3-embedding-tiny', task: 'embeddings', provider: 'llama-cpp', format: 'gguf', dimensions: 1024, contextLength: 32768 });
    expect(q.description).toBe('GGUF qwen3 embedding model from pooled.gguf (last pooling).');

    for (const arch of ['bert', 'nomic-bert', 'jina-bert-v2']) {
      const file = at(`${arch}.gguf`);
      await writeFile(file, tinyGguf({ 'general.architecture': arch, [`${arch}.context_length`]: 512, [`${arch}.embedding_length`]: 384 }));
      expect(await describeLocalModel(file, {})).toMatchObject({ task: 'embeddings', dimensions: 384, contextLength: 512 });
    }

    // No pooling (or pooling "none") on a decoder: a chat model, unless told otherwise.
    const chat = at('chat-none.gguf');
    await writeFile(chat, tinyGguf({ 'general.architecture': 'llama', 'llama.embedding_length': 64, 'llama.pooling_type': 0, 'tokenizer.chat_template': '{{ x }}' }));
    const c = await describeLocalModel(chat, {});
    expect(c.task).toBe('chat-completion');
    expect(c.dimensions).toBeUndefined();
    expect(await describeLocalModel(chat, { task: 'embeddings' })).toMatchObject({ task: 'embeddings', dimensions: 64 });
    expect(await describeLocalModel(pooled, { task: 'text-generation' })).toMatchObject({ task: 'text-generation' });
  });

  it('refuses rerankers, and tasks a GGUF or an ONNX folder cannot serve', async () => {
    const reranker = at('reranker.gguf');
    await writeFile(reranker, tinyGguf({ 'general.architecture': 'bert', 'bert.pooling_type': 4 }));
    await expectWeirError(describeLocalModel(reranker, {}), 'unsupported_model', 'reranker.gguf', 'reranker');
    const plain = at('plain-task.gguf');
    await writeFile(plain, tinyGguf({ 'general.architecture': 'llama' }));
    await expectWeirError(describeLocalModel(plain, { task: 'extractive-qa' }), 'invalid_argument', 'not extractive-qa');
  });

  it('refuses a missing path, a file that is not GGUF, and a truncated header, naming the file', async () => {
    await expectWeirError(describeLocalModel(at('nope.gguf'), {}), 'model_path_not_found', 'nope.gguf');
    await writeFile(at('notes.txt'), 'hello, not a model');
    await expectWeirError(describeLocalModel(at('notes.txt'), {}), 'not_gguf', 'notes.txt', 'not a GGUF file', '"hell"');
    await writeFile(at('empty.gguf'), '');
    await expectWeirError(describeLocalModel(at('empty.gguf'), {}), 'not_gguf', 'is empty');
    await writeFile(at('cut.gguf'), tinyGguf({ 'general.architecture': 'llama', 'general.name': 'cut' }).subarray(0, 30));
    await expectWeirError(describeLocalModel(at('cut.gguf'), {}), 'invalid_gguf', 'cut.gguf');
    const withData = tinyGguf({ 'general.architecture': 'llama' }, [{ name: 'a', dims: [8, 4] }, { name: 'b', dims: [8, 2] }]);
    await writeFile(at('cut-data.gguf'), withData.subarray(0, withData.length - 100));
    await expectWeirError(describeLocalModel(at('cut-data.gguf'), {}), 'invalid_gguf', 'cut short');
  });
});

describe('describeLocalModel: ONNX folder', () => {
  it('reads the config: model type, hidden size as dimensions, max positions as context; license from the README', async () => {
    const folder = at('mini-embedder');
    await mkdir(path.join(folder, 'onnx'), { recursive: true });
    await writeFile(path.join(folder, 'config.json'), JSON.stringify({ _name_or_path: 'sentence-transformers/Mini-Embedder', model_type: 'bert', hidden_size: 384, max_position_embeddings: 512 }));
    await writeFile(path.join(folder, 'tokenizer.json'), '{}');
    await writeFile(path.join(folder, 'tokenizer_config.json'), '{}');
    await writeFile(path.join(folder, 'onnx', 'model.onnx'), Buffer.alloc(1234));
    await writeFile(path.join(folder, 'README.md'), '---\nlicense: apache-2.0\ntags: [x]\n---\n# Mini\n');
    expect(await describeLocalModel(folder, {})).toMatchObject({
      id: 'mini-embedder',
      task: 'embeddings',
      provider: 'transformers',
      format: 'onnx',
      dimensions: 384,
      contextLength: 512,
      fileSizeBytes: 1234,
      license: 'apache-2.0',
      source: { kind: 'local', path: folder },
      labels: ['user'],
    });
  });

  it('takes --task embeddings and refuses any other task for a folder', async () => {
    const folder = at('mini-embedder');
    expect((await describeLocalModel(folder, { task: 'embeddings' })).task).toBe('embeddings');
    await expectWeirError(describeLocalModel(folder, { task: 'chat-completion' }), 'invalid_argument', 'chat-completion');
  });

  it('says which file a folder lacks', async () => {
    const folder = at('half-model');
    await mkdir(folder, { recursive: true });
    await expectWeirError(describeLocalModel(folder, {}), 'not_a_model_folder', 'half-model', 'config.json');
    await writeFile(path.join(folder, 'config.json'), '{"model_type":"bert"}');
    await expectWeirError(describeLocalModel(folder, {}), 'not_a_model_folder', 'onnx/model.onnx');
    await writeFile(path.join(folder, 'model.onnx'), 'x');
    await expectWeirError(describeLocalModel(folder, {}), 'not_a_model_folder', 'has no tokenizer.json');
    await writeFile(path.join(folder, 'tokenizer.json'), '{}');
    await expectWeirError(describeLocalModel(folder, {}), 'not_a_model_folder', 'has no tokenizer_config.json');
    await writeFile(path.join(folder, 'config.json'), '{broken');
    await expectWeirError(describeLocalModel(folder, {}), 'invalid_model_folder', 'config.json');
  });
});

describe('helpers', () => {
  it('slugs names and parses size labels', () => {
    expect(modelSlug('  Qwen2.5 1.5B Instruct (Q4_K_M) ')).toBe('qwen2-5-1-5b-instruct-q4-k-m');
    expect(parseSizeLabel('135M')).toBe(135e6);
    expect(parseSizeLabel('8x7B')).toBe(56e9);
    expect(parseSizeLabel('huge')).toBeUndefined();
  });
});
