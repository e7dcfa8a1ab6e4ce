/**
 * Whether a flow is a chat, and which of its inputs and outputs carry the chat: prompt flow's
 * markers (`is_chat_input`, `is_chat_history` on inputs, `is_chat_output` on an output in object
 * form), or, in a flow without markers, inferred from its names and types. The web app, the
 * editor's chat panel and the deployment settings all ask here, so they never disagree.
 * Pure: reads the parsed document only (the editor may import it).
 */
import type { Problem } from '../errors.ts';

export interface ChatShape {
  /** The input the new message goes to. */
  input: string;
  /** The input the turns so far go to (prompt flow's chat_history shape); null: the flow has none. */
  history: string | null;
  /** The output shown as the answer. */
  output: string;
  /** An output named `citations`, shown as the answer's sources. */
  citations: string | null;
}

export type ChatShapeResult = ({ ok: true } & ChatShape) | { ok: false; reason: string };

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
const INPUT_NAMES = ['question', 'query', 'input', 'chat_input'];
const OUTPUT_NAMES = ['answer', 'output', 'reply'];
const HISTORY_TYPES = new Set(['chat_history', 'list']);

const entries = (v: unknown): [string, unknown][] => (isObj(v) ? Object.entries(v) : []);
const typeOf = (input: unknown): string => (isObj(input) && typeof input.type === 'string' ? input.type : 'string');
const marked = (v: unknown, marker: string): boolean => isObj(v) && v[marker] === true;

/** The flow's chat input, history and output, by marker or by inference; or why it is not a chat. */
export function chatShape(doc: unknown): ChatShapeResult {
  if (!isObj(doc)) return { ok: false, reason: 'the flow is not a mapping' };
  const inputs = entries(doc.inputs);
  const outputs = entries(doc.outputs);
  const citations = outputs.some(([k]) => k === 'citations') ? 'citations' : null;

  const markedInput = inputs.find(([, v]) => marked(v, 'is_chat_input'))?.[0];
  const markedHistory = inputs.find(([, v]) => marked(v, 'is_chat_history'))?.[0];
  const markedOutput = outputs.find(([, v]) => marked(v, 'is_chat_output'))?.[0];
  const histories = inputs.filter(([, v]) => typeOf(v) === 'chat_history').map(([k]) => k);
  const history = markedHistory ?? (histories.length === 1 ? histories[0] : null);

  let input = markedInput;
  if (!input) {
    const strings = inputs.filter(([k, v]) => typeOf(v) === 'string' && k !== history).map(([k]) => k);
    input = INPUT_NAMES.find((n) => strings.includes(n)) ?? (strings.length === 1 ? strings[0] : undefined);
    if (!input) {
      return { ok: false, reason: strings.length ? `no input is marked is_chat_input and none of its string inputs (${strings.join(', ')}) is named ${INPUT_NAMES.join(', ')}` : 'it has no string input for the message (mark one with is_chat_input: true)' };
    }
  }
  let output = markedOutput;
  if (!output) {
    const names = outputs.map(([k]) => k).filter((k) => k !== 'citations');
    output = OUTPUT_NAMES.find((n) => names.includes(n)) ?? (names.length === 1 ? names[0] : undefined);
    if (!output) {
      return { ok: false, reason: names.length ? `no output is marked is_chat_output and none of its outputs (${names.join(', ')}) is named ${OUTPUT_NAMES.join(', ')}` : 'it has no output for the answer (mark one with is_chat_output: true)' };
    }
  }
  // Without markers, a flow is a chat only with its history input: a plain question/answer flow is not.
  if (!history && !(markedInput && markedOutput)) {
    return { ok: false, reason: histories.length > 1 ? `it has ${histories.length} chat_history inputs (${histories.join(', ')}); mark one with is_chat_history: true` : 'it has no chat_history input (add one of type chat_history, or mark its inputs and output with is_chat_input / is_chat_output)' };
  }
  return { ok: true, input, history, output, citations: output === 'citations' ? null : citations };
}

/**
 * The markers' own rules, as flow problems: at most one of each, the history input of a list type,
 * markers only `true` where they mean something. Each problem names the input or output.
 */
export function chatMarkerProblems(doc: unknown): Problem[] {
  if (!isObj(doc)) return [];
  const problems: Problem[] = [];
  const once = (where: 'inputs' | 'outputs', marker: string) => {
    const names = entries(doc[where]).filter(([, v]) => marked(v, marker)).map(([k]) => k);
    for (const name of names.slice(1)) {
      problems.push({ code: 'duplicate_chat_marker', message: `${where}.${name} is marked ${marker}, but ${where}.${names[0]} already is; a flow has at most one`, path: [where, name, marker] });
    }
  };
  once('inputs', 'is_chat_input');
  once('inputs', 'is_chat_history');
  once('outputs', 'is_chat_output');
  for (const [name, v] of entries(doc.inputs)) {
    if (marked(v, 'is_chat_history') && !HISTORY_TYPES.has(typeOf(v))) {
      problems.push({ code: 'invalid_chat_history', message: `inputs.${name} is marked is_chat_history, so its type must be chat_history (or list), not ${typeOf(v)}`, path: ['inputs', name, 'type'] });
    }
    if (marked(v, 'is_chat_input') && marked(v, 'is_chat_history')) {
      problems.push({ code: 'duplicate_chat_marker', message: `inputs.${name} cannot be both the chat input and the chat history`, path: ['inputs', name, 'is_chat_history'] });
    }
  }
  return problems;
}
