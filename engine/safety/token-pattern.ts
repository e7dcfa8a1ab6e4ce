/**
 * A tiny pattern language over word tokens, so lexicons read like phrases yet run as Map lookups:
 *   `kill+`        the word and its inflections (kills, killed, killing, killer…)
 *   `you|him|her`  one of these words
 *   `@PERSON`      any word of a class (classes are lists of words, `+` allowed)
 *   `the|a?`       an optional slot
 *   `~3`           up to three other words (never across a sentence end)
 *   `^`            the start of a sentence (first slot only)
 * Every pattern starts with a required word slot, which indexes it: a text is scanned once and only
 * the patterns whose first word occurs are tried there. Gaps are short, so a try is bounded.
 */
export type Slot =
  | { kind: 'words'; words: ReadonlySet<string>; optional: boolean }
  | { kind: 'gap'; max: number };

export interface CompiledPattern {
  /** Whether the pattern must begin a sentence. */
  start: boolean;
  first: ReadonlySet<string>;
  rest: Slot[];
}

export type Classes = Record<string, readonly string[]>;

/** Inflected forms of a word, generously: forms that are not English words never occur, so they cost nothing. */
export function inflect(w: string): string[] {
  const out = [w, `${w}s`, `${w}es`, `${w}ed`, `${w}ing`, `${w}er`, `${w}ers`];
  const last = w[w.length - 1];
  if (last === 'e') {
    const stem = w.slice(0, -1);
    out.push(`${w}d`, `${stem}ing`, `${w}r`, `${w}rs`);
  } else if (last === 'y') {
    const stem = w.slice(0, -1);
    out.push(`${stem}ies`, `${stem}ied`);
  } else if (/[^aeiou][aeiou][bdgklmnprt]$/.test(w)) {
    out.push(`${w}${last}ed`, `${w}${last}ing`, `${w}${last}er`, `${w}${last}ers`);
  }
  return out;
}

function expandWord(word: string, classes: Classes, src: string): string[] {
  if (word.startsWith('@')) {
    const cls = classes[word.slice(1)];
    if (cls === undefined) throw new Error(`safety lexicon: unknown class ${word} in "${src}"`);
    return cls.flatMap((w) => expandWord(w, classes, src));
  }
  return word.endsWith('+') ? inflect(word.slice(0, -1)) : [word];
}

export function compilePattern(src: string, classes: Classes): CompiledPattern {
  const parts = src.trim().split(/\s+/);
  let start = false;
  if (parts[0] === '^') {
    start = true;
    parts.shift();
  }
  const slots: Slot[] = parts.map((p) => {
    const gap = /^~(\d+)$/.exec(p);
    if (gap) return { kind: 'gap', max: Number(gap[1]) };
    const optional = p.endsWith('?');
    const alts = (optional ? p.slice(0, -1) : p).split('|');
    return { kind: 'words', words: new Set(alts.flatMap((a) => expandWord(a, classes, src))), optional };
  });
  const first = slots.shift();
  if (first === undefined || first.kind !== 'words' || first.optional) throw new Error(`safety lexicon: "${src}" must start with a required word`);
  return { start, first: first.words, rest: slots };
}

/** Where a pattern whose first word is at `at` ends (exclusive), or -1. */
export function matchFrom(p: CompiledPattern, toks: readonly string[], sent: readonly number[], at: number): number {
  if (p.start && at > 0 && sent[at - 1] === sent[at]) return -1;
  return matchRest(p.rest, 0, toks, sent, at + 1, sent[at]);
}

function matchRest(slots: Slot[], si: number, toks: readonly string[], sent: readonly number[], ti: number, s: number): number {
  if (si === slots.length) return ti;
  const slot = slots[si];
  if (slot.kind === 'gap') {
    for (let k = 0; k <= slot.max; k++) {
      const t = ti + k;
      if (k > 0 && (t - 1 >= toks.length || sent[t - 1] !== s)) break;
      const r = matchRest(slots, si + 1, toks, sent, t, s);
      if (r >= 0) return r;
    }
    return -1;
  }
  if (ti < toks.length && sent[ti] === s && slot.words.has(toks[ti])) {
    const r = matchRest(slots, si + 1, toks, sent, ti + 1, s);
    if (r >= 0) return r;
  }
  return slot.optional ? matchRest(slots, si + 1, toks, sent, ti, s) : -1;
}

/** Every word a pattern can match, for the normaliser's vocabulary. */
export function patternWords(p: CompiledPattern): string[] {
  const out = [...p.first];
  for (const s of p.rest) if (s.kind === 'words') out.push(...s.words);
  return out;
}
