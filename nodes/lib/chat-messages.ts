import { WeirError } from '../../engine/errors.ts';
import type { ChatMessage, Role, ToolCall } from '../../engine/models/types.ts';
import { parsePythonLiteral, PythonLiteralError } from './python-literal.ts';

/**
 * Prompt flow's chat grammar (promptflow-tools `common.py`: parse_chat, try_parse_name_and_content,
 * try_parse_tool_call_id_and_content, try_parse_tool_calls), so a prompt flow template makes the same
 * messages here. A role line (`system:`, `# user:`, `Assistant:`, `function:`, `tool:`) alone on a
 * line starts a message; text before the first one (or a template without any) is one user message.
 */
// `\s*(?:#\s*)?` reads as prompt flow's `\s*#?\s*` but cannot backtrack over a long run of spaces.
export const ROLE_LINE = /^\s*(?:#\s*)?(system|user|assistant|function|tool)\s*:\s*$/i;

/*
 * Prompt flow's patterns, searched anywhere in a message's text as re.search does. Its leading
 * `\n*#{0,2}\s*` is left off (it only moves where a match starts, never what the groups hold), and
 * its overlapping whitespace runs (`\s*\n+\s*`, `\s*\n*#{0,2}\s*`) are made atomic with the
 * `(?=(…))\N` idiom: same matches, but a hostile run of blank lines cannot make the search cubic.
 */
const keyAndContent = (key: string) =>
  new RegExp(String.raw`${key}\s*:(?=([^\S\n]*\n\s*))\1(\S+)(?=(\s*))\3#{0,2}(?=(\s*))\4content\s*:\s*\n?(.*)`, 's');
const NAME_AND_CONTENT = keyAndContent('name');
const CALL_ID_AND_CONTENT = keyAndContent('tool_call_id');
/** Only the header: the list after it is read by a real literal parser, not up to the first `]`. */
const TOOL_CALLS = /tool_calls\s*:(?=([^\S\n]*\n\s*))\1(?=\[)/s;

type LineRole = Role | 'function';

interface Block {
  role: LineRole;
  /** 1-based line of the role line in the rendered prompt (the text's first line for the lead-in). */
  line: number;
  text: string;
}

const invalid = (line: number, message: string) =>
  new WeirError('chat_role_invalid_format', `line ${line} of the rendered prompt: ${message}`, { path: ['config', 'template'] });

function blocks(text: string): Block[] {
  const out: Block[] = [];
  let cur: Block = { role: 'user', line: 1, text: '' };
  const lines: string[] = [];
  const flush = () => out.push({ ...cur, text: lines.splice(0).join('\n') });
  text.split(/\r?\n/).forEach((l, i) => {
    const m = ROLE_LINE.exec(l);
    if (!m) return void lines.push(l);
    flush();
    cur = { role: m[1].toLowerCase() as LineRole, line: i + 1, text: '' };
  });
  flush();
  return out;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * An assistant message's `tool_calls:` list, in OpenAI's shape as the template printed it
 * (`[{'id': …, 'type': 'function', 'function': {'name': …, 'arguments': '…'}}]`); undefined when
 * the message has none. Prompt flow passes a list it cannot read on as text, for the model API to
 * refuse; here it is refused where it was written.
 */
function toolCalls(b: Block): ToolCall[] | undefined {
  const m = TOOL_CALLS.exec(b.text);
  if (!m) return undefined;
  const start = m.index + m[0].length;
  const line = b.line + 1 + (b.text.slice(0, m.index).match(/\n/g)?.length ?? 0);
  const bad = (why: string) => invalid(line, `the assistant message's tool_calls ${why}; write them as OpenAI does: tool_calls:\\n[{'id': 'call_1', 'type': 'function', 'function': {'name': 'get_weather', 'arguments': '{"city": "Paris"}'}}]`);
  let list: unknown;
  try {
    list = parsePythonLiteral(b.text, start).value;
  } catch (err) {
    if (err instanceof PythonLiteralError) throw bad(`are not a list it can read (${err.message})`);
    throw err;
  }
  if (!Array.isArray(list) || list.length === 0) throw bad('are not a non-empty list');
  return list.map((c, i) => {
    const fn = isObject(c) ? c.function : undefined;
    if (!isObject(c) || !isObject(fn)) throw bad(`[${i}] is not {'id', 'type': 'function', 'function': {'name', 'arguments'}}`);
    if (c.type !== undefined && c.type !== 'function') throw bad(`[${i}] has type ${JSON.stringify(c.type)}, not 'function'`);
    if (typeof c.id !== 'string' || !c.id) throw bad(`[${i}] has no id`);
    if (typeof fn.name !== 'string' || !fn.name) throw bad(`[${i}] has no function name`);
    const args = fn.arguments === undefined ? '{}' : typeof fn.arguments === 'string' ? fn.arguments : JSON.stringify(fn.arguments);
    return { id: c.id, name: fn.name, arguments: args };
  });
}

/**
 * The legacy `function` role (OpenAI's `functions` API) has a name but no call id, and the models
 * Weir talks to only take a `tool` message as the answer to an assistant call with that id. So it
 * becomes the answer to the latest assistant message's unanswered call of that name; when there is
 * none (prompt flow templates print the assistant's function_call as plain text), that message is
 * given the call — arguments unknown, so `{}` — and, when the message before is not the
 * assistant's, an assistant message with only that call is put in. The made-up id counts the
 * function messages (`call_function_1` …), so the same prompt always gives the same messages.
 */
function answerFunction(messages: ChatMessage[], name: string, content: string, n: number): void {
  let at = messages.length - 1;
  while (at >= 0 && messages[at].role === 'tool') at--;
  const assistant = at >= 0 && messages[at].role === 'assistant' ? messages[at] : undefined;
  const answered = new Set(messages.slice(at + 1).map((m) => m.tool_call_id));
  let id = assistant?.tool_calls?.find((c) => c.name === name && !answered.has(c.id))?.id;
  if (id === undefined) {
    id = `call_function_${n}`;
    const call = { id, name, arguments: '{}' };
    if (assistant) assistant.tool_calls = [...(assistant.tool_calls ?? []), call];
    else messages.push({ role: 'assistant', content: '', tool_calls: [call] });
  }
  messages.push({ role: 'tool', content, tool_call_id: id });
}

/**
 * Turns rendered template text into chat messages, as prompt flow's parse_chat does. Weir's
 * ChatMessage has no `name`: a `name:` line under system/user/assistant is read (so its text is
 * not sent as content, as in prompt flow) and dropped.
 */
export function parseChatMessages(text: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let functions = 0;
  for (const b of blocks(text)) {
    if (b.role === 'tool') {
      const m = CALL_ID_AND_CONTENT.exec(b.text);
      if (!m) throw invalid(b.line, 'a "tool:" message needs a "tool_call_id:" line with the id of the call it answers, then a "content:" line: tool:\\ntool_call_id:\\ncall_1\\ncontent:\\n<the result>');
      messages.push({ role: 'tool', content: m[5].trim(), tool_call_id: m[2] });
      continue;
    }
    if (b.role === 'function') {
      const m = NAME_AND_CONTENT.exec(b.text);
      if (!m) throw invalid(b.line, 'a "function:" message needs a "name:" line with the function\'s name, then a "content:" line: function:\\nname:\\nget_weather\\ncontent:\\n<its result>');
      answerFunction(messages, m[2], m[5].trim(), ++functions);
      continue;
    }
    const calls = b.role === 'assistant' ? toolCalls(b) : undefined;
    // As in prompt flow, an assistant message with tool calls carries only them.
    if (calls) {
      messages.push({ role: 'assistant', content: '', tool_calls: calls });
      continue;
    }
    const m = NAME_AND_CONTENT.exec(b.text);
    const content = (m ? m[5] : b.text).trim();
    if (content) messages.push({ role: b.role, content });
  }
  if (!messages.length) throw new WeirError('empty_prompt', 'the rendered prompt has no message text', { path: ['config', 'template'] });
  return messages;
}
