import type { FlowDoc } from '../api/types.ts';

export interface History {
  past: FlowDoc[];
  present: FlowDoc;
  future: FlowDoc[];
  /** What the last edit was (e.g. `config:greet.template`): typing into one field is one undo step. */
  lastKey?: string;
  lastAt?: number;
}

const LIMIT = 200;
const MERGE_MS = 1500;

export function start(doc: FlowDoc): History {
  return { past: [], present: doc, future: [] };
}

/** Records an edit. Edits with the same key in quick succession merge into one step. */
export function record(h: History, next: FlowDoc, key?: string, now = Date.now()): History {
  if (next === h.present) return h;
  if (key && key === h.lastKey && h.lastAt !== undefined && now - h.lastAt < MERGE_MS) {
    return { ...h, present: next, future: [], lastAt: now };
  }
  const past = h.past.length >= LIMIT ? [...h.past.slice(1), h.present] : [...h.past, h.present];
  return { past, present: next, future: [], lastKey: key, lastAt: now };
}

export function undo(h: History): History {
  if (!h.past.length) return h;
  return { past: h.past.slice(0, -1), present: h.past[h.past.length - 1], future: [h.present, ...h.future] };
}

export function redo(h: History): History {
  if (!h.future.length) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1) };
}
