/**
 * The one line a node box shows under its title: what its config says that matters most (the model
 * it calls, the index it searches, how its template starts). Worked out from the config alone; the
 * per-type hints below only choose the order, so a new node type gets a summary without any.
 */

/** Fields that say the most about a node of a type, most telling first. */
const HINTS: Record<string, string[]> = {
  llm: ['deployment', 'connection', 'model', 'template', 'template_file'],
  embed: ['deployment', 'connection', 'model'],
  prompt: ['template', 'template_file'],
  vector_lookup: ['index', 'mode', 'top_k'],
  transform: ['expression'],
  http: ['method', 'url', 'connection'],
  flow: ['flow'],
  metric: ['metric'],
};

/** For any other type: names, then what the node does, in this order. */
const GENERIC = ['deployment', 'connection', 'index', 'flow', 'model', 'metric', 'method', 'url', 'expression', 'template', 'template_file', 'mode'];
/** Values shown bare: the key adds nothing (a deployment's name reads as one). */
const BARE = new Set(['deployment', 'connection', 'index', 'flow', 'model', 'metric', 'method', 'url', 'expression', 'template', 'template_file', 'mode']);
const MAX_PARTS = 3;
const MAX_TEXT = 48;

/** A chat template's role lines (`system:`) say nothing about it: its first line of words does. */
const ROLE = /^\s*(#\s*)?(system|user|assistant)\s*:\s*$/i;

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() && !ROLE.test(l)) ?? '';
  const t = line.trim().replace(/\s+/g, ' ');
  return t.length > MAX_TEXT ? `${t.slice(0, MAX_TEXT - 1)}…` : t;
}

function shown(key: string, value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  let text: string;
  if (typeof value === 'string') text = firstLine(value);
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else return undefined;
  if (!text) return undefined;
  return BARE.has(key) ? text : `${key} ${text}`;
}

/** One line of at most three parts, e.g. `chat · Answer the question using only…`; '' when there is nothing to say. */
export function configSummary(type: string, config: Record<string, unknown> | undefined): string {
  if (!config) return '';
  const order = [...(HINTS[type] ?? GENERIC), ...Object.keys(config)];
  const parts: string[] = [];
  const seen = new Set<string>();
  for (const key of order) {
    if (seen.has(key) || !(key in config)) continue;
    seen.add(key);
    const part = shown(key, config[key]);
    if (part) parts.push(part);
    if (parts.length === MAX_PARTS) break;
  }
  return parts.join(' · ');
}
