/**
 * Writes a tiny random-weight llama GGUF (v3) from scratch, so the llama.cpp provider can be tested
 * for real without downloading a model. The weights are noise, but the file is a valid llama model
 * with an SPM tokenizer and a ChatML chat template, and it generates ~hundreds of tokens/s on CPU.
 *
 * One trick keeps tests predictable: control and byte tokens are made (practically) impossible to
 * sample. Dimension 0 of the residual stream is held at a positive constant (the embedding sets it,
 * and no layer writes to it), so after the final RMS norm it is always > 0; the output rows of
 * tokens we want to suppress carry a large negative weight there. So generations never end on
 * EOS / `<|im_end|>` and never emit half a UTF-8 sequence: they stop only on maxTokens or stop
 * strings, and the text is always plain pieces.
 *
 * Format reference: ggml's docs/gguf.md and gguf-py (constants.py, gguf_writer.py).
 */
import { writeFile } from 'node:fs/promises';
import type { ModelEntry } from '../../engine/models/types.ts';

export interface TinyGgufOptions {
  /** Seeds the weights; same seed, same file. */
  seed?: number;
  /** Written as llama.context_length (the "train" context). */
  contextLength?: number;
  /**
   * Written as llama.pooling_type, which makes the file an embedding model (llama.cpp pools the
   * token states this way; `weir models add` registers it with task `embeddings`). Without it the
   * file is a chat model, and as an embedding model it gives the last token's state.
   */
  pooling?: 'mean' | 'cls' | 'last';
}

export interface TinyGguf {
  file: string;
  vocabSize: number;
  contextLength: number;
  embeddingLength: number;
  blockCount: number;
  bosId: number;
  eosId: number;
}

const dims = { embd: 64, blocks: 2, heads: 4, ff: 128 } as const;
const headDim = dims.embd / dims.heads;
const alignment = 32;

export async function writeTinyLlamaGguf(file: string, opts: TinyGgufOptions = {}): Promise<TinyGguf> {
  const contextLength = opts.contextLength ?? 2048;
  const rng = mulberry32(opts.seed ?? 1);
  const vocab = buildVocab();
  const kvs = buildMetadata(vocab, contextLength);
  if (opts.pooling) kvs.push(['llama.pooling_type', u32({ mean: 1, cls: 2, last: 3 }[opts.pooling])]);
  const tensors = buildTensors(vocab, rng);
  await writeFile(file, serializeGguf(kvs, tensors));
  return {
    file,
    vocabSize: vocab.tokens.length,
    contextLength,
    embeddingLength: dims.embd,
    blockCount: dims.blocks,
    bosId: vocab.bosId,
    eosId: vocab.eosId,
  };
}

/**
 * A catalog entry that loads the tiny GGUF as an embedding model (vectors of `embeddingLength`,
 * 64), for `store.models.put(...)`; deploy or index with its id, `tiny-embedder` unless overridden.
 * Its window is 512 tokens (BOS included), room for data-index chunks of the default 256 tokens.
 */
export function tinyEmbeddingEntry(gguf: TinyGguf, over: Partial<ModelEntry> = {}): ModelEntry {
  return {
    id: 'tiny-embedder',
    name: 'Tiny random llama embedder',
    publisher: 'weir-tests',
    task: 'embeddings',
    provider: 'llama-cpp',
    format: 'gguf',
    license: 'apache-2.0',
    parameters: null,
    contextLength: 512,
    fileSizeBytes: null,
    source: { kind: 'local', path: gguf.file },
    price: null,
    dimensions: gguf.embeddingLength,
    description: 'random weights, for tests',
    labels: ['user'],
    ...over,
  };
}

// ---------------------------------------------------------------------------------------------
// Vocabulary: SPM ("llama") with byte fallback, like Llama 2 / TinyLlama vocabularies.

/** gguf-py TokenType values. */
const TokenType = { normal: 1, unknown: 2, control: 3, byte: 6 } as const;

interface Vocab {
  tokens: string[];
  scores: number[];
  types: number[];
  bosId: number;
  eosId: number;
  unkId: number;
  /** Ids the model must never generate (see the file comment). */
  suppressed: Set<number>;
}

const words = (
  'the of and to in is was for that on as with by he at from his it an were are which be this ' +
  'has or had not but also first one their its new after who they have her she two been other when ' +
  'there all during into school time may years more most only over city some world would where later ' +
  'up such used many can state about national out known university united then made hello model ' +
  'river stone light water green small house flow weir token quick brown fox jumps lazy dog'
).split(' ');

function buildVocab(): Vocab {
  const tokens: string[] = [];
  const scores: number[] = [];
  const types: number[] = [];
  const add = (text: string, type: number, score = 0): number => {
    tokens.push(text);
    scores.push(score);
    types.push(type);
    return tokens.length - 1;
  };
  const unkId = add('<unk>', TokenType.unknown);
  const bosId = add('<s>', TokenType.control);
  const eosId = add('</s>', TokenType.control);
  add('<|im_start|>', TokenType.control);
  add('<|im_end|>', TokenType.control);
  for (let b = 0; b < 256; b++) add(`<0x${b.toString(16).toUpperCase().padStart(2, '0')}>`, TokenType.byte);
  const firstNormal = tokens.length;
  for (const piece of normalPieces()) add(piece, TokenType.normal, -(tokens.length - firstNormal) / 100);
  const suppressed = new Set<number>();
  for (let id = 0; id < firstNormal; id++) suppressed.add(id);
  return { tokens, scores, types, bosId, eosId, unkId, suppressed };
}

