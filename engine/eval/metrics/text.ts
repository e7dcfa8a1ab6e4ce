/**
 * How the offline metrics read text. Two readings, each named for where it comes from:
 *
 * - `squadNormalize` / `squadTokens`: exactly what SQuAD's official evaluate script (v1.1 and v2.0,
 *   `normalize_answer`) does: lower-case, drop ASCII punctuation (Python's `string.punctuation`),
 *   drop the articles a/an/the as whole words, collapse whitespace. Python 3's `\b` and `str.split()`
 *   are Unicode-aware and JavaScript's are not, so both are spelled out here to match Python:
 *   a word character is a letter, digit or `_`; whitespace is Python's set (it includes \x1c-\x1f and
 *   \x85, and not \ufeff). Non-ASCII punctuation is kept, as SQuAD keeps it.
 * - `wordTokens`: rouge-score's default tokenizer (lower-case, every run of characters other than
 *   [a-z0-9] is a separator, no stemming) made Unicode-aware: runs of letters and digits, so words in
 *   any script count instead of vanishing as they do with rouge-score's ASCII-only pattern.
 */

const PUNCTUATION = new Set('!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~');
const ARTICLES = /(?<![\p{L}\p{N}_])(?:a|an|the)(?![\p{L}\p{N}_])/gu;
const PY_WHITESPACE = /[\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

export function squadNormalize(s: string): string {
  let noPunct = '';
  for (const ch of s.toLowerCase()) if (!PUNCTUATION.has(ch)) noPunct += ch;
  return squadSplit(noPunct.replace(ARTICLES, ' ')).join(' ');
}

/** Python's `str.split()` with no argument: split on runs of whitespace, no empty strings. */
function squadSplit(s: string): string[] {
  return s.split(PY_WHITESPACE).filter((t) => t !== '');
}

/** SQuAD's tokens: the normalised answer split on whitespace (`get_tokens` in the v2.0 script). */
export function squadTokens(s: string): string[] {
  return squadSplit(squadNormalize(s));
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased runs of letters and digits (rouge-score's tokenizer, Unicode-aware). */
export function wordTokens(s: string): string[] {
  return s.toLowerCase().match(WORD) ?? [];
}

/** Multiset of items, as Python's collections.Counter. */
export function countOf<T>(items: readonly T[]): Map<T, number> {
  const m = new Map<T, number>();
  for (const x of items) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

/** Size of the multiset intersection (Counter(a) & Counter(b), summed). */
export function overlapCount<T>(a: readonly T[], b: readonly T[]): number {
  const cb = countOf(b);
  let n = 0;
  for (const [k, v] of countOf(a)) n += Math.min(v, cb.get(k) ?? 0);
  return n;
}
