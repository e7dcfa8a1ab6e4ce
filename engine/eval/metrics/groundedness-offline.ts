import { WeirError } from '../../errors.ts';
import { wordTokens } from './text.ts';

/** Default share of a sentence's content words a passage must contain for it to support the sentence. */
export const DEFAULT_SUPPORT_THRESHOLD = 0.5;
/**
 * Answer tokens × passages (the work of the overlap search) past which the check is refused with
 * metric_input_too_large rather than holding the event loop (10M, each word in every passage, take about 70 ms here).
 */
export const MAX_SUPPORT_WORK = 10_000_000;

/**
 * Words that carry no claim: a sentence and a passage sharing only these say nothing about each
 * other. Kept short and English on purpose (articles, auxiliaries, pronouns, prepositions).
 */
const STOPWORDS = new Set(
  ('a an the and or but if then so of in on at to for from by with as into about over under is are was were be been being ' +
    'am do does did has have had it its this that these those there here i you he she we they me him her us them my your ' +
    'his our their not no yes can will would should could may might must also than too very just').split(' '),
);

export interface SentenceSupport {
  sentence: string;
  /** The best share of the sentence's content words found in one passage. */
  overlap: number;
  /** Index of that passage in the context (null when the context has none). */
  passage: number | null;
}

export interface GroundednessResult {
  score: number | null;
  supported: number;
  total: number;
  unsupported_sentences: SentenceSupport[];
  threshold: number;
  reason?: string;
}

/**
 * Sentences: split after . ! ? (and their full-width forms, and …) followed by whitespace, and at
 * line breaks. A decimal point or an abbreviation inside a word ("3.5", "e.g.x") is not a boundary.
 */
export function splitSentences(text: string): string[] {
  return text
    .split(/(?<=[.!?。！？…])\s+|\n+/u)
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** A context as passages: a list is its items; a single text is split at blank lines. */
export function passagesOf(context: string | readonly string[]): string[] {
  const list = typeof context === 'string' ? context.split(/\n\s*\n/) : [...context];
  return list.map((p) => p.trim()).filter((p) => p !== '');
}

const contentWords = (s: string) => new Set(wordTokens(s).filter((t) => !STOPWORDS.has(t)));

/**
 * The offline stand-in for an LLM groundedness judge: the share of the answer's sentences that some
 * passage of the context supports. A sentence is supported when one passage contains at least
 * `threshold` of its distinct content words (wordTokens without stopwords). A sentence with no
 * content words ("Yes.") makes no claim and is not counted. No checkable sentence at all: score null,
 * with the reason. Lexical, so a paraphrase can read as unsupported; the unsupported sentences are
 * listed with their best overlap so a reader can judge.
 */
export function groundednessOffline(answer: string, context: string | readonly string[], threshold = DEFAULT_SUPPORT_THRESHOLD): GroundednessResult {
  const passages = passagesOf(context).map(contentWords);
  const sentences = splitSentences(answer)
    .map((sentence) => ({ sentence, words: contentWords(sentence) }))
    .filter((s) => s.words.size > 0);
  const work = sentences.reduce((n, s) => n + s.words.size, 0) * passages.length;
  if (work > MAX_SUPPORT_WORK) {
    throw new WeirError(
      'metric_input_too_large',
      `groundedness_offline checks at most ${MAX_SUPPORT_WORK.toLocaleString('en')} word × passage pairs; this answer and context make ${work.toLocaleString('en')}`,
      { path: ['inputs', 'context'] },
    );
  }
  const base = { threshold, supported: 0, total: sentences.length, unsupported_sentences: [] as SentenceSupport[] };
  if (sentences.length === 0) return { ...base, score: null, reason: 'the answer has no sentence with a content word to check' };
  // Word → the passages holding it: a sentence's matches per passage are then counted with array
  // increments (a few ns each) instead of a string Set lookup per word and passage (~60 ns).
  const holding = new Map<string, number[]>();
  passages.forEach((words, i) => {
    for (const w of words) {
      const list = holding.get(w);
      if (list) list.push(i);
      else holding.set(w, [i]);
    }
  });
  const found = new Int32Array(passages.length);
  for (const { sentence, words } of sentences) {
    found.fill(0);
    for (const w of words) for (const i of holding.get(w) ?? []) found[i]++;
    let at: number | null = passages.length ? 0 : null;
    for (let i = 1; i < found.length; i++) if (found[i] > found[at!]) at = i;
    const best = at === null ? 0 : found[at] / words.size;
    if (at !== null && best >= threshold) base.supported++;
    else base.unsupported_sentences.push({ sentence, overlap: best, passage: at });
  }
  return { ...base, score: base.supported / base.total };
}