/**
 * Ordinary pieces: the word boundary "▁", letters and digits, and every prefix of each "▁word"
 * (SPM only merges two symbols when their concatenation is itself a token, so the prefixes give
 * the merges a path to whole words).
 */
function normalPieces(): string[] {
  const pieces = new Set<string>(['▁']);
  for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,!?') pieces.add(ch);
  for (const word of words) {
    const full = `▁${word}`;
    for (let end = 2; end <= full.length; end++) pieces.add(full.slice(0, end));
  }
  return [...pieces];
}

// ---------------------------------------------------------------------------------------------
// Metadata key/values.

type KvValue =
  | { kind: 'uint32'; value: number }
  | { kind: 'float32'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'string'; value: string }
  | { kind: 'string[]'; value: string[] }
  | { kind: 'float32[]'; value: number[] }
  | { kind: 'int32[]'; value: number[] };

type Kv = [key: string, value: KvValue];

const u32 = (value: number): KvValue => ({ kind: 'uint32', value });
const f32 = (value: number): KvValue => ({ kind: 'float32', value });
const bool = (value: boolean): KvValue => ({ kind: 'bool', value });
const str = (value: string): KvValue => ({ kind: 'string', value });

const chatMlTemplate =
  "{% for message in messages %}{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n' }}" +
  "{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

function buildMetadata(vocab: Vocab, contextLength: number): Kv[] {
  return [
    ['general.architecture', str('llama')],
    ['general.name', str('weir-tiny-random-llama')],
    ['general.license', str('apache-2.0')],
    ['general.alignment', u32(alignment)],
    ['general.file_type', u32(0)], // all F32
    ['llama.vocab_size', u32(vocab.tokens.length)],
    ['llama.context_length', u32(contextLength)],
    ['llama.embedding_length', u32(dims.embd)],
    ['llama.block_count', u32(dims.blocks)],
    ['llama.feed_forward_length', u32(dims.ff)],
    ['llama.attention.head_count', u32(dims.heads)],
    ['llama.attention.head_count_kv', u32(dims.heads)],
    ['llama.rope.dimension_count', u32(headDim)],
    ['llama.rope.freq_base', f32(10000)],
    ['llama.attention.layer_norm_rms_epsilon', f32(1e-5)],
    ['tokenizer.ggml.model', str('llama')],
    ['tokenizer.ggml.tokens', { kind: 'string[]', value: vocab.tokens }],
    ['tokenizer.ggml.scores', { kind: 'float32[]', value: vocab.scores }],
    ['tokenizer.ggml.token_type', { kind: 'int32[]', value: vocab.types }],
    ['tokenizer.ggml.bos_token_id', u32(vocab.bosId)],
    ['tokenizer.ggml.eos_token_id', u32(vocab.eosId)],
    ['tokenizer.ggml.unknown_token_id', u32(vocab.unkId)],
    ['tokenizer.ggml.add_bos_token', bool(true)],
    ['tokenizer.ggml.add_eos_token', bool(false)],
    ['tokenizer.chat_template', str(chatMlTemplate)],
  ];
}

// ---------------------------------------------------------------------------------------------
// Tensors (all F32). Shapes are ggml order: ne[0] is the contiguous (input) dimension, so a
// weight mapping n_in -> n_out is [n_in, n_out] and output row o is data[o*n_in .. (o+1)*n_in).

interface Tensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

type Rng = () => number;

/** Uniform in [-scale, scale]. */
function noise(rng: Rng, length: number, scale: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (rng() * 2 - 1) * scale;
  return out;
}

/** A projection [nIn, nOut] with Xavier-ish scale; `silentRow0` keeps it from writing dimension 0. */
function projection(rng: Rng, name: string, nIn: number, nOut: number, silentRow0 = false): Tensor {
  const data = noise(rng, nIn * nOut, 1 / Math.sqrt(nIn));
  if (silentRow0) data.fill(0, 0, nIn);
  return { name, shape: [nIn, nOut], data };
}

const ones = (name: string, n: number): Tensor => ({ name, shape: [n], data: new Float32Array(n).fill(1) });

