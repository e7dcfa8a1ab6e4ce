/**
 * The files of `weir run --data`: the data (JSONL), an earlier run's `--output` file read back (for
 * resuming, and for evaluating it with `--run`), and the output written as lines finish.
 */
import { createWriteStream, existsSync, type WriteStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { WeirError } from '../errors.ts';
import type { EarlierLine } from '../app/batch/column-mapping.ts';
import { parseJsonl, type DataLine } from '../app/batch/data-lines.ts';
import { openStore } from '../store/open.ts';
import type { LineResult } from '../app/batch/line-run.ts';

export async function readDataFile(file: string): Promise<DataLine[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw new WeirError('invalid_argument', `--data ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  return parseJsonl(text);
}

/** `--column-mapping k=v`: v is read as JSON when it parses (`n=3` is a number), else as text (`q=${data.question}`). */
export function parseMappingArgs(args: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const a of args) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new WeirError('invalid_argument', `--column-mapping ${a}: expected input=value, e.g. question='\${data.q}'`);
    const raw = a.slice(eq + 1);
    let v: unknown = raw;
    try {
      v = JSON.parse(raw);
    } catch {
      // text
    }
    out[a.slice(0, eq)] = v;
  }
  return out;
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An `--output` file read back: its lines by number (a line written twice: the last one wins). Bad lines are ignored. */
export async function readOutputFile(file: string): Promise<Map<number, LineResult>> {
  const text = await readFile(file, 'utf8');
  const out = new Map<number, LineResult>();
  for (const l of parseJsonl(text)) {
    if (!l.ok) continue;
    const v = l.value;
    if (!Number.isSafeInteger(v.line_number) || typeof v.status !== 'string') continue;
    out.set(v.line_number as number, {
      line_number: v.line_number as number,
      status: v.status === 'succeeded' ? 'succeeded' : v.status === 'cancelled' ? 'cancelled' : 'failed',
      inputs: isObj(v.inputs) ? v.inputs : {},
      outputs: isObj(v.outputs) ? v.outputs : {},
      ...(isObj(v.error) ? { error: v.error as never } : {}),
      duration_ms: typeof v.duration_ms === 'number' ? v.duration_ms : 0,
      usage: isObj(v.usage) ? v.usage : {},
      ...(Array.isArray(v.aggregation_inputs) ? { aggregation_inputs: v.aggregation_inputs } : {}),
    });
  }
  return out;
}

const BATCH_ID = /^batch_[0-9a-z_-]{1,80}$/i;

/**
 * `--run <file or id>`: an earlier batch's output file, or the id of a batch run the server
 * recorded (read from its store: `--data-dir`, WEIR_HOME or .weir, or WEIR_DATABASE_URL), as the
 * lines an evaluation reads.
 */
export async function readEarlierFile(file: string, dataDir?: string): Promise<Map<number, EarlierLine>> {
  if (existsSync(file)) return readOutputFile(file);
  if (!BATCH_ID.test(file)) throw new WeirError('invalid_argument', `--run ${file}: no such file (give an earlier run's --output file, or a batch run's id)`);
  return readEarlierRun(file, dataDir);
}

async function readEarlierRun(id: string, dataDir: string | undefined): Promise<Map<number, EarlierLine>> {
  const databaseUrl = process.env.WEIR_DATABASE_URL;
  const dir = path.resolve(dataDir ?? process.env.WEIR_HOME ?? '.weir');
  if (!databaseUrl && !existsSync(path.join(dir, 'weir.db'))) throw new WeirError('invalid_argument', `--run ${id}: no such file, and no Weir store at ${dir} to find the batch run in (set --data-dir, WEIR_HOME or WEIR_DATABASE_URL)`);
  const store = await openStore({ dataDir: dir, masterKey: process.env.WEIR_MASTER_KEY, ...(databaseUrl ? { databaseUrl } : {}) });
  try {
    const run = await store.batches.get(id);
    if (!run) throw new WeirError('invalid_argument', `--run ${id}: no batch run has this id in ${databaseUrl ? 'the database' : dir}`);
    const out = new Map<number, EarlierLine>();
    for (let page = await store.batches.lines(id, 0, PAGE); page.length; page = page.length < PAGE ? [] : await store.batches.lines(id, out.size, PAGE)) {
      for (const l of page) out.set(l.lineNumber, { status: l.status, inputs: l.inputs ?? {}, outputs: l.outputs ?? {} });
    }
    return out;
  } finally {
    await store.close();
  }
}

const PAGE = 1000;

export function lineJson(l: LineResult): string {
  const { line_number, status, inputs, outputs, error, ...rest } = l;
  return JSON.stringify({ line_number, status, inputs, outputs, ...(error ? { error } : {}), ...rest });
}

/**
 * The `--output` file while a batch runs: each line is appended as it finishes (so a batch cut short
 * keeps what it did, and the next run with the same file resumes); at the end the file is rewritten
 * in line order, one line per data line, through a temporary file and a rename.
 */
export class OutputFile {
  readonly #stream: WriteStream;
  readonly #opened: Promise<void>;

  constructor(readonly file: string) {
    this.#stream = createWriteStream(file, { flags: 'a' });
    this.#opened = new Promise((resolve, reject) => {
      this.#stream.once('open', () => resolve());
      this.#stream.once('error', (err) => reject(new WeirError('invalid_argument', `--output ${file}: ${err.message}`)));
    });
  }

  opened(): Promise<void> {
    return this.#opened;
  }

  append(l: LineResult): void {
    this.#stream.write(lineJson(l) + '\n');
  }

  async finish(lines: readonly LineResult[]): Promise<void> {
    await new Promise<void>((resolve) => this.#stream.end(resolve));
    const tmp = `${this.file}.${process.pid}.tmp`;
    await writeFile(tmp, lines.map((l) => lineJson(l) + '\n').join(''));
    await rename(tmp, this.file);
  }
}
