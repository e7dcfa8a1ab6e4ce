/**
 * The extractive answer: rank the context's sentences against the question with the embedding
 * model, keep the few that clear a similarity floor, put them back in reading order with their
 * passage markers, then cut the text at a stop sequence or the token budget.
 */
import { WeirError } from '../../errors.ts';
import type { Citation, FinishReason, LoadedModel } from '../types.ts';
import type { Passage } from './extractive-context.ts';
import { cosine } from './cosine.ts';
import { splitSentences } from './sentences.ts';

export type Embedder = Pick<LoadedModel, 'tokenize'> &
  Required<Pick<LoadedModel, 'embed'>> & {
    /**
     * Each text's cosine similarity to `query`, where the embedder can compute it next to the
     * vectors (USE lite, in its compute threads: only the scores come back to this thread).
     */
    similarities?(query: string, texts: string[], opts?: { signal?: AbortSignal }): Promise<number[]>;
  };

export const FALLBACK_ANSWER = 'I can only answer from the context I am given, and it does not cover this.';

/**
 * Cosine floors measured with USE lite: a sentence that answers a question scores ~0.4–0.75
 * against it, unrelated sentences ~-0.05–0.27, so below 0.3 nothing is relevant. Near misses
 * score high too ("Paris is the capital of France" gets 0.59 for the capital of Germany, whose
 * answer gets 0.77), so a sentence also has to reach 80% of the best score: a short answer that
 * is right beats a longer one padded with neighbours.
 */
export const SIMILARITY_FLOOR = 0.3;
export const RELATIVE_FLOOR = 0.8;
export const MAX_SENTENCES = 3;

export interface Picked {
  passage: Passage;
  sentence: string;
  /** Reading order: passage order, then sentence order within it. */
  order: number;
  score: number;
}

export interface AnswerPlan {
  /** One per sentence, each with its marker; joined by single spaces. */
  pieces: { text: string; citation?: Citation }[];
  /** Characters of the joined pieces that are sent. */
  length: number;
  finishReason: FinishReason;
}

/** The sentences that answer `question`, best first (ties keep reading order). */
export async function rankSentences(embedder: Embedder, question: string, passages: Passage[], signal?: AbortSignal): Promise<Picked[]> {
  const seen = new Set<string>();
  const candidates: Omit<Picked, 'score'>[] = [];
  for (const passage of passages) {
    for (const sentence of splitSentences(passage.text)) {
      // The same sentence in two chunks is one candidate, cited where it first appears.
      if (seen.has(sentence)) continue;
      seen.add(sentence);
      candidates.push({ passage, sentence, order: candidates.length });
    }
  }
  if (!question.trim() || !candidates.length) return [];
  const scores = await similarities(embedder, question, candidates.map((c) => c.sentence), signal);
  const scored = candidates.map((c, i) => ({ ...c, score: scores[i] }));
  scored.sort((a, b) => b.score - a.score || a.order - b.order);
  const best = scored[0].score;
  const floor = Math.max(SIMILARITY_FLOOR, best * RELATIVE_FLOOR);
  return scored.filter((s) => s.score >= floor).slice(0, MAX_SENTENCES);
}

async function similarities(embedder: Embedder, question: string, sentences: string[], signal?: AbortSignal): Promise<number[]> {
  if (embedder.similarities) {
    const scores = await embedder.similarities(question, sentences, { signal });
    if (scores.length === sentences.length) return scores;
    throw new WeirError('embedder_failed', `the embedder returned ${scores.length} scores for ${sentences.length} texts`, { status: 500 });
  }
  const { vectors } = await embedder.embed([question, ...sentences], { signal });
  if (vectors.length !== sentences.length + 1) {
    throw new WeirError('embedder_failed', `the embedder returned ${vectors.length} vectors for ${sentences.length + 1} texts`, { status: 500 });
  }
  return sentences.map((_, i) => cosine(vectors[0], vectors[i + 1]));
}

const piece = (p: Picked) => `${p.sentence} [${p.passage.label}]`;

/** Longest prefix of `text` (whole words when possible) of at most `max` tokens. */
async function fitTokens(text: string, max: number, tokenize: Embedder['tokenize']): Promise<number> {
  if (max <= 0) return 0;
  const count = async (end: number) => (await tokenize(text.slice(0, end))).length;
  if ((await count(text.length)) <= max) return text.length;
  const longest = async (cuts: number[]) => {
    let lo = 0;
    let hi = cuts.length - 1;
    let found = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if ((await count(cuts[mid])) <= max) {
        found = cuts[mid];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
  const wordEnds = [...text.matchAll(/\S(?=\s)/g)].map((m) => m.index + 1);
  const words = await longest(wordEnds);
  if (words > 0) return words;
  // Even the first word is over budget: cut inside it rather than say nothing.
  const firstWord = wordEnds[0] ?? text.length;
  const charEnds: number[] = [];
  let end = 0;
  for (const ch of text.slice(0, firstWord)) charEnds.push((end += ch.length));
  return longest(charEnds);
}

/**
 * Lays out the answer: with a small budget fewer sentences are kept (best first) so the budget
 * goes to the best one; then the text is cut at the first stop sequence or at the budget,
 * whichever comes first.
 */
export async function planAnswer(
  picked: Picked[],
  opts: { maxTokens?: number; stop?: string[] },
  tokenize: Embedder['tokenize'],
): Promise<AnswerPlan> {
  let kept = picked;
  let reduced = false;
  if (opts.maxTokens !== undefined && picked.length > 1) {
    let used = 0;
    kept = [];
    for (const p of picked) {
      const n = (await tokenize(piece(p))).length;
      if (kept.length && used + n > opts.maxTokens) {
        reduced = true;
        break;
      }
      kept.push(p);
      used += n;
    }
  }
  const ordered = [...kept].sort((a, b) => a.order - b.order);
  const pieces = ordered.length
    ? ordered.map((p) => ({ text: piece(p), citation: { index: p.passage.index, text: p.sentence } }))
    : [{ text: FALLBACK_ANSWER }];
  const full = pieces.map((p) => p.text).join(' ');

  let stopAt = -1;
  for (const s of opts.stop ?? []) {
    const i = s ? full.indexOf(s) : -1;
    if (i !== -1 && (stopAt === -1 || i < stopAt)) stopAt = i;
  }
  const budgetAt = opts.maxTokens === undefined ? full.length : await fitTokens(full, opts.maxTokens, tokenize);
  if (stopAt !== -1 && stopAt <= budgetAt) return { pieces, length: stopAt, finishReason: 'stop' };
  if (budgetAt < full.length) return { pieces, length: budgetAt, finishReason: 'length' };
  return { pieces, length: full.length, finishReason: reduced ? 'length' : 'stop' };
}
