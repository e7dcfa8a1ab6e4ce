import type { FlowInputDoc, FlowInputType } from '../api/types.ts';

/** What a form field holds: text for every kind but booleans (a checkbox). */
export type FieldValue = string | boolean;

export type FieldKind = 'text' | 'number' | 'boolean' | 'json';

/** The shape hint shown under a chat history field, also its placeholder. */
export const CHAT_HISTORY_HINT = '[{"role":"user","content":"…"},{"role":"assistant","content":"…"}]';

export function inputType(def: FlowInputDoc): FlowInputType {
  // The flow schema defaults an untyped input to string; mirror it so the form matches the engine.
  return def.type ?? 'string';
}

export function fieldKind(def: FlowInputDoc): FieldKind {
  const t = inputType(def);
  if (t === 'string') return 'text';
  if (t === 'number' || t === 'integer') return 'number';
  if (t === 'boolean') return 'boolean';
  return 'json';
}

/** An input the engine may run without: optional, or filled by its default. */
export function isOptional(def: FlowInputDoc): boolean {
  return def.optional === true || def.default !== undefined;
}

/** The field's starting value: the declared default shown the way the field edits it. */
export function initialValue(def: FlowInputDoc): FieldValue {
  const d = def.default;
  switch (fieldKind(def)) {
    case 'boolean':
      return d === true;
    case 'text':
      return d === undefined || d === null ? '' : typeof d === 'string' ? d : JSON.stringify(d);
    case 'number':
      return typeof d === 'number' ? String(d) : '';
    case 'json':
      return d === undefined ? '' : JSON.stringify(d, null, 2);
  }
}

export function initialValues(defs: Record<string, FlowInputDoc> | undefined): Record<string, FieldValue> {
  return Object.fromEntries(Object.entries(defs ?? {}).map(([k, d]) => [k, initialValue(d)]));
}

export type Parsed = { ok: true; value: unknown } | { ok: true; omit: true } | { ok: false; error: string };

const isObj = (v: unknown) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks a parsed JSON value against the declared type, as the engine will (engine/run/flow-inputs.ts). */
function checkJson(type: FlowInputType, v: unknown): string | undefined {
  if (type === 'object' && !isObj(v)) return 'must be a JSON object: {"key": "value"}';
  if ((type === 'array' || type === 'list') && !Array.isArray(v)) return 'must be a JSON list: [ … ]';
  if (type === 'chat_history') {
    if (!Array.isArray(v)) return `must be a list of messages: ${CHAT_HISTORY_HINT}`;
    const bad = v.findIndex((m) => !isObj(m));
    if (bad >= 0) return `message ${bad + 1} must be an object like {"role":"user","content":"…"}`;
  }
  return undefined;
}

/**
 * Turns a field's text into the value sent to the server. An empty optional field is left out, so the
 * engine applies the flow's default rather than the form guessing it.
 */
export function parseField(def: FlowInputDoc, raw: FieldValue): Parsed {
  const type = inputType(def);
  const kind = fieldKind(def);
  if (kind === 'boolean') return { ok: true, value: raw === true };
  const text = typeof raw === 'string' ? raw : String(raw);
  if (kind === 'text') {
    // An empty string is a real value for a required text input; only optional ones may be left out.
    return text === '' && isOptional(def) ? { ok: true, omit: true } : { ok: true, value: text };
  }
  if (text.trim() === '') return isOptional(def) ? { ok: true, omit: true } : { ok: false, error: 'required' };
  if (kind === 'number') {
    const n = Number(text.trim());
    if (!Number.isFinite(n)) return { ok: false, error: 'not a number' };
    if (type === 'integer' && !Number.isInteger(n)) return { ok: false, error: 'must be a whole number' };
    return { ok: true, value: n };
  }
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `invalid JSON: ${(err as Error).message}` };
  }
  const bad = checkJson(type, v);
  return bad ? { ok: false, error: bad } : { ok: true, value: v };
}

/** The run's `inputs` body from the whole form, or the error of each field that cannot be sent. */
export function collectInputs(
  defs: Record<string, FlowInputDoc> | undefined,
  values: Record<string, FieldValue>,
): { inputs: Record<string, unknown>; errors: Record<string, string> } {
  const inputs: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, def] of Object.entries(defs ?? {})) {
    const p = parseField(def, values[name] ?? initialValue(def));
    if (!p.ok) errors[name] = p.error;
    else if ('value' in p) inputs[name] = p.value;
  }
  return { inputs, errors };
}

/** Form values from a past run's inputs (to run again with them), keeping the form's value for any input the run lacks. */
export function valuesFromInputs(
  defs: Record<string, FlowInputDoc> | undefined,
  given: Record<string, unknown>,
  current: Record<string, FieldValue>,
): Record<string, FieldValue> {
  const out: Record<string, FieldValue> = {};
  for (const [name, def] of Object.entries(defs ?? {})) {
    out[name] = name in given ? initialValue({ ...def, default: given[name] }) : (current[name] ?? initialValue(def));
  }
  return out;
}
