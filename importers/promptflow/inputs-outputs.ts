import type { Locator, Report } from './report.ts';
import { rewriteReference } from './references.ts';

/** Prompt flow's value types → Weir's flow input types (engine/flow/schema.ts FLOW_INPUT_TYPES). */
const TYPES: Record<string, string> = {
  string: 'string',
  int: 'integer',
  double: 'number',
  bool: 'boolean',
  list: 'list',
  object: 'object',
  chat_history: 'chat_history',
};

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A literal as prompt flow's type asks: "120" → 120 for int, "true" → true for bool, JSON text for list/object. */
export function coerceValue(v: unknown, pfType: string): { value: unknown; ok: boolean } {
  if (typeof v !== 'string') return { value: v, ok: true };
  const t = v.trim();
  if (pfType === 'int') return /^[+-]?\d+$/.test(t) ? { value: Number(t), ok: true } : { value: v, ok: false };
  if (pfType === 'double') return t !== '' && Number.isFinite(Number(t)) ? { value: Number(t), ok: true } : { value: v, ok: false };
  if (pfType === 'bool') return /^(true|false)$/i.test(t) ? { value: t.toLowerCase() === 'true', ok: true } : { value: v, ok: false };
  if (pfType === 'list' || pfType === 'object') {
    try {
      const parsed: unknown = JSON.parse(t);
      return (pfType === 'list' ? Array.isArray(parsed) : isObj(parsed)) ? { value: parsed, ok: true } : { value: v, ok: false };
    } catch {
      return { value: v, ok: false };
    }
  }
  return { value: v, ok: true };
}

const INPUT_KEYS = new Set(['type', 'default', 'description', 'is_chat_input', 'is_chat_history', 'optional', 'enum']);

/** Flow inputs: types mapped, chat markers and defaults kept; a list input named chat_history in a chat flow gets is_chat_history. */
export function convertInputs(raw: unknown, at: Locator, report: Report): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  if (raw === undefined || raw === null) return out;
  if (!isObj(raw)) {
    report.add('attention', 'flow inputs left out', { ...at(['inputs']), why: 'inputs is not a mapping', todo: 'declare the inputs in the Weir flow' });
    return out;
  }
  for (const [name, spec0] of Object.entries(raw)) {
    const spec = isObj(spec0) ? spec0 : { type: 'string', default: spec0 };
    const pfType = typeof spec.type === 'string' ? spec.type : 'string';
    const input: Record<string, unknown> = {};
    const where = at(['inputs', name]);
    const mapped = TYPES[pfType];
    if (mapped) input.type = mapped;
    else {
      input.type = 'any';
      report.add('attention', `input ${name}: type ${pfType} has no Weir equivalent`, { ...where, target: `inputs.${name}`, why: pfType === 'image' ? 'Weir flows take no image inputs yet' : `prompt flow type ${pfType} is not one Weir knows`, todo: pfType === 'image' ? 'pass an image URL or base64 text as a string input, and change the nodes that read it' : 'pick a Weir input type (string, number, integer, boolean, list, object)' });
    }
    if (spec.description !== undefined) input.description = String(spec.description);
    if (spec.default !== undefined) {
      const c = coerceValue(spec.default, pfType);
      input.default = c.value;
      if (!c.ok) report.add('attention', `input ${name}: default ${JSON.stringify(spec.default)} is not a ${pfType}`, { ...at(['inputs', name, 'default']), target: `inputs.${name}.default`, todo: 'fix the default value' });
    }
    if (spec.is_chat_input === true) input.is_chat_input = true;
    if (spec.is_chat_history === true) input.is_chat_history = true;
    if (spec.optional === true) input.optional = true;
    const extra = Object.keys(spec).filter((k) => !INPUT_KEYS.has(k));
    if (spec.enum !== undefined) extra.push('enum');
    if (extra.length) report.add('changed', `input ${name}: ${extra.join(', ')} dropped`, { ...where, target: `inputs.${name}`, why: 'Weir flow inputs have no such fields' });
    out[name] = input;
    report.add(mapped && mapped !== pfType ? 'changed' : 'converted', `input ${name} (${pfType}${mapped && mapped !== pfType ? ` → ${mapped}` : ''})`, { ...where, target: `inputs.${name}` });
  }
  // Prompt flow takes the input named chat_history as a chat flow's history; Weir asks for the marker.
  const entries = Object.entries(out);
  const chat = entries.some(([, v]) => v.is_chat_input === true);
  const marked = entries.some(([, v]) => v.is_chat_history === true);
  const history = out.chat_history;
  if (chat && !marked && history && (history.type === 'list' || history.type === 'chat_history')) {
    history.is_chat_history = true;
    report.add('changed', 'input chat_history marked is_chat_history', { ...at(['inputs', 'chat_history']), target: 'inputs.chat_history.is_chat_history', why: 'prompt flow treats the input named chat_history as the chat history; Weir reads the marker' });
  }
  return out;
}

const OUTPUT_KEYS = new Set(['type', 'reference', 'description', 'is_chat_output', 'evaluation_only']);

/** Flow outputs: `reference` → the output, `${flow.x}` → `${inputs.x}`, `is_chat_output` kept. */
export function convertOutputs(raw: unknown, at: Locator, report: Report): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (raw === undefined || raw === null) return out;
  if (!isObj(raw)) {
    report.add('attention', 'flow outputs left out', { ...at(['outputs']), why: 'outputs is not a mapping', todo: 'declare the outputs in the Weir flow' });
    return out;
  }
  for (const [name, spec0] of Object.entries(raw)) {
    const where = at(['outputs', name]);
    const spec = isObj(spec0) ? spec0 : { reference: spec0 };
    if (typeof spec.reference !== 'string') {
      report.add('not_converted', `output ${name}`, { ...where, why: 'it has no reference', todo: `add outputs.${name}: \${node.output} to the Weir flow` });
      continue;
    }
    const ref = rewriteReference(spec.reference);
    const o: Record<string, unknown> = { reference: ref.value };
    const t = typeof spec.type === 'string' ? TYPES[spec.type] : undefined;
    if (t) o.type = t;
    if (spec.description !== undefined) o.description = String(spec.description);
    if (spec.is_chat_output === true) o.is_chat_output = true;
    out[name] = o;
    const dropped = Object.keys(spec).filter((k) => !OUTPUT_KEYS.has(k) || k === 'evaluation_only');
    if (ref.changed) report.add('changed', `output ${name}: ${String(spec.reference)} → ${String(ref.value)}`, { ...where, target: `outputs.${name}`, why: 'Weir reads flow inputs as ${inputs.x}' });
    else report.add('converted', `output ${name}`, { ...where, target: `outputs.${name}` });
    if (dropped.length) report.add('changed', `output ${name}: ${dropped.join(', ')} dropped`, { ...where, why: 'Weir flow outputs have no such fields' });
  }
  return out;
}
