import { WeirError } from '../../errors.ts';
import type { FlowInputSpec } from '../../flow/analyze.ts';
import { parseRef, ReferenceSyntaxError, type Segment } from '../../flow/references.ts';

/**
 * A batch's column mapping (prompt flow's): flow input → `${data.col}`, `${run.outputs.x}`,
 * `${run.inputs.x}` (an earlier run's line of the same number), text with such references in it, or
 * a literal value. Parsed once per batch; a line only walks the parsed form.
 */
export type MappingSource = 'data' | 'run.outputs' | 'run.inputs';
export interface MappingRef {
  source: MappingSource;
  path: Segment[];
  text: string;
  /** A flow input mapped by default: it reads its column only when the line has one. */
  optional?: boolean;
}
type MappingValue = { t: 'lit'; v: unknown } | { t: 'ref'; ref: MappingRef } | { t: 'tpl'; parts: (string | MappingRef)[] };

export type ColumnMapping = [string, MappingValue][];

/** An earlier run's line, matched by line number (an evaluation run reads it). */
export interface EarlierLine {
  status: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

const SOURCES: MappingSource[] = ['run.outputs', 'run.inputs', 'data'];

function parseMappingRef(key: string, inner: string): MappingRef {
  const text = '${' + inner + '}';
  const trimmed = inner.trim();
  const source = SOURCES.find((s) => trimmed.startsWith(s) && (trimmed[s.length] === '.' || trimmed[s.length] === '['));
  if (!source) throw new WeirError('invalid_column_mapping', `column_mapping "${key}": ${text} must read \${data.<column>}, \${run.outputs.<name>} or \${run.inputs.<name>}`, { path: ['column_mapping', key] });
  try {
    // The reference parser reads the path: `inputs` stands in for the source's name.
    const ref = parseRef('inputs' + trimmed.slice(source.length));
    if (ref.kind !== 'input') throw new ReferenceSyntaxError('expected a name');
    return { source, path: [ref.name, ...ref.path], text };
  } catch (err) {
    throw new WeirError('invalid_column_mapping', `column_mapping "${key}": ${text}: ${(err as Error).message}`, { path: ['column_mapping', key] });
  }
}

function parseValue(key: string, v: unknown): MappingValue {
  if (typeof v !== 'string' || !v.includes('${')) return { t: 'lit', v };
  const parts: (string | MappingRef)[] = [];
  let i = 0;
  while (i < v.length) {
    const at = v.indexOf('${', i);
    if (at < 0) (parts.push(v.slice(i)), (i = v.length));
    else {
      const end = v.indexOf('}', at + 2);
      if (end < 0) throw new WeirError('invalid_column_mapping', `column_mapping "${key}": unclosed reference in "${v}"`, { path: ['column_mapping', key] });
      if (at > i) parts.push(v.slice(i, at));
      parts.push(parseMappingRef(key, v.slice(at + 2, end)));
      i = end + 1;
    }
  }
  return parts.length === 1 && typeof parts[0] !== 'string' ? { t: 'ref', ref: parts[0] } : { t: 'tpl', parts };
}

/**
 * The mapping a batch applies to every line. Inputs it does not name read the column of their own
 * name when the line has one (prompt flow's default), else take the flow's default.
 */
export function parseColumnMapping(raw: Record<string, unknown> | undefined, inputs: readonly FlowInputSpec[]): ColumnMapping {
  const given = raw ?? {};
  const known = new Set(inputs.map((i) => i.name));
  const out: ColumnMapping = [];
  for (const [key, v] of Object.entries(given)) {
    if (!known.has(key)) throw new WeirError('invalid_column_mapping', `column_mapping "${key}": the flow has no input "${key}" (inputs: ${[...known].join(', ') || 'none'})`, { path: ['column_mapping', key] });
    out.push([key, parseValue(key, v)]);
  }
  for (const input of inputs) {
    if (!(input.name in given)) out.push([input.name, { t: 'ref', ref: { source: 'data', path: [input.name], text: `\${data.${input.name}}`, optional: true } }]);
  }
  return out;
}

/** Whether the mapping reads an earlier run (then the batch needs one). */
export function readsEarlierRun(mapping: ColumnMapping): boolean {
  return mapping.some(([, v]) => (v.t === 'ref' ? v.ref.source !== 'data' : v.t === 'tpl' && v.parts.some((p) => typeof p !== 'string' && p.source !== 'data')));
}

const MISSING = Symbol('missing');

function walk(root: unknown, path: readonly Segment[]): unknown {
  let v = root;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return MISSING;
    v = (v as Record<string | number, unknown>)[key];
  }
  return v;
}

function read(ref: MappingRef, key: string, lineNumber: number, line: Record<string, unknown>, earlier: EarlierLine | undefined, hasEarlier: boolean): unknown {
  let root: unknown = line;
  if (ref.source !== 'data') {
    const where = `line ${lineNumber}: column_mapping "${key}": ${ref.text}`;
    if (!hasEarlier) throw new WeirError('mapping_value_missing', `${where} reads an earlier run, but none was given (--run / run)`, { path: ['column_mapping', key] });
    if (!earlier) throw new WeirError('mapping_value_missing', `${where}: the earlier run has no line ${lineNumber}`, { path: ['column_mapping', key] });
    if (ref.source === 'run.outputs' && earlier.status !== 'succeeded') throw new WeirError('mapping_value_missing', `${where}: the earlier run's line ${lineNumber} ${earlier.status}, so it has no outputs`, { path: ['column_mapping', key] });
    root = ref.source === 'run.outputs' ? earlier.outputs : earlier.inputs;
  }
  const v = walk(root, ref.path);
  if (v !== MISSING) return v;
  const col = String(ref.path[0]);
  const what = ref.source === 'data' ? `the line has no column "${col}" (columns: ${Object.keys(line).join(', ') || 'none'})` : `the earlier run's line has no ${ref.source === 'run.outputs' ? 'output' : 'input'} "${ref.path.join('.')}"`;
  throw new WeirError('mapping_value_missing', `line ${lineNumber}: column_mapping "${key}": ${ref.text}: ${what}`, { path: ['column_mapping', key] });
}

const text = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** One line's flow inputs. Throws a WeirError naming the line, the input and the column when a value is missing. */
export function mapLine(mapping: ColumnMapping, lineNumber: number, line: Record<string, unknown>, earlier: EarlierLine | undefined, hasEarlier: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, v] of mapping) {
    if (v.t === 'lit') out[key] = v.v;
    else if (v.t === 'ref') {
      if (v.ref.optional) {
        if (Object.hasOwn(line, key)) out[key] = line[key];
      } else out[key] = read(v.ref, key, lineNumber, line, earlier, hasEarlier);
    } else out[key] = v.parts.map((p) => (typeof p === 'string' ? p : text(read(p, key, lineNumber, line, earlier, hasEarlier)))).join('');
  }
  return out;
}
