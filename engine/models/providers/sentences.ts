/**
 * Sentence splitting for the extractive answerer: plain rules, no model, so the same text always
 * splits the same way. A line break ends a sentence (lists, headings and table rows are units of
 * their own), except inside hard-wrapped prose: a long line that stops mid-sentence continues on
 * the next unless that one opens a block (list item, heading, quote, table row). Inside a line, `.`, `!` or `?` (plus closing quotes/brackets) followed by
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

/** Wrapped prose lines run to about 60-100 columns; shorter lines are lines on purpose. */
const WRAPPED_MIN = 40;
const ENDS_UNIT = /[.!?:;…]["'”’)\]]*\s*$/;
const OPENS_BLOCK = /^\s*([-*+•>#|]|\d+[.)]\s)/;

/** Lines with hard-wrapped paragraphs joined back into one line each. */
function unwrap(lines: string[]): string[] {
  const out: string[] = [];
  for (const line of lines) {
    const prev = out[out.length - 1];
    const continues = prev !== undefined && prev.trim().length >= WRAPPED_MIN && !ENDS_UNIT.test(prev) && line.trim() !== '' && !OPENS_BLOCK.test(line);
    if (continues) out[out.length - 1] = `${prev.trimEnd()} ${line.trim()}`;
    else out.push(line);
  }
  return out;
}

/** The sentences of `text` in order; pieces without a letter or digit (rules, bullets) are dropped. */
export function splitSentences(text: string): string[] {
  return unwrap(text.split(/\r?\n/))
    .flatMap(splitLine)
    .filter((s) => /[\p{L}\p{N}]/u.test(s));
}
