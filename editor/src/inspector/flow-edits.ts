/** Edits of the flow's own inputs and outputs, as the inspector's flow settings make them. Pure. */
import type { FlowDoc, FlowInputDoc, FlowInputType, FlowOutputDoc } from '../api/types.ts';
import { rewriteRefs } from '../flow/refs.ts';
import { parseJsonText, parseNumberText, type Parsed } from './schema-utils.ts';

export const INPUT_TYPES: FlowInputType[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'list', 'chat_history', 'any'];

/** Replaces one key of a record keeping its place, so a rename does not move the row. */
function renameKey<T>(rec: Record<string, T>, from: string, to: string): Record<string, T> {
  return Object.fromEntries(Object.entries(rec).map(([k, v]) => [k === from ? to : k, v]));
}

/** Renames a flow input and every `${inputs.<name>…}` reference to it. */
export function renameFlowInput(doc: FlowDoc, from: string, to: string): FlowDoc {
  const inputs = renameKey(doc.inputs ?? {}, from, to);
  const re = (v: unknown) => rewriteRefs(v, (r) => (r.kind === 'input' && r.name === from ? { ...r, name: to } : undefined));
  return { ...doc, inputs, nodes: doc.nodes.map((n) => re(n) as FlowDoc['nodes'][number]), outputs: re(doc.outputs ?? {}) as FlowDoc['outputs'] };
}

export function setFlowInput(doc: FlowDoc, name: string, input: FlowInputDoc): FlowDoc {
  return { ...doc, inputs: { ...doc.inputs, [name]: input } };
}

/** Removes a flow input; references to it stay, for the validator to point at. */
export function removeFlowInput(doc: FlowDoc, name: string): FlowDoc {
  const { [name]: _gone, ...rest } = doc.inputs ?? {};
  return { ...doc, inputs: rest };
}

export function renameOutput(doc: FlowDoc, from: string, to: string): FlowDoc {
  return { ...doc, outputs: renameKey(doc.outputs ?? {}, from, to) };
}

export function removeOutput(doc: FlowDoc, name: string): FlowDoc {
  const { [name]: _gone, ...rest } = doc.outputs ?? {};
  return { ...doc, outputs: rest };
}

/** Sets an output's reference, keeping its type and description when it is written as an object. */
export function setOutputRef(doc: FlowDoc, name: string, reference: string): FlowDoc {
  const prev = doc.outputs?.[name];
  const value: FlowOutputDoc = prev && typeof prev === 'object' ? { ...prev, reference } : reference;
  return { ...doc, outputs: { ...doc.outputs, [name]: value } };
}

export function outputText(o: FlowOutputDoc | undefined): string {
  return o === undefined ? '' : typeof o === 'string' ? o : o.reference;
}

/** A default value as typed in the flow's inputs table. */
export function defaultText(value: unknown, type: FlowInputType | undefined): string {
  if (value === undefined) return '';
  if ((type ?? 'string') === 'string' && typeof value === 'string') return value;
  return JSON.stringify(value);
}

/** Text typed as an input's default → the value, checked against the input's type. */
export function parseDefault(text: string, type: FlowInputType | undefined): Parsed<unknown> {
  const t = type ?? 'string';
  if (t === 'string') return text === '' ? {} : { value: text };
  if (t === 'number' || t === 'integer') return parseNumberText(text, {}, t === 'integer');
  const p = parseJsonText(text);
  if (p.error || p.value === undefined) return p;
  const v = p.value;
  if (t === 'boolean' && typeof v !== 'boolean') return { error: 'true or false' };
  if (t === 'object' && (v === null || typeof v !== 'object' || Array.isArray(v))) return { error: 'a JSON object, e.g. {"a": 1}' };
  if ((t === 'array' || t === 'list' || t === 'chat_history') && !Array.isArray(v)) return { error: 'a JSON array, e.g. []' };
  return p;
}

/** Changing an input's type drops a default the new type cannot hold. */
export function retype(input: FlowInputDoc, type: FlowInputType): FlowInputDoc {
  const next: FlowInputDoc = { ...input, type };
  if (input.default !== undefined && parseDefault(defaultText(input.default, type), type).error) delete next.default;
  return next;
}
