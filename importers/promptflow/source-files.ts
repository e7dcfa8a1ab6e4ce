import type { ImportFiles } from './types.ts';
import type { Report } from './report.ts';

/** Largest file the importer reads or copies; bigger ones are reported and left out. */
export const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Most files an upload may hold; the rest are reported and left out. */
export const MAX_FILES = 5000;

const DAG_NAMES = ['flow.dag.yaml', 'flow.dag.yml'];
const FLEX_NAMES = ['flow.flex.yaml', 'flow.flex.yml'];

/** Why a path may not be used, or undefined when it is a plain relative path inside the upload. */
export function unsafePath(p: string): string | undefined {
  if (p.includes('\0')) return 'it contains a NUL character';
  if (p.includes('\\')) return 'it contains a backslash';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'it is an absolute path';
  if (p.split('/').some((s) => s === '..')) return 'it climbs out of the folder (..)';
  return undefined;
}

/** `a/./b//c` → `a/b/c`; `..` segments are resolved against `base` (a folder inside the upload). */
export function joinPath(base: string, rel: string): string | undefined {
  const out = base ? base.split('/') : [];
  for (const seg of rel.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (!out.length) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

const size = (v: string | Uint8Array) => (typeof v === 'string' ? Buffer.byteLength(v) : v.byteLength);

/**
 * The upload as the importer uses it: hostile names and oversize files left out (and reported),
 * paths relative to the folder holding `flow.dag.yaml`, text decoded as strict UTF-8.
 */
export class SourceFiles {
  /** Paths relative to the flow folder → content. */
  readonly files = new Map<string, string | Uint8Array>();
  /** Files of the upload outside the flow folder (for `additional_includes: ../x`), relative to the upload. */
  readonly all = new Map<string, string | Uint8Array>();
  /** The flow folder inside the upload ('' when the upload is the flow folder). */
  root = '';
  dag: string | undefined;
  flex: string | undefined;

  constructor(input: ImportFiles, report: Report) {
    let n = 0;
    for (const [raw, content] of input) {
      const p = raw.replace(/^\.\//, '');
      const bad = unsafePath(p);
      if (bad) {
        report.add('attention', `file "${raw}" left out`, { why: `its path is not safe: ${bad}`, todo: 'keep every file of the flow inside its folder' });
        continue;
      }
      if (++n > MAX_FILES) {
        if (n === MAX_FILES + 1) report.add('attention', `files beyond the first ${MAX_FILES} left out`, { why: 'the upload holds more files than a flow folder should', todo: 'import the flow folder alone' });
        continue;
      }
      const clean = joinPath('', p);
      if (clean) this.all.set(clean, content);
    }
    const others = this.#findRoot();
    if (others.length) {
      report.add('attention', `${others.length} other flow${others.length > 1 ? 's' : ''} in the upload not imported`, {
        why: `one import converts one flow (${this.root || 'the top folder'}); the upload also holds ${others.slice(0, 5).join(', ')}${others.length > 5 ? ' …' : ''}`,
        todo: 'import each flow folder on its own',
      });
    }
    for (const [p, v] of this.all) {
      if (this.root === '') this.files.set(p, v);
      else if (p.startsWith(`${this.root}/`)) this.files.set(p.slice(this.root.length + 1), v);
    }
  }

  /** The flow folder: where flow.dag.yaml is; the shallowest one when a zip wraps the folder. Returns the other flow files. */
  #findRoot(): string[] {
    const found = (names: string[]) =>
      [...this.all.keys()]
        .filter((p) => names.includes(p.split('/').pop()!) && !p.split('/').some((s) => s.startsWith('.') || s === '__MACOSX'))
        .sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
    const dags = found(DAG_NAMES);
    const flex = found(FLEX_NAMES);
    const pick = dags[0] ?? flex[0];
    if (!pick) return [];
    const i = pick.lastIndexOf('/');
    this.root = i < 0 ? '' : pick.slice(0, i);
    if (dags[0] === pick) this.dag = pick.slice(i + 1);
    else this.flex = pick.slice(i + 1);
    return [...dags, ...flex].filter((p) => p !== pick);
  }

  has(p: string): boolean {
    return this.files.has(p);
  }

  /** A file's text, or why it cannot be read (missing, too large, not UTF-8). */
  text(p: string): { text: string } | { error: string } {
    return textOf(p, this.files.get(p), 'the flow folder');
  }

  /** Files under a folder of the flow (`dir/`), relative to the flow folder. */
  under(dir: string): string[] {
    const prefix = dir === '' ? '' : `${dir.replace(/\/+$/, '')}/`;
    return [...this.files.keys()].filter((p) => p.startsWith(prefix));
  }

  /** Files of the whole upload under `path` (a file, or a folder), for includes outside the flow folder. */
  uploadUnder(p: string): string[] {
    return [...this.all.keys()].filter((k) => k === p || k.startsWith(`${p}/`));
  }

  uploadText(p: string): { text: string } | { error: string } {
    return textOf(p, this.all.get(p), 'the upload');
  }
}

/** A file's bytes as text, or why not (absent, too large, not UTF-8). */
function textOf(p: string, v: string | Uint8Array | undefined, where: string): { text: string } | { error: string } {
  if (v === undefined) return { error: `"${p}" is not in ${where}` };
  if (size(v) > MAX_FILE_BYTES) return { error: `"${p}" is larger than ${MAX_FILE_BYTES / 1024 / 1024} MiB` };
  if (typeof v === 'string') return { text: v };
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(v) };
  } catch {
    return { error: `"${p}" is not UTF-8 text` };
  }
}
