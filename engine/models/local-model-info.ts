/**
 * Turns a model the user already has on disk into a catalog entry (`weir models add`): a .gguf
 * file, described from its GGUF header without loading the weights, or an ONNX folder as
 * transformers.js expects it (config.json, tokenizer.json, tokenizer_config.json, onnx/model.onnx),
 * described from its config. Nothing here runs the model.
 *
 * A GGUF's task comes from its header: an embedding model says so with `<arch>.pooling_type`
 * (mean, cls, last), or is an encoder architecture that only embeds (bert, nomic-bert, …); a model
 * with a chat template chats; anything else completes text. `task` overrides the guess.
 */
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WeirError } from '../errors.ts';
import type { ModelEntry, ModelTask } from './types.ts';

export interface DescribeOptions {
  /** Display name; the id is its slug. Defaults to the name in the file, else the file name. */
  name?: string;
  /** What the model is for, when the file does not say or says it wrong (`--task`). */
  task?: ModelTask;
}

/** llama.cpp architectures that are encoders: they only make embeddings. */
const EMBEDDING_ARCHITECTURES = new Set(['bert', 'nomic-bert', 'nomic-bert-moe', 'jina-bert-v2', 'jina-bert-v3', 'modern-bert', 'neo-bert', 'eurobert', 'gemma-embedding', 'llama-embed']);

/** GGUF `<arch>.pooling_type` (llama.cpp's llama_pooling_type). */
const POOLING = { 0: 'none', 1: 'mean', 2: 'cls', 3: 'last', 4: 'rank' } as Record<number, string>;

/** Tasks a GGUF can be registered for. */
export const GGUF_TASKS: readonly ModelTask[] = ['chat-completion', 'text-generation', 'embeddings'];

/** Lower-case a-z0-9 words joined by single dashes, as catalog ids are. */
export function modelSlug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80);
}

export async function describeLocalModel(file: string, opts: DescribeOptions = {}): Promise<ModelEntry> {
  const abs = path.resolve(file);
  const info = await stat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT' || err.code === 'ENOTDIR') throw new WeirError('model_path_not_found', `${file}: no such file or folder`, { status: 404 });
    throw new WeirError('model_path_unreadable', `${file}: cannot read it (${err.code ?? err.message})`, { cause: err });
  });
  return info.isDirectory() ? describeOnnxFolder(file, abs, opts) : describeGguf(file, abs, info.size, opts);
}

const GGUF_MAGIC = 'GGUF';

async function readMagic(abs: string): Promise<Buffer> {
  const fh = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(4);
    const { bytesRead } = await fh.read(buf, 0, 4, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

type Meta = Record<string, unknown>;

function pick(meta: Meta, dotted: string): unknown {
  let v: unknown = meta;
  for (const key of dotted.split('.')) v = v && typeof v === 'object' ? (v as Meta)[key] : undefined;
  return v;
}

const asString = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
const asNumber = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? Number(v) : undefined);

/** "135M", "1.7B", "8x7B" → a count; undefined for labels it does not understand. */
export function parseSizeLabel(label: string | undefined): number | undefined {
  const m = label?.trim().match(/^(?:(\d+)x)?(\d+(?:\.\d+)?)\s*([KMBT])$/i);
  if (!m) return undefined;
  const unit = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 }[m[3].toUpperCase() as 'K' | 'M' | 'B' | 'T'];
  return Math.round((m[1] ? Number(m[1]) : 1) * Number(m[2]) * unit);
}

