/**
 * Turns a node type's config JSON Schema (as zod's toJSONSchema writes it) into form fields, and
 * the form's raw text back into config values. Pure, so the odd corners of JSON Schema are tested
 * without a browser.
 */
import type { JsonSchema } from '../api/types.ts';

export type FieldKind = 'string' | 'text' | 'code' | 'number' | 'integer' | 'boolean' | 'enum' | 'object' | 'list' | 'json';
export type FieldLanguage = 'jinja2' | 'jsonata';

export interface FieldSpec {
  name: string;
  /** The schema the field edits (an anyOf branch when one was picked). */
  schema: JsonSchema;
  kind: FieldKind;
  required: boolean;
  language?: FieldLanguage;
  help?: string;
  placeholder?: string;
  /** For `list`: the kind of each item (`string`, `number`, `integer` or `enum`). */
  item?: { kind: 'string' | 'number' | 'integer' | 'enum'; schema: JsonSchema };
  /** A string naming something the server holds: edited with a picker of them. */
  resource?: ResourceKind;
}

export type ResourceKind = 'deployment' | 'index' | 'connection';

/**
 * The key a node type's config schema marks such a field with (engine/flow/resource-fields.ts; it
 * arrives over HTTP in GET /api/node-types).
 */
const RESOURCE_KEY = 'x-weir-resource';
const RESOURCE_KINDS: readonly string[] = ['deployment', 'index', 'connection'];

export function resourceOf(schema: JsonSchema): ResourceKind | undefined {
  const k = schema[RESOURCE_KEY];
  return typeof k === 'string' && RESOURCE_KINDS.includes(k) ? (k as ResourceKind) : undefined;
}

/** The single `type` of a schema (`["string","null"]` counts as string), or undefined. */
export function typeOf(schema: JsonSchema): string | undefined {
  // zod writes enums as `{ type: 'string', enum: [...] }`: the choice matters more than the type.
  if (Array.isArray(schema.enum) || 'const' in schema) return 'enum';
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) {
    const real = t.filter((x) => x !== 'null');
    return real.length === 1 ? (real[0] as string) : undefined;
  }
  return undefined;
}

const branchesOf = (s: JsonSchema) => ((s.anyOf ?? s.oneOf) as JsonSchema[] | undefined)?.filter((b) => b.type !== 'null');

/** Whether a value could belong to a schema, judged by its JSON type only. */
function fits(value: unknown, schema: JsonSchema): boolean {
  const t = typeOf(schema);
  if (t === 'enum') return ((schema.enum as unknown[]) ?? [schema.const]).includes(value);
  if (t === 'integer') return Number.isInteger(value);
  if (t === 'array') return Array.isArray(value);
  if (t === 'object') return value !== null && typeof value === 'object' && !Array.isArray(value);
  return typeof value === t;
}

/**
 * The schema a field should be edited with: anyOf/oneOf branches collapse to the one matching the
 * current value, else the first that has a form; null when none has one (a JSON text box then).
 */
export function resolveSchema(schema: JsonSchema, value?: unknown): JsonSchema | null {
  const branches = branchesOf(schema);
  if (!branches) return schema;
  const { anyOf: _a, oneOf: _o, ...outer } = schema;
  const merge = (b: JsonSchema) => ({ ...outer, ...b, description: outer.description ?? b.description, default: outer.default ?? b.default });
  if (value !== undefined) {
    const match = branches.find((b) => fits(value, b));
    if (match) return hasForm(match) ? merge(match) : null;
  }
  const usable = branches.find(hasForm);
  return usable ? merge(usable) : null;
}

function hasForm(schema: JsonSchema): boolean {
  const k = baseKind(schema);
  return k !== 'json';
}

function itemOf(schema: JsonSchema): FieldSpec['item'] | undefined {
  const items = schema.items as JsonSchema | undefined;
  if (!items || typeof items !== 'object' || Array.isArray(items)) return undefined;
  const t = typeOf(items);
  if (t === 'string' || t === 'number' || t === 'integer' || t === 'enum') return { kind: t, schema: items };
  return undefined;
}

function baseKind(schema: JsonSchema): FieldKind {
  const t = typeOf(schema);
  if (t === 'enum') return 'enum';
  if (t === 'string' || t === 'number' || t === 'integer' || t === 'boolean') return t;
  if (t === 'array') return itemOf(schema) ? 'list' : 'json';
  if (t === 'object') return schema.properties && Object.keys(schema.properties).length ? 'object' : 'json';
  return 'json';
}

const TEMPLATE_NAME = /(template|prompt|system)/i;
const NOT_TEXT = /_(file|path|name|id)$/i;

/** Code fields: templates edit as Jinja, expressions as JSONata; file names stay plain text. */
export function languageFor(name: string, schema: JsonSchema): FieldLanguage | undefined {
  if (NOT_TEXT.test(name)) return undefined;
  if (/expression$/i.test(name)) return 'jsonata';
  if (TEMPLATE_NAME.test(name)) return 'jinja2';
  const d = typeof schema.description === 'string' ? schema.description : '';
  if (/^(inline )?(jinja )?template\b/i.test(d)) return 'jinja2';
  return undefined;
}

