/**
 * Which part of a cited passage the answer drew on: the passage's sentences sharing the most words
 * with the answer's sentences that cite it (`[n]`). The chunk's own start/end are offsets in the
 * source document, not in the passage, so the span is found from the words.
 */

export interface Segment {
  text: string;
  marked: boolean;
}

const WORD = /[\p{L}\p{N}]+/gu;
const SHORT = 3;

function words(s: string): Set<string> {
  return new Set((s.toLowerCase().match(WORD) ?? []).filter((w) => w.length >= SHORT));
}

/**
 * Sentences with the whitespace after them, so joining them gives the text back unchanged. A
 * sentence ends at . ! ? before a space, or at a blank line (hard-wrapped lines are one sentence;
 * "1.83" is no end).
 */
export function sentences(text: string): string[] {
  const out: string[] = [];
  let last = 0;
  for (const m of text.matchAll(/[.!?]+(?=\s|$)\s*|\n\s*\n\s*/g)) {
    const end = m.index + m[0].length;
    if (end > last) out.push(text.slice(last, end));
    last = end;
  }
  if (last < text.length) out.push(text.slice(last));
  return out;
}

/** An answer's sentences, with the `[n]` that follow a sentence's full stop given back to it. */
function answerSentences(answer: string): string[] {
  const out: string[] = [];
  for (const s of sentences(answer)) {
    const lead = /^(\s*\[\d+\])+\s*/.exec(s)?.[0];
    if (lead && out.length) {
      out[out.length - 1] += lead;
      if (s.length > lead.length) out.push(s.slice(lead.length));
    } else out.push(s);
  }
  return out;
}

/** The answer's sentences that cite source `n` (all of it when none is marked). */
function citingText(answer: string, n: number | null | undefined): string {
  if (n === null || n === undefined) return answer;
  const tag = `[${n}]`;
  const own = answerSentences(answer).filter((s) => s.includes(tag));
  return (own.length ? own.join(' ') : answer).replace(/\[\d+\]/g, ' ');
}

export function highlightPassage(passage: string, answer: string, n?: number | null): Segment[] {
  const want = words(citingText(answer, n));
  const parts = sentences(passage);
  if (!want.size || !parts.length) return [{ text: passage, marked: false }];
  const scores = parts.map((p) => {
    const w = [...words(p)];
    if (!w.length) return 0;
    const hit = w.filter((x) => want.has(x)).length;
    return hit / Math.sqrt(w.length);
  });
  const best = Math.max(...scores);
  if (best <= 0) return [{ text: passage, marked: false }];
  const segs: Segment[] = [];
  parts.forEach((p, i) => {
    const marked = scores[i] >= best * 0.6;
    const last = segs[segs.length - 1];
    if (last && last.marked === marked) last.text += p;
    else segs.push({ text: p, marked });
  });
  return segs;
}
