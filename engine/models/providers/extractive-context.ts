/**
 * How the extractive answerer reads a prompt: which text is context, how it splits into passages,
 * and which text is the question. Pure functions over strings, so every rule is testable alone.
 *
 * Chat: the question is the last user message; the context is every message before it (system
 * and earlier turns). Templates often put the retrieved chunks and the question into one user
 * message (a template without role lines is one user message), so when the last user message has
 * a blank line or a `[n]` marker line it is split like a completion prompt: its last line is the
 * question and the rest joins the context.
 *
 * Completion: the last line is the question (the last sentence for a one-line prompt); the rest
 * is the context.
 */
import type { ChatMessage } from '../types.ts';
import { splitSentences } from './sentences.ts';

export interface Passage {
  /** 0-based, as `Citation.index` reports it: `label - 1` for numbered chunks. */
  index: number;
  /** The number shown in the answer's `[n]` marker. */
  label: number;
  text: string;
}

export interface PromptParts {
  context: string[];
  question: string;
}

/** `[3]` or `[3]:` opening a line, as retrieval templates number their chunks. */
const MARKER = /^[ \t]*\[(\d{1,4})\][ \t]*:?[ \t]*/gm;
const HAS_MARKER = /^[ \t]*\[\d{1,4}\]/m;
/** Cue lines templates end with ("Answer:"): they are not the question. */
const CUE_LINE = /^\s*(answer|response|a|assistant|output)\s*:\s*$/i;
const QUESTION_LABEL = /^\s*(question|query|q)\s*:\s*/i;

/**
 * Passages of the context. When any text numbers its chunks with `[n]` markers, only those chunks
 * are passages (each runs to the next marker or the end of its text) and the text around them is
 * instructions, never cited. Otherwise every blank-line-separated block is a passage, numbered
 * from 1 in order.
 */
export function splitPassages(texts: string[]): Passage[] {
  if (texts.some((t) => HAS_MARKER.test(t))) return numberedPassages(texts);
  const blocks = texts.flatMap((t) => t.split(/\r?\n[ \t]*\r?\n/)).map((b) => b.trim()).filter(Boolean);
  return blocks.map((text, i) => ({ index: i, label: i + 1, text }));
}

function numberedPassages(texts: string[]): Passage[] {
  const found: { label: number; text: string }[] = [];
  for (const t of texts) {
    const marks = [...t.matchAll(MARKER)];
    marks.forEach((m, i) => {
      const text = t.slice(m.index + m[0].length, marks[i + 1]?.index ?? t.length).trim();
      if (text) found.push({ label: Number(m[1]), text });
    });
  }
  // Chunks numbered from [0] are 0-based already.
  const base = found.some((p) => p.label === 0) ? 0 : 1;
  return found.map((p) => ({ index: p.label - base, label: p.label, text: p.text }));
}

function cleanQuestion(q: string): string {
  return q.replace(QUESTION_LABEL, '').trim();
}

/** A completion prompt: the last line (or the last sentence of a one-line prompt) asks. */
export function splitPrompt(prompt: string): PromptParts {
  const lines = prompt.split(/\r?\n/);
  let last = lines.length - 1;
  while (last >= 0 && (!lines[last].trim() || CUE_LINE.test(lines[last]))) last--;
  if (last < 0) return { context: [], question: '' };
  // A prompt that ends in a numbered chunk asks nothing: it is all context.
  if (HAS_MARKER.test(lines[last])) return { context: [prompt], question: '' };
  const before = lines.slice(0, last).join('\n').trim();
  if (before) return { context: [before], question: cleanQuestion(lines[last]) };
  const sentences = splitSentences(lines[last]);
  if (sentences.length < 2) return { context: [], question: cleanQuestion(lines[last]) };
  return { context: [sentences.slice(0, -1).join(' ')], question: cleanQuestion(sentences[sentences.length - 1]) };
}

export function splitChat(messages: ChatMessage[]): PromptParts {
  let q = messages.length - 1;
  while (q >= 0 && messages[q].role !== 'user') q--;
  const earlier = messages.slice(0, Math.max(q, 0)).map((m) => m.content);
  if (q < 0) return { context: messages.map((m) => m.content), question: '' };
  const last = messages[q].content;
  if (/\n[ \t]*\n/.test(last.trim()) || HAS_MARKER.test(last)) {
    const parts = splitPrompt(last);
    return { context: [...earlier, ...parts.context], question: parts.question };
  }
  return { context: earlier, question: cleanQuestion(last) };
}