function buildTensors(vocab: Vocab, rng: Rng): Tensor[] {
  const nVocab = vocab.tokens.length;
  const embd = noise(rng, dims.embd * nVocab, 1);
  for (let t = 0; t < nVocab; t++) embd[t * dims.embd] = 1; // the constant "bias" dimension
  const output = noise(rng, dims.embd * nVocab, 0.5);
  for (let t = 0; t < nVocab; t++) output[t * dims.embd] = vocab.suppressed.has(t) ? -1000 : 0;

  const tensors: Tensor[] = [{ name: 'token_embd.weight', shape: [dims.embd, nVocab], data: embd }];
  for (let b = 0; b < dims.blocks; b++) {
    const p = `blk.${b}`;
    tensors.push(
      ones(`${p}.attn_norm.weight`, dims.embd),
      projection(rng, `${p}.attn_q.weight`, dims.embd, dims.embd),
      projection(rng, `${p}.attn_k.weight`, dims.embd, dims.embd),
      projection(rng, `${p}.attn_v.weight`, dims.embd, dims.embd),
      projection(rng, `${p}.attn_output.weight`, dims.embd, dims.embd, true),
      ones(`${p}.ffn_norm.weight`, dims.embd),
      projection(rng, `${p}.ffn_gate.weight`, dims.embd, dims.ff),
      projection(rng, `${p}.ffn_up.weight`, dims.embd, dims.ff),
      projection(rng, `${p}.ffn_down.weight`, dims.ff, dims.embd, true),
    );
  }
  tensors.push(ones('output_norm.weight', dims.embd), { name: 'output.weight', shape: [dims.embd, nVocab], data: output });
  return tensors;
}

// ---------------------------------------------------------------------------------------------
// Binary layout: header, KVs, tensor infos, padding, aligned tensor data. Little-endian.

const GGUF_MAGIC = 0x46554747; // "GGUF" read as a little-endian u32
const GGUF_VERSION = 3;
const GgufType = { uint32: 4, int32: 5, float32: 6, bool: 7, string: 8, array: 9 } as const;
const GGML_TYPE_F32 = 0;

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;

  private push(buf: Buffer): void {
    this.chunks.push(buf);
    this.length += buf.length;
  }
  private fixed(size: number, write: (b: Buffer) => void): void {
    const b = Buffer.alloc(size);
    write(b);
    this.push(b);
  }
  u8(v: number): void { this.fixed(1, (b) => b.writeUInt8(v)); }
  u32(v: number): void { this.fixed(4, (b) => b.writeUInt32LE(v)); }
  i32(v: number): void { this.fixed(4, (b) => b.writeInt32LE(v)); }
  f32(v: number): void { this.fixed(4, (b) => b.writeFloatLE(v)); }
  u64(v: number): void { this.fixed(8, (b) => b.writeBigUInt64LE(BigInt(v))); }
  /** GGUF strings: u64 byte length, then UTF-8 bytes, no terminator. */
  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.u64(bytes.length);
    this.push(bytes);
  }
  bytes(buf: Buffer): void { this.push(buf); }
  padTo(align: number): void {
    const rem = this.length % align;
    if (rem !== 0) this.push(Buffer.alloc(align - rem));
  }
  toBuffer(): Buffer { return Buffer.concat(this.chunks, this.length); }
}

function writeKv(w: ByteWriter, [key, v]: Kv): void {
  w.string(key);
  const array = (elemType: number, values: readonly (string | number)[], write: (x: never) => void): void => {
    w.u32(GgufType.array);
    w.u32(elemType);
    w.u64(values.length);
    for (const x of values) write(x as never);
  };
  switch (v.kind) {
    case 'uint32': w.u32(GgufType.uint32); w.u32(v.value); break;
    case 'float32': w.u32(GgufType.float32); w.f32(v.value); break;
    case 'bool': w.u32(GgufType.bool); w.u8(v.value ? 1 : 0); break;
    case 'string': w.u32(GgufType.string); w.string(v.value); break;
    case 'string[]': array(GgufType.string, v.value, (x: string) => w.string(x)); break;
    case 'float32[]': array(GgufType.float32, v.value, (x: number) => w.f32(x)); break;
    case 'int32[]': array(GgufType.int32, v.value, (x: number) => w.i32(x)); break;
  }
}

const alignUp = (n: number, align: number): number => Math.ceil(n / align) * align;

/** Offsets are relative to the start of the data section, each aligned. */
function layoutTensors(tensors: Tensor[]): number[] {
  const offsets: number[] = [];
  let offset = 0;
  for (const t of tensors) {
    offsets.push(offset);
    offset = alignUp(offset + t.data.byteLength, alignment);
  }
  return offsets;
}

function serializeGguf(kvs: Kv[], tensors: Tensor[]): Buffer {
  const w = new ByteWriter();
  w.u32(GGUF_MAGIC);
  w.u32(GGUF_VERSION);
  w.u64(tensors.length);
  w.u64(kvs.length);
  for (const kv of kvs) writeKv(w, kv);

  const offsets = layoutTensors(tensors);
  tensors.forEach((t, i) => {
    w.string(t.name);
    w.u32(t.shape.length);
    for (const n of t.shape) w.u64(n);
    w.u32(GGML_TYPE_F32);
    w.u64(offsets[i]);
  });

  w.padTo(alignment);
  for (const t of tensors) {
    w.bytes(Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    w.padTo(alignment);
  }
  return w.toBuffer();
}

/** Small, fast, seedable PRNG (mulberry32); quality is plenty for noise weights. */
function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