function isLongText(schema: JsonSchema): boolean {
  const max = schema.maxLength;
  if (typeof max === 'number' && max > 200) return true;
  const d = typeof schema.description === 'string' ? schema.description : '';
  return /\b(multi-?line|paragraphs?|instructions|long text)\b/i.test(d);
}

/** How a default reads as a placeholder hint. */
export function placeholderOf(schema: JsonSchema): string | undefined {
  if (schema.default === undefined) return undefined;
  const d = schema.default;
  const text = typeof d === 'string' ? d : JSON.stringify(d);
  return text === '{}' || text === '[]' || text === '' ? undefined : `default: ${text}`;
}

export function fieldOf(name: string, raw: JsonSchema, required: boolean, value?: unknown): FieldSpec {
  const resolved = resolveSchema(raw, value);
  const schema = resolved ?? raw;
  let kind: FieldKind = resolved ? baseKind(resolved) : 'json';
  const language = kind === 'string' ? languageFor(name, schema) : undefined;
  if (language) kind = 'code';
  else if (kind === 'string' && isLongText(schema)) kind = 'text';
  const help = typeof raw.description === 'string' ? raw.description : typeof schema.description === 'string' ? schema.description : undefined;
  const resource = kind === 'string' ? resourceOf(schema) ?? resourceOf(raw) : undefined;
  return { name, schema, kind, required, language, help, placeholder: placeholderOf(schema), item: kind === 'list' ? itemOf(schema) : undefined, ...(resource ? { resource } : {}) };
}

/** The fields of an object schema, in the schema's order. */
export function fieldsOf(schema: JsonSchema, value: Record<string, unknown> = {}): FieldSpec[] {
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, s]) => fieldOf(name, s, required.has(name), value[name]));
}

/** Values a form leaves out of the file: nothing typed, an emptied list or group. */
export function isEmptyValue(v: unknown): boolean {
  if (v === undefined || v === '') return true;
  if (Array.isArray(v)) return v.length === 0;
  if (v !== null && typeof v === 'object') return Object.keys(v).length === 0;
  return false;
}

/** Sets one key, removing it when the value is empty; undefined when nothing is left. */
export function setField(obj: Record<string, unknown> | undefined, name: string, value: unknown): Record<string, unknown> | undefined {
  const { [name]: _old, ...rest } = obj ?? {};
  const next = isEmptyValue(value) ? rest : { ...rest, [name]: value };
  return Object.keys(next).length ? next : undefined;
}

export interface Parsed<T> {
  value?: T;
  error?: string;
}

/** A number typed into a field, checked against the schema's bounds; empty text is no value. */
export function parseNumberText(text: string, schema: JsonSchema, integer = typeOf(schema) === 'integer'): Parsed<number> {
  const t = text.trim();
  if (!t) return {};
  const n = Number(t);
  if (!Number.isFinite(n)) return { error: 'not a number' };
  if (integer && !Number.isInteger(n)) return { error: 'must be a whole number' };
  const { minimum, maximum, exclusiveMinimum: xmin, exclusiveMaximum: xmax } = schema as Record<string, unknown>;
  if (typeof minimum === 'number' && n < minimum) return { error: `must be at least ${minimum}` };
  if (typeof maximum === 'number' && n > maximum) return { error: `must be at most ${maximum}` };
  if (typeof xmin === 'number' && n <= xmin) return { error: `must be more than ${xmin}` };
  if (typeof xmax === 'number' && n >= xmax) return { error: `must be less than ${xmax}` };
  return { value: n };
}

/** Bounds worth showing next to a number field, e.g. `0 – 2`. */
export function rangeHint(schema: JsonSchema): string | undefined {
  const lo = typeof schema.minimum === 'number' ? schema.minimum : typeof schema.exclusiveMinimum === 'number' ? `>${schema.exclusiveMinimum}` : undefined;
  const hi = typeof schema.maximum === 'number' ? schema.maximum : typeof schema.exclusiveMaximum === 'number' ? `<${schema.exclusiveMaximum}` : undefined;
  // zod writes safe-integer bounds on every int; they say nothing to a person.
  const real = (x: unknown) => x !== undefined && Math.abs(Number(String(x).replace(/[<>]/, ''))) < Number.MAX_SAFE_INTEGER;
  if (real(lo) && real(hi)) return `${lo} – ${hi}`;
  if (real(lo)) return `≥ ${lo}`.replace('≥ >', '> ');
  if (real(hi)) return `≤ ${hi}`.replace('≤ <', '< ');
  return undefined;
}

/** JSON typed into a fallback box; empty text is no value. */
export function parseJsonText(text: string): Parsed<unknown> {
  if (!text.trim()) return {};
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
}

export function jsonText(value: unknown): string {
  return value === undefined ? '' : JSON.stringify(value, null, 2);
}
