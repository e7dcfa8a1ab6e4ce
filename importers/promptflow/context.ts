import type { Locator, Report } from './report.ts';
import type { SourceFiles } from './source-files.ts';
import type { ImportOptions } from './types.ts';
import type { PythonTools } from './python-tools.ts';

/** What every node converter reads and adds to. */
export interface ConvertContext {
  files: SourceFiles;
  report: Report;
  opts: ImportOptions;
  /** The flow file's name inside the upload (for report items). */
  dagFile: string;
  /** Prompt flow connection name → its type (azure_open_ai, open_ai, custom …), from connection YAML files found. */
  connectionTypes: Map<string, string>;
  /** Files of the flow folder the Weir flow needs beside it (templates, Python code). */
  needed: Set<string>;
  python: PythonTools;
  /** requirements.txt lines of `environment.python_requirements_txt`, for every python node. */
  requirements?: { file: string; lines: string[] };
}

/** One prompt flow node, where it is, and the Weir node built from it. */
export interface PfNode {
  raw: Record<string, unknown>;
  name: string;
  /** Path of the node mapping in the flow file (['nodes', 2] or ['node_variants', n, 'variants', v, 'node']). */
  path: (string | number)[];
  at: Locator;
}

export type WeirNode = Record<string, unknown> & { name: string; type: string };

export const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A file path as a node names it (`./x.jinja2`, `a//b.py`), as the upload keys it; undefined when absent. */
export function nodePath(v: unknown): string | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const parts: string[] = [];
  for (const seg of s.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    parts.push(seg);
  }
  return parts.join('/') || s;
}
