/**
 * Reading a prompt flow folder or zip into the importer's file map, with the caps that keep a
 * hostile one from filling memory: files counted, each file and the total capped (zip entries
 * counted as they inflate, so a zip bomb stops at the cap), symlinks not followed.
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import JSZip from 'jszip';
import { parseFlowText } from '../../engine/flow/yaml-source.ts';
import { MAX_FILE_BYTES, MAX_FILES, unsafePath } from './source-files.ts';
import type { ImportFiles } from './types.ts';

/** Most bytes one import reads in all. */
export const MAX_TOTAL_BYTES = 64 * 1024 * 1024;
/** Folders that are never part of a flow: version control, caches, virtual environments. */
const SKIP_DIRS = new Set(['.git', '.hg', '.svn', '__pycache__', 'node_modules', '.venv', 'venv', '.mypy_cache', '.pytest_cache', '.runs']);

export interface ReadSource {
  files: ImportFiles;
  /** What was left out and why, for the report. */
  skipped: { path: string; why: string }[];
}

/** Thrown when the source cannot be read at all (the CLI exits 2 with the message). */
export class SourceUnreadable extends Error {}

class Budget {
  total = 0;
  count = 0;
  readonly skipped: { path: string; why: string }[] = [];
  take(p: string, bytes: number): boolean {
    if (this.count >= MAX_FILES) return this.skip(p, `more than ${MAX_FILES} files`);
    if (bytes > MAX_FILE_BYTES) return this.skip(p, `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB`);
    if (this.total + bytes > MAX_TOTAL_BYTES) return this.skip(p, `the import would read more than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB`);
    this.count++;
    this.total += bytes;
    return true;
  }
  skip(p: string, why: string): false {
    if (this.skipped.length < 100) this.skipped.push({ path: p, why });
    return false;
  }
}

function symlinkTarget(full: string): string {
  try {
    return readlinkSync(full);
  } catch {
    return 'unreadable link';
  }
}

function walk(dir: string, rel: string, budget: Budget, files: Map<string, Uint8Array>): void {
  let entries: string[];
  try {
    entries = readdirSync(dir).sort();
  } catch (err) {
    throw new SourceUnreadable(`cannot read folder ${dir}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  for (const name of entries) {
    const full = path.join(dir, name);
    const r = rel ? `${rel}/${name}` : name;
    const st = lstatSync(full);
    // A link may point at any file of the machine (a home folder's keys), so it is never read; prompt flow's
    // flow-with-symlinks example shares a sibling flow's files this way, which additional_includes does too.
    if (st.isSymbolicLink()) budget.skip(r, `it is a symbolic link (not followed: it may point anywhere); copy the file in, or list its target in additional_includes (${symlinkTarget(full)})`);
    else if (st.isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(full, r, budget, files);
    } else if (st.isFile() && budget.take(r, st.size)) files.set(r, readFileSync(full));
  }
}

/** A flow folder on disk, plus the `additional_includes` that point outside it (read under their own name, as prompt flow copies them). */
export function readFolder(dir: string): ReadSource {
  const budget = new Budget();
  const files = new Map<string, Uint8Array>();
  walk(dir, '', budget, files);
  const dag = files.get('flow.dag.yaml') ?? files.get('flow.dag.yml');
  if (dag) {
    const parsed = parseFlowText(Buffer.from(dag).toString('utf8'), 'flow.dag.yaml');
    const includes = (parsed.value as { additional_includes?: unknown } | undefined)?.additional_includes;
    for (const inc of Array.isArray(includes) ? includes : []) {
      if (typeof inc !== 'string' || !inc.trim().startsWith('..')) continue;
      const p = inc.trim().replace(/\/+$/, '');
      const base = p.split('/').pop()!;
      if (base === '..' || base === '.' || unsafePath(base) || files.has(base)) continue;
      const full = path.resolve(dir, p);
      let st;
      try {
        st = statSync(full);
      } catch {
        continue; // reported by the importer as not found
      }
      if (st.isDirectory()) {
        const sub = new Map<string, Uint8Array>();
        walk(full, '', budget, sub);
        for (const [k, v] of sub) files.set(`${base}/${k}`, v);
      } else if (st.isFile() && budget.take(p, st.size)) files.set(base, readFileSync(full));
    }
  }
  return { files, skipped: budget.skipped };
}

/** Inflates one entry, stopping as soon as it passes the caps (a zip's declared sizes may lie). */
function inflate(entry: JSZip.JSZipObject, budget: Budget): Promise<Uint8Array | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let done = false;
    const stream = entry.nodeStream('nodebuffer');
    stream
      .on('data', (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > MAX_FILE_BYTES || budget.total + size > MAX_TOTAL_BYTES) {
          done = true;
          stream.pause();
          stream.removeAllListeners('data');
          budget.skip(entry.name, size > MAX_FILE_BYTES ? `larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB once inflated` : `the import would inflate more than ${MAX_TOTAL_BYTES / 1024 / 1024} MiB`);
          resolve(undefined);
        } else chunks.push(chunk);
      })
      .on('error', (err: Error) => (done ? undefined : ((done = true), reject(err))))
      .on('end', () => {
        if (done) return;
        done = true;
        resolve(Buffer.concat(chunks));
      });
  });
}

/** A zip of a flow folder (the folder itself, or a folder holding it). */
export async function readZip(bytes: Uint8Array): Promise<ReadSource> {
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false });
  } catch (err) {
    throw new SourceUnreadable(`not a readable zip file: ${(err as Error).message}`);
  }
  const budget = new Budget();
  const files = new Map<string, Uint8Array>();
  const entries = Object.values(zip.files).filter((e) => !e.dir);
  for (const e of entries) {
    if (budget.count >= MAX_FILES) {
      budget.skip(e.name, `more than ${MAX_FILES} files`);
      break;
    }
    // JSZip resolves `../` in names on load; the name as written is kept, so the importer refuses it by name.
    const name = e.unsafeOriginalName ?? e.name;
    const data = await inflate(e, budget).catch((err: Error) => void budget.skip(e.name, `cannot be inflated: ${err.message}`));
    if (!data) continue;
    budget.count++;
    budget.total += data.length;
    files.set(name, data);
  }
  return { files, skipped: budget.skipped };
}