async function describeGguf(file: string, abs: string, size: number, opts: DescribeOptions): Promise<ModelEntry> {
  const magic = await readMagic(abs);
  if (magic.toString('latin1') !== GGUF_MAGIC) {
    const seen = magic.length ? `starts with ${JSON.stringify(magic.toString('latin1'))}` : 'is empty';
    throw new WeirError('not_gguf', `${file} is not a GGUF file: it ${seen}, not "GGUF" (weir models add takes a .gguf file or an ONNX model folder)`);
  }
  // Loaded on demand: listing models must not pay for node-llama-cpp's import.
  const { readGgufFileInfo } = await import('node-llama-cpp');
  let info: Awaited<ReturnType<typeof readGgufFileInfo>>;
  try {
    info = await readGgufFileInfo(abs, {
      logWarnings: false,
      spliceSplitFiles: false,
      // The vocabulary is most of the header and none of it is needed here.
      ignoreKeys: ['tokenizer.ggml.tokens', 'tokenizer.ggml.scores', 'tokenizer.ggml.token_type', 'tokenizer.ggml.merges'],
    });
  } catch (err) {
    throw new WeirError('invalid_gguf', `${file}: the GGUF header cannot be read (${(err as Error).message})`, { cause: err });
  }
  // The reader pads reads past the end with zeros instead of failing, so a cut file must be caught here.
  const lastTensorStart = Math.max(-1, ...(info.tensorInfo ?? []).map((t) => Number(t.offset)));
  // Without tensors the trailing alignment padding (up to 31 bytes) may be missing.
  const needed = lastTensorStart >= 0 ? (info.infoEndOffset ?? 0) + lastTensorStart + 1 : (info.infoEndOffset ?? 0) - 31;
  if (needed > size) throw new WeirError('invalid_gguf', `${file}: the file is cut short (${size} bytes, its header describes at least ${needed}); download it again`);
  const meta = info.metadata as unknown as Meta;
  const arch = asString(pick(meta, 'general.architecture')) ?? 'unknown';
  const fromTensors = info.tensorInfo?.length
    ? info.tensorInfo.reduce((sum, t) => sum + t.dimensions.reduce<number>((n, d) => n * Number(d), 1), 0)
    : undefined;
  // Tensor shapes give the exact count; the size label ("1.7B") is rounded.
  const parameters = fromTensors ?? parseSizeLabel(asString(pick(meta, 'general.size_label'))) ?? null;
  const contextLength = asNumber(pick(meta, `${arch}.context_length`)) ?? null;
  const hasChatTemplate = asString(pick(meta, 'tokenizer.chat_template')) !== undefined;
  const poolingId = asNumber(pick(meta, `${arch}.pooling_type`));
  const pooling = poolingId !== undefined ? POOLING[poolingId] : undefined;
  if (opts.task !== undefined && !GGUF_TASKS.includes(opts.task)) {
    throw new WeirError('invalid_argument', `${file}: a GGUF model can be registered for ${GGUF_TASKS.join(', ')}, not ${opts.task}`);
  }
  if (pooling === 'rank') {
    throw new WeirError('unsupported_model', `${file} is a reranker (its GGUF pools by rank): it scores query-document pairs and makes no embeddings, which Weir does not serve`);
  }
  const embeds = pooling === 'mean' || pooling === 'cls' || pooling === 'last' || EMBEDDING_ARCHITECTURES.has(arch);
  const task: ModelTask = opts.task ?? (embeds ? 'embeddings' : hasChatTemplate ? 'chat-completion' : 'text-generation');
  const dimensions = task === 'embeddings' ? asNumber(pick(meta, `${arch}.embedding_length`)) : undefined;
  const name = opts.name?.trim() || asString(pick(meta, 'general.name')) || path.basename(abs, path.extname(abs));
  const base = path.basename(abs);
  const description =
    task === 'embeddings'
      ? `GGUF ${arch} embedding model from ${base}${pooling && pooling !== 'none' ? ` (${pooling} pooling)` : ''}.`
      : `GGUF ${arch} model from ${base}${hasChatTemplate ? ', with a chat template' : ', without a chat template (plain completion)'}.`;
  return {
    id: idFor(name, file),
    name,
    publisher: asString(pick(meta, 'general.organization')) ?? asString(pick(meta, 'general.author')) ?? 'unknown',
    task,
    provider: 'llama-cpp',
    format: 'gguf',
    license: asString(pick(meta, 'general.license')) ?? 'unknown',
    parameters,
    contextLength,
    fileSizeBytes: size,
    source: { kind: 'local', path: abs },
    price: null,
    ...(dimensions !== undefined ? { dimensions } : {}),
    description,
    labels: ['user'],
  };
}

function idFor(name: string, file: string): string {
  const id = modelSlug(name);
  if (!id) throw new WeirError('invalid_model_name', `${file}: "${name}" gives an empty id; pass --name with letters or digits`);
  return id;
}

async function fileSize(abs: string): Promise<number | undefined> {
  const s = await stat(abs).catch(() => undefined);
  return s?.isFile() ? s.size : undefined;
}

const ONNX_LAYOUT = 'an ONNX model folder needs config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (or model.onnx)';

async function describeOnnxFolder(dir: string, abs: string, opts: DescribeOptions): Promise<ModelEntry> {
  if (opts.task !== undefined && opts.task !== 'embeddings') {
    throw new WeirError('invalid_argument', `${dir}: ONNX model folders run as embedding models; --task ${opts.task} does not apply`);
  }
  const configText = await readFile(path.join(abs, 'config.json'), 'utf8').catch(() => undefined);
  if (configText === undefined) throw new WeirError('not_a_model_folder', `${dir} has no config.json: ${ONNX_LAYOUT}`);
  let config: Meta;
  try {
    config = JSON.parse(configText) as Meta;
  } catch (err) {
    throw new WeirError('invalid_model_folder', `${path.join(dir, 'config.json')} is not valid JSON (${(err as Error).message})`);
  }
  const weights = [path.join(abs, 'onnx', 'model.onnx'), path.join(abs, 'model.onnx')];
  let weightsSize: number | undefined;
  for (const w of weights) if (weightsSize === undefined) weightsSize = await fileSize(w);
  if (weightsSize === undefined) throw new WeirError('not_a_model_folder', `${dir} has no onnx/model.onnx or model.onnx: ${ONNX_LAYOUT}`);
  // tokenizer_config.json too: the transformers provider will not load a folder without it.
  for (const name of ['tokenizer.json', 'tokenizer_config.json']) {
    if ((await fileSize(path.join(abs, name))) === undefined) throw new WeirError('not_a_model_folder', `${dir} has no ${name}: ${ONNX_LAYOUT}`);
  }

  const type = asString(config.model_type) ?? 'unknown';
  const name = opts.name?.trim() || asString(config._name_or_path)?.split('/').pop() || path.basename(abs);
  const dimensions = asNumber(config.hidden_size);
  return {
    id: idFor(name, dir),
    name,
    publisher: 'unknown',
    task: 'embeddings',
    provider: 'transformers',
    format: 'onnx',
    license: (await readmeLicense(abs)) ?? 'unknown',
    parameters: null,
    contextLength: asNumber(config.max_position_embeddings) ?? null,
    fileSizeBytes: weightsSize,
    source: { kind: 'local', path: abs },
    price: null,
    ...(dimensions !== undefined ? { dimensions } : {}),
    description: `ONNX ${type} embedding model from the folder ${path.basename(abs)}.`,
    labels: ['user'],
  };
}

/** Hugging Face model folders state the license in the README's front matter. */
async function readmeLicense(abs: string): Promise<string | undefined> {
  const text = await readFile(path.join(abs, 'README.md'), 'utf8').catch(() => '');
  const end = text.startsWith('---') ? text.indexOf('\n---', 3) : -1;
  const front = end > 0 ? text.slice(0, end) : '';
  return front.match(/^license:\s*["']?([^"'\s]+)/m)?.[1];
}
