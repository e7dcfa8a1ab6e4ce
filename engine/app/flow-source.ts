import { createHash } from 'node:crypto';
import type { Document } from 'yaml';
import { WeirError, type Problem } from '../errors.ts';
import { parseFlowText, writeFlowYamlKept } from '../flow/yaml-source.ts';

export interface FlowSource {
  source: string;
  format: 'yaml' | 'json';
  definition: unknown;
  problems: Problem[];
  /** Line and column of a path in the text, for problems. */
  locate?: (path: (string | number)[]) => { line: number; col: number } | undefined;
}

/** A flow sent as YAML text, JSON text, or an already-parsed object. */
/**
 * The parsed document of YAML this process wrote last, by its text: the studio saves a draft as JSON
 * every few edits, and each save is written into the previous YAML — parsing that again is a third of
 * a save (~50 ms for 300 nodes). A document is taken out when used (writing mutates it).
 */
const written = new Map<string, Document>();
const KEEP = 32;

function takeDocument(yaml: string): Document | undefined {
  const doc = written.get(yaml);
  if (doc) written.delete(yaml);
  return doc ?? parseFlowText(yaml).doc;
}

export function readFlowSource(body: string | object, contentType: string | undefined, previousYaml?: string): FlowSource {
  if (typeof body === 'object') {
    // Written into the YAML it replaces (when there is one), a draft keeps its comments.
    const { text, doc } = writeFlowYamlKept(body, previousYaml === undefined ? undefined : takeDocument(previousYaml));
    if (doc) {
      written.set(text, doc);
      if (written.size > KEEP) written.delete(written.keys().next().value!);
    }
    return { source: text, format: 'yaml', definition: body, problems: [] };
  }
  const json = /json/.test(contentType ?? '');
  const parsed = parseFlowText(body, json ? 'flow.json' : 'flow.yaml');
  return { source: body, format: json ? 'json' : 'yaml', definition: parsed.value, problems: parsed.problems, locate: parsed.locate };
}

/** Sorted-key JSON, so the same flow always hashes the same whatever its key order. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** The content hash of a flow: what it does, not where its boxes sit (layout is left out). */
export function flowHash(definition: unknown): string {
  const { layout: _layout, ...rest } = (definition ?? {}) as Record<string, unknown>;
  return createHash('sha256').update(canonical(rest)).digest('hex');
}

export function flowName(definition: unknown): string {
  const name = (definition as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || !name) throw new WeirError('invalid_flow', 'the flow has no name', { path: ['name'], status: 422 });
  return name;
}
