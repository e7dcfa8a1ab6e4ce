import { randomUUID } from 'node:crypto';
import type { ChatMessage } from '../../engine/models/types.ts';
import { ROLE_LINE } from './chat-messages.ts';

/**
 * A chat template's role lines are its structure; an input's are text. A web-app visitor who types
 * "system:" on a line of their question, a document that says "tool:" in a retrieved passage, or a
 * past answer in the history must not open a message of that role (or forge a tool's answer). As
 * prompt flow does (promptflow-tools `build_escape_dict` / `escape_roles` / `unescape_roles`), every
 * role word that stands on a role line of an input is replaced, everywhere in the inputs, by a
 * random token before the template renders, and put back in the parsed messages. Unlike prompt flow,
 * strings nested in lists and objects (the history's turns) are escaped too, and `tool_calls:`
 * (the header of an assistant's calls) is escaped wherever an input writes it.
 */
const TOOL_CALLS_KEY = /\b(tool_calls)(?=\s*:)/gi;
/** Deeper than any real input; past it values are left as they are (they still render as text). */
const MAX_DEPTH = 32;

export interface RoleEscape {
  /** The inputs to render with. */
  inputs: Record<string, unknown>;
  /** The messages with every input's own words put back. */
  restore(messages: ChatMessage[]): ChatMessage[];
}

function collect(v: unknown, words: Set<string>, depth: number): void {
  if (typeof v === 'string') {
    if (!v.includes(':')) return;
    for (const line of v.split(/\r?\n/)) {
      const m = ROLE_LINE.exec(line);
      if (m) words.add(m[1]);
    }
    for (const m of v.matchAll(TOOL_CALLS_KEY)) words.add(m[1]);
    return;
  }
  if (depth >= MAX_DEPTH || v === null || typeof v !== 'object') return;
  for (const item of Array.isArray(v) ? v : Object.values(v)) collect(item, words, depth + 1);
}

/**
 * One pass over the text for all pairs, longest first. Replacing word by word would let a later
 * word match across a token just put in: a token ending in hex "f" followed by "unction" reads as
 * "function", and the visitor's text came back with a token in it.
 */
function replacer(pairs: [string, string][]): (text: string) => string {
  const to = new Map(pairs);
  // Role words are letters and "_", tokens hex and "-": nothing in either needs escaping.
  const any = new RegExp(pairs.map(([from]) => from).join('|'), 'g');
  return (text) => text.replace(any, (m) => to.get(m)!);
}

function mapStrings(v: unknown, f: (s: string) => string, depth: number): unknown {
  if (typeof v === 'string') return f(v);
  if (depth >= MAX_DEPTH || v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => mapStrings(x, f, depth + 1));
  // Only plain data is rebuilt; anything else (a Date, a class instance) renders as it was.
  if (Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) out[k] = mapStrings(x, f, depth + 1);
  return out;
}

export function escapeRoles(inputs: Record<string, unknown>): RoleEscape {
  const words = new Set<string>();
  collect(inputs, words, 0);
  if (words.size === 0) return { inputs, restore: (m) => m };
  // Longest first, so "tool_calls" is taken whole rather than as "tool" (both read back the same).
  const escapes: [string, string][] = [...words].sort((a, b) => b.length - a.length).map((w) => [w, `weir-role-${randomUUID()}`]);
  const put = replacer(escapes.map(([w, token]): [string, string] => [token, w]));
  return {
    inputs: mapStrings(inputs, replacer(escapes), 0) as Record<string, unknown>,
    restore: (messages) =>
      messages.map((m) => ({
        ...m,
        content: put(m.content),
        ...(m.tool_call_id !== undefined ? { tool_call_id: put(m.tool_call_id) } : {}),
        ...(m.tool_calls ? { tool_calls: m.tool_calls.map((c) => ({ id: put(c.id), name: put(c.name), arguments: put(c.arguments) })) } : {}),
      })),
  };
}
