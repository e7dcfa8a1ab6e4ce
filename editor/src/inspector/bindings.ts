/**
 * What the inspector shows for a node's inputs and how the text typed there becomes a value in the
 * flow file. Pure functions, tested without a browser.
 */
import { parseBinding, refsOf } from '../../../engine/flow/references.ts';
import type { FlowDoc, FlowNodeDoc, JsonSchema, NodeTypeInfo } from '../api/types.ts';
import type { Parsed } from './schema-utils.ts';

export interface InputRow {
  name: string;
  /** Declared by the node type (else a name the flow gave to a node taking inputs of any name). */
  declared: boolean;
  required: boolean;
  schema?: JsonSchema;
  bound: boolean;
  value: unknown;
}

/** Declared inputs first (in the type's order), then the extra names written in the flow. */
export function inputRows(node: FlowNodeDoc, info: NodeTypeInfo | undefined): InputRow[] {
  const bound = node.inputs ?? {};
  const declared = info?.inputs ?? {};
  const rows: InputRow[] = Object.entries(declared).map(([name, schema]) => ({
    name, declared: true, required: !!info?.required_inputs.includes(name), schema, bound: name in bound, value: bound[name],
  }));
  for (const [name, value] of Object.entries(bound)) {
    if (!(name in declared)) rows.push({ name, declared: false, required: false, schema: info?.extra_inputs ?? undefined, bound: true, value });
  }
  return rows;
}

/** A binding as it reads in the flow file: strings as written, anything else as JSON. */
export function bindingText(value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

const JSONISH = /^\s*([[{"]|-?\d|true\b|false\b|null\b)/;

function onlyStrings(schema: JsonSchema | undefined): boolean {
  return schema?.type === 'string';
}

/**
 * Text typed for a binding → the value written. Like YAML, `42`, `true` or `[1, 2]` are values and
 * anything else is a string (quote it, `"42"`, to keep a string) — except for inputs that only take
 * strings. `${…}` references must parse. Empty text is no value.
 */
export function parseBindingText(text: string, schema?: JsonSchema): Parsed<unknown> {
  if (text === '') return {};
  let value: unknown = text;
  if (!onlyStrings(schema) && JSONISH.test(text)) {
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON after all (e.g. `{{ name }}` or `1st`): the text itself.
    }
  }
  try {
    parseBinding(value);
  } catch (err) {
    return { error: (err as Error).message };
  }
  return { value };
}

/** References in a binding to nodes the flow does not have (the server would call them dangling). */
export function unknownNodes(value: unknown, doc: FlowDoc): string[] {
  let refs;
  try {
    refs = refsOf(parseBinding(value));
  } catch {
    return [];
  }
  const names = new Set(doc.nodes.map((n) => n.name));
  const missing = refs.flatMap((r) => (r.kind === 'node' && !names.has(r.node) ? [r.node] : []));
  return [...new Set(missing)];
}

/** Flow inputs referenced by a binding that the flow does not declare. */
export function unknownInputs(value: unknown, doc: FlowDoc): string[] {
  let refs;
  try {
    refs = refsOf(parseBinding(value));
  } catch {
    return [];
  }
  const missing = refs.flatMap((r) => (r.kind === 'input' && !(r.name in (doc.inputs ?? {})) ? [r.name] : []));
  return [...new Set(missing)];
}

const PORT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why a new input (or flow input/output) name cannot be used, or null. */
export function portNameProblem(name: string, taken: Iterable<string>): string | null {
  if (!name) return 'enter a name';
  if (!PORT_NAME.test(name)) return 'letters, digits and _, not starting with a digit';
  if (new Set(taken).has(name)) return `"${name}" already exists`;
  return null;
}

/** Sets or removes one input binding of a node. */
export function setBinding(node: FlowNodeDoc, name: string, value: unknown): FlowNodeDoc {
  const { [name]: _old, ...rest } = node.inputs ?? {};
  return { ...node, inputs: value === undefined ? rest : { ...(node.inputs ?? {}), [name]: value } };
}

const DURATION = /^\d+(\.\d+)?\s*(ms|s|m)$/;

/** `500ms`, `30s`, `2m` or a whole number of milliseconds, as the flow schema takes it. */
export function parseDuration(text: string): Parsed<number | string> {
  const t = text.trim();
  if (!t) return {};
  if (/^\d+$/.test(t)) return Number(t) > 0 ? { value: Number(t) } : { error: 'must be more than 0' };
  if (DURATION.test(t)) return { value: t };
  return { error: 'a duration like 500ms, 30s or 2m' };
}
