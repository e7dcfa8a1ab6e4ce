/**
 * `weir models …`: browse the catalog, register models already on disk, download catalog models.
 * User models live in the data folder's store, so `weir serve` on the same folder sees them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { WeirError } from '../errors.ts';
import { BUILTIN_MODELS } from '../models/catalog-data.ts';
import { isBuiltinModel, isLocal, ModelCatalog, MODEL_TASKS, modelJson, PROVIDERS, PULLED_LABEL, supportsOf, type ModelFilter } from '../models/catalog.ts';
import { describeLocalModel, type DescribeOptions } from '../models/local-model-info.ts';
import { pullModel, type PullProgress } from '../models/pull.ts';
import type { ModelEntry } from '../models/types.ts';
import { DB_FILE, openStore } from '../store/open.ts';
import type { Store } from '../store/types.ts';
import type { Io } from './commands.ts';

const USAGE = 'usage: weir models list|search|show|add|pull … (try: weir help)';

export async function modelsCommand(args: string[], io: Io, opts: { dataDir?: string } = {}): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'data-dir': { type: 'string' },
      json: { type: 'boolean', default: false },
      task: { type: 'string' },
      license: { type: 'string' },
      provider: { type: 'string' },
      local: { type: 'boolean' },
      name: { type: 'string' },
      force: { type: 'boolean', default: false },
    },
  });
  const [sub, ...rest] = positionals;
  // Resolved as `weir serve` does, so both use the same store.
  const dataDir = path.resolve(values['data-dir'] ?? opts.dataDir ?? process.env.WEIR_HOME ?? '.weir');
  const ctx = new Session(dataDir);
  try {
    switch (sub) {
      case 'list':
        return print(io, await ctx.catalog().all(), values.json);
      case 'search': {
        const filter: ModelFilter = { q: rest.join(' ') || undefined, license: values.license, local: values.local };
        if (values.task !== undefined) filter.task = oneOf(values.task, MODEL_TASKS, '--task');
        if (values.provider !== undefined) filter.provider = oneOf(values.provider, PROVIDERS, '--provider');
        return print(io, await ctx.catalog().search(filter), values.json);
      }
      case 'show': {
        const entry = await ctx.catalog().get(one(rest, 'weir models show <id>'));
        if (!entry) throw unknownModel(rest[0]);
        io.out(values.json ? JSON.stringify(modelJson(entry), null, 2) + '\n' : details(entry));
        return 0;
      }
      case 'add': {
        const file = one(rest, 'weir models add <file.gguf | onnx-folder>');
        const task = values.task !== undefined ? oneOf(values.task, MODEL_TASKS, '--task') : undefined;
        return await add(ctx, file, { name: values.name, task }, values.force, io);
      }
      case 'pull':
        return await pull(ctx, one(rest, 'weir models pull <id>'), io);
      default:
        throw new WeirError('invalid_argument', sub ? `unknown models command "${sub}" (${USAGE})` : USAGE);
    }
  } finally {
    await ctx.close();
  }
}

/** Opens the store only when needed: listing in a folder without one must not create it. */
class Session {
  #store?: Promise<Store>;
  constructor(readonly dataDir: string) {}
  store(): Promise<Store> {
    return (this.#store ??= openStore({ dataDir: this.dataDir, masterKey: process.env.WEIR_MASTER_KEY, databaseUrl: process.env.WEIR_DATABASE_URL }));
  }
  catalog(): ModelCatalog {
    const has = this.#store !== undefined || !!process.env.WEIR_DATABASE_URL || existsSync(path.join(this.dataDir, DB_FILE));
    return new ModelCatalog(async () => (has ? (await this.store()).models.list() : []));
  }
  async close(): Promise<void> {
    await (await this.#store?.catch(() => undefined))?.close();
  }
}

function one(rest: string[], usage: string): string {
  if (rest.length !== 1) throw new WeirError('invalid_argument', `usage: ${usage}`);
  return rest[0];
}

function oneOf<T extends string>(value: string, allowed: readonly T[], flag: string): T {
  if (!(allowed as readonly string[]).includes(value)) throw new WeirError('invalid_argument', `${flag} ${value}: expected one of ${allowed.join(', ')}`);
  return value as T;
}

function unknownModel(id: string): WeirError {
  return new WeirError('model_not_found', `no model "${id}" in the catalog (try: weir models list)`, { status: 404 });
}

/** `--task` overrides what the file says it is for (e.g. `--task embeddings` for a GGUF that does not say). */
async function add(ctx: Session, file: string, opts: DescribeOptions, force: boolean, io: Io): Promise<number> {
  const entry = await describeLocalModel(file, opts);
  if (isBuiltinModel(entry.id)) {
    throw new WeirError('model_exists', `"${entry.id}" is a built-in model id; choose another with --name`, { status: 409 });
  }
  const store = await ctx.store();
  if ((await store.models.get(entry.id)) && !force) {
    throw new WeirError('model_exists', `a model "${entry.id}" is already registered; pass --force to replace it or --name for another id`, { status: 409 });
  }
  await store.models.put(entry);
  const dims = entry.dimensions !== undefined ? `, ${entry.dimensions} dimensions` : '';
  io.out(`added ${entry.id} (${entry.task}, ${entry.provider}, ${formatCount(entry.parameters)} parameters, context ${formatContext(entry.contextLength)}${dims})\n`);
  return 0;
}

async function pull(ctx: Session, id: string, io: Io): Promise<number> {
  const found = await ctx.catalog().get(id);
  if (!found) throw unknownModel(id);
  if (found.labels.includes(PULLED_LABEL) && found.source.kind === 'local' && existsSync(found.source.path)) {
    io.out(`${id} is already pulled: ${found.source.path}\n`);
    return 0;
  }
  // A pulled copy whose file is gone downloads again from the built-in entry.
  const entry = BUILTIN_MODELS.find((b) => b.id === id) ?? found;
  const ctl = new AbortController();
  const onSigint = () => ctl.abort();
  process.once('SIGINT', onSigint);
  try {
    const got = await pullModel(entry, { dir: path.join(ctx.dataDir, 'models'), onProgress: progressBar(io, entry.id), signal: ctl.signal });
    // The pulled copy keeps the catalog metadata and id; the catalog prefers it to the download entry.
    const copy: ModelEntry = { ...entry, fileSizeBytes: got.bytes, source: { kind: 'local', path: got.path }, labels: [...new Set([...entry.labels, PULLED_LABEL])] };
    await (await ctx.store()).models.put(copy);
    io.out(`pulled ${entry.id} to ${got.path} (${formatBytes(got.bytes)}, sha256 ${got.sha256})\n`);
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

/**
 * One line per 10% (or per 100 MB when the size is unknown): the CLI's stderr writer ends every
 * write with a newline, so a bar redrawn with \r would print a line per chunk.
 */
function progressBar(io: Io, id: string) {
  let shown = -1;
  const mb = (n: number) => (n / 1e6).toFixed(1);
  return (p: PullProgress) => {
    const step = p.total ? Math.min(10, Math.floor((p.received / p.total) * 10)) : Math.floor(p.received / 100e6);
    if (step <= shown) return;
    shown = step;
    if (!p.total) return void io.err(`${id} ${mb(p.received)} MB\n`);
    const pct = step * 10;
    io.err(`${id} [${'#'.repeat(step * 2)}${'.'.repeat(20 - step * 2)}] ${String(pct).padStart(3)}% ${mb(p.received)}/${mb(p.total)} MB\n`);
  };
}

function print(io: Io, entries: ModelEntry[], json: boolean): number {
  if (json) {
    io.out(JSON.stringify(entries.map(modelJson), null, 2) + '\n');
    return 0;
  }
  const head = ['id', 'task', 'provider', 'params', 'context', 'license', 'size'];
  const rows = entries.map((e) => [e.id, e.task, e.provider, formatCount(e.parameters), formatContext(e.contextLength), e.license, formatBytes(e.fileSizeBytes)]);
  if (!rows.length) {
    io.out('no models match\n');
    return 0;
  }
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  io.out([line(head), ...rows.map(line)].join('\n') + '\n');
  return 0;
}

function details(e: ModelEntry): string {
  const src = e.source;
  const where = src.kind === 'huggingface' ? `huggingface ${src.repo} ${src.file}` : src.kind === 'npm' ? `npm ${src.package}` : src.kind === 'local' ? `local ${src.path}` : `remote model ${src.model}`;
  const price = !e.price
    ? 'free (runs locally)'
    : [e.price.inputPer1k !== undefined && `$${e.price.inputPer1k} per 1K input tokens`, e.price.outputPer1k !== undefined && `$${e.price.outputPer1k} per 1K output tokens`, e.price.perHour !== undefined && `$${e.price.perHour} per hour`].filter(Boolean).join(', ');
  const rows: [string, string][] = [
    ['id', e.id],
    ['name', e.name],
    ['publisher', e.publisher],
    ['task', e.task],
    ['provider', e.provider],
    ['format', e.format],
    ['license', e.license],
    ['parameters', formatCount(e.parameters)],
    ['context', e.contextLength === null ? '-' : `${e.contextLength} tokens`],
    ...(e.task === 'chat-completion' ? [['supports', supports(e)] as [string, string]] : []),
    ['size', formatBytes(e.fileSizeBytes)],
    ...(e.dimensions !== undefined ? [['dimensions', String(e.dimensions)] as [string, string]] : []),
    ['source', where],
    ['price', price],
    ['local', isLocal(e) ? 'yes' : 'no (remote API)'],
    ['labels', e.labels.join(', ') || '-'],
    ['description', e.description],
  ];
  return rows.map(([k, v]) => `${(k + ':').padEnd(13)}${v}`).join('\n') + '\n';
}

/** What an app built on OpenAI's tools and JSON modes may ask of a chat model. */
function supports(e: ModelEntry): string {
  const s = supportsOf(e);
  const can = [s.tools && 'tools', s.structured_output && 'structured output'].filter(Boolean);
  return can.length ? can.join(', ') : 'neither tools nor structured output';
}

function formatCount(n: number | null): string {
  if (n === null) return '-';
  for (const [unit, size] of [['T', 1e12], ['B', 1e9], ['M', 1e6], ['K', 1e3]] as const) {
    if (n >= size) return `${Number((n / size).toPrecision(3))}${unit}`;
  }
  return String(n);
}

function formatContext(n: number | null): string {
  if (n === null) return '-';
  // 128000 and 131072 are both "128K" as model cards write them.
  if (n >= 1000 && n % 1000 === 0) return `${n / 1000}K`;
  return n >= 1024 && n % 1024 === 0 ? `${n / 1024}K` : String(n);
}

function formatBytes(n: number | null): string {
  if (n === null) return '-';
  if (n >= 1e9) return `${Number((n / 1e9).toPrecision(3))} GB`;
  if (n >= 1e6) return `${Number((n / 1e6).toPrecision(3))} MB`;
  if (n >= 1e3) return `${Number((n / 1e3).toPrecision(3))} kB`;
  return `${n} B`;
}
