/**
 * Text → canonical word tokens with sentence numbers, the one pass every lexicon rule reads.
 * Obfuscation is undone only towards words the lexicons know (the vocabulary), so an ordinary
 * word is never rewritten into a flagged one by accident ("as" stays "as", "5 people" keeps its 5):
 *  - Unicode compatibility forms and accents fold away (NFKD, marks dropped), zero-width characters go;
 *  - leetspeak inside a word (`k1ll`, `v3rmin`, `$ex`) is read as letters;
 *  - runs of three or more of a letter (`kiiilll`) are squeezed;
 *  - letters spelled apart (`k i l l`, `k.i.l.l`, `k-i-l-l`) are joined.
 * All of it is linear: one tokenising regex whose alternatives cannot overlap, and Map lookups.
 */
export interface Tokens {
  toks: string[];
  /** Sentence number of each token: rules and context checks never reach across sentences. */
  sent: number[];
}

// Letters, digits and leet symbols, with apostrophes or '!' allowed only between them ("don't", "k!ll").
const TOKEN = /[\p{L}\p{N}@$]+(?:[!'’]+[\p{L}\p{N}@$]+)*/gu;
// The same for text that is all ASCII (lowercased by then): a Unicode-property regex costs several times more.
const TOKEN_ASCII = /[a-z0-9@$]+(?:[!']+[a-z0-9@$]+)*/g;
const INVISIBLE = /[\u00AD\u200B-\u200F\u2060\uFEFF]/g;
const MARKS = /\p{M}+/gu;
const NON_ASCII = /[^\x00-\x7F]/;
const LEET: Record<string, string> = { '0': 'o', '3': 'e', '4': 'a', '5': 's', '7': 't', '8': 'b', '@': 'a', $: 's', '!': 'i' };
/** By character code: a leet symbol (or '1', which is an i or an l). */
const IS_LEET = new Uint8Array(128);
for (const ch of [...Object.keys(LEET), '1']) IS_LEET[ch.charCodeAt(0)] = 1;

const MAX_SPELLED = 16;
const squeeze = (w: string): string => w.replace(/(.)\1+/g, '$1');

export class Normaliser {
  readonly #vocab: ReadonlySet<string>;
  readonly #squeezed = new Map<string, string>();
  /** Every start of a vocabulary word, so spelled-out letters stop being joined as soon as they cannot make one. */
  readonly #prefixes = new Set<string>();

  constructor(vocab: ReadonlySet<string>) {
    this.#vocab = vocab;
    for (const w of vocab) {
      if (!this.#squeezed.has(squeeze(w))) this.#squeezed.set(squeeze(w), w);
      for (let k = 1; k <= Math.min(w.length, MAX_SPELLED); k++) this.#prefixes.add(w.slice(0, k));
    }
  }

  /** The vocabulary word a token stands for, or the token itself. */
  canonical(t: string): string {
    if (this.#vocab.has(t)) return t;
    let leet = false, letter = false, triple = false;
    // Tokens are lowercased: a letter is a-z or any non-ASCII code unit.
    for (let i = 0; i < t.length; i++) {
      const code = t.charCodeAt(i);
      if (code < 128 && IS_LEET[code] === 1) leet = true;
      else if ((code >= 97 && code <= 122) || code > 127) letter = true;
      if (i >= 2 && code === t.charCodeAt(i - 1) && code === t.charCodeAt(i - 2)) triple = true;
    }
    // Most words: nothing to undo, and not in the vocabulary as they are.
    if (!(leet && letter) && !triple) return t;
    const candidates = [t];
    if (leet && letter) {
      const base = t.replace(/[0345789@$!]/g, (c) => LEET[c] ?? c);
      // '1' is an i or an l: try both.
      candidates.push(base.replace(/1/g, 'i'), base.replace(/1/g, 'l'));
    }
    for (const c of candidates) {
      if (this.#vocab.has(c)) return c;
      if (triple) {
        const hit = this.#squeezed.get(squeeze(c));
        if (hit !== undefined) return hit;
      }
    }
    return t;
  }

  tokens(text: string): Tokens {
    let s = text;
    const ascii = !NON_ASCII.test(s);
    if (!ascii) s = s.normalize('NFKD').replace(MARKS, '').replace(INVISIBLE, '');
    s = s.toLowerCase();
    const token = ascii ? TOKEN_ASCII : TOKEN;
    const toks: string[] = [];
    const sent: number[] = [];
    const starts: number[] = [];
    let sentence = 0;
    let prevEnd = 0;
    token.lastIndex = 0;
    for (let m = token.exec(s); m !== null; m = token.exec(s)) {
      if (toks.length > 0 && isBoundary(s, prevEnd, m.index)) sentence++;
      let raw = m[0];
      if (raw.includes("'") || raw.includes('’')) raw = raw.replace(/['’]s$/, '').replace(/['’]/g, '');
      toks.push(this.canonical(raw));
      sent.push(sentence);
      starts.push(m.index);
      prevEnd = m.index + m[0].length;
    }
    if (!this.#joinSpelledOut(toks, sent, starts)) return { toks, sent };
    const keep = (_: unknown, k: number) => toks[k] !== '';
    return { toks: toks.filter(keep), sent: sent.filter(keep) };
  }

  /**
   * Runs of one-character tokens close together ("k i l l", "s.e.x") are joined when the joined word
   * (the longest of three or more letters, from any letter of the run) is in the vocabulary. The letters after the
   * first become empty tokens, dropped by the caller; returns whether any run was joined.
   */
  #joinSpelledOut(toks: string[], sent: number[], starts: number[]): boolean {
    let i = 0;
    let joined = false;
    while (i < toks.length) {
      if (toks[i].length !== 1) { i++; continue; }
      let j = i + 1;
      const limit = Math.min(toks.length, i + MAX_SPELLED);
      while (j < limit && toks[j].length === 1 && sent[j] === sent[i] && starts[j] - starts[j - 1] <= 4) j++;
      // Grow the word letter by letter while it is still the start of a vocabulary word.
      let joinedAt = -1;
      let word = '';
      for (let end = i; end < j; end++) {
        const t = toks[end];
        word += LEET[t] ?? (t === '1' ? 'i' : t);
        if (!this.#prefixes.has(word)) break;
        if (word.length >= 3 && this.#vocab.has(word)) joinedAt = end + 1;
      }
      if (joinedAt > 0) {
        toks[i] = word.slice(0, joinedAt - i);
        toks.fill('', i + 1, joinedAt);
        joined = true;
      }
      i = joinedAt > 0 ? joinedAt : i + 1;
    }
    return joined;
  }
}

/** A sentence ends at ? ! ; a newline, or a full stop followed by a space (so "k.i.l.l" and "3.5" do not). */
function isBoundary(s: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c === 63 || c === 33 || c === 59 || c === 10) return true;
    if (c === 46 && i + 1 < to && s.charCodeAt(i + 1) <= 32) return true;
  }
  return false;
}
