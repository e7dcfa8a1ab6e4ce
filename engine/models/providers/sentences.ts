/**
 * Sentence splitting for the extractive answerer: plain rules, no model, so the same text always
 * splits the same way. A line break always ends a sentence (lists, headings and table rows are
 * units of their own); inside a line, `.`, `!` or `?` (plus closing quotes/brackets) followed by
 * a space ends one when the next word starts like a sentence does.
 */

/** Words that end in a period without ending the sentence ("e.g. Foo", "Dr. Smith"). */
const ABBREVIATIONS = new Set([
  'e.g', 'i.e', 'etc', 'vs', 'cf', 'al', 'approx', 'dr', 'mr', 'mrs', 'ms', 'prof', 'sr', 'jr', 'st',
  'no', 'fig', 'vol', 'inc', 'ltd', 'co', 'corp', 'dept', 'jan', 'feb', 'mar', 'apr', 'jun', 'jul',
  'aug', 'sep', 'sept', 'oct', 'nov', 'dec', 'u.s', 'u.k',
]);

/** End punctuation (with closers), whitespace, then something a sentence can start with. */
const BOUNDARY = /([.!?]+["'”’)\]]*)\s+(?=["'“‘(\[]?[\p{Lu}\p{N}])/gu;

function endsWithAbbreviation(head: string): boolean {
  const last = /(\S+)\.$/.exec(head)?.[1]?.toLowerCase();
  if (!last) return false;
  // A single letter is an initial ("J. Smith"), not the end of a sentence.
  return ABBREVIATIONS.has(last.replace(/^[("'“‘]+/, '')) || /^\p{L}$/u.test(last);
}

function splitLine(line: string): string[] {
  const out: string[] = [];
  let start = 0;
  for (const m of line.matchAll(BOUNDARY)) {
    const end = m.index + m[1].length;
    const head = line.slice(start, end);
    if (m[1] === '.' && endsWithAbbreviation(head)) continue;
    out.push(head.trim());
    start = m.index + m[0].length;
  }
  out.push(line.slice(start).trim());
  return out;
}

/** The sentences of `text` in order; pieces without a letter or digit (rules, bullets) are dropped. */
export function splitSentences(text: string): string[] {
  return text
    .split(/\r?\n/)
    .flatMap(splitLine)
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}
