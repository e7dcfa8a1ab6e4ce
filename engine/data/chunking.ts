/**
 * Chunking: a loaded document into passages sized for an embedding model. Structure first
 * (sections, then paragraphs, then sentences), then size: consecutive sentences are packed up
 * to `maxTokens` as counted by the embedding model's own tokenizer, and a paragraph that fits in
 * a chunk is never split between two. A sentence is only cut when it alone is too long: at line
 * breaks, then between words, and a word longer than a chunk by characters. Consecutive chunks
 * of a section share up to `overlapTokens` of trailing sentences, so a fact at a chunk edge is
 * still found with its context. Chunks never cross sections: a chunk has one heading path and
 * one page.
 *
 * Every chunk's text is exactly `doc.fullText.slice(start, end)`, so citations can point at the
 * source; `hash` (of whitespace/Unicode-normalized text) lets identical content be skipped.
 * Same document + same tokenizer = same chunks.
 */
import { createHash } from 'node:crypto';
import { InputError } from '../errors.ts';
import type { LoadedDocument, MetadataValue, Section } from './loaders/types.ts';

export interface Chunk {
  /** 0-based position in the document. */
  index: number;
  text: string;
  headingPath: string[];
  title: string;
  /** The document's file name. */
  source: string;
  page?: number;
  /** Character span in the document's fullText. */
  start: number;
  end: number;
  /** Token count of `text` by the given tokenizer (always <= maxTokens). */
  tokens: number;
  /** sha256 hex of the normalized text. */
  hash: string;
  /** The section's record fields (json, jsonl, csv). */
  metadata?: Record<string, MetadataValue>;
}

export interface ChunkOptions {
  tokenize: (text: string) => Promise<number[]> | number[];
  maxTokens: number;
  overlapTokens: number;
}

/** A sentence (or a piece of an overlong one): a span in fullText with its token count. */
interface Unit {
  start: number;
  end: number;
  tokens: number;
  /** First unit of a paragraph: the preferred place to end a chunk. */
  paraStart: boolean;
}

/** NFKC + collapsed whitespace, so the same words typed or extracted differently hash alike. */
export function normalizeForHash(text: string): string {
  return text.normalize('NFKC').replace(/\s+/g, ' ').trim();
}

export function hashText(text: string): string {
  return createHash('sha256').update(normalizeForHash(text)).digest('hex');
}

/** Trimmed, non-empty [start, end) pieces of text[from, to) cut after each match of `re`. */
function cut(text: string, from: number, to: number, re: RegExp): [number, number][] {
  const out: [number, number][] = [];
  const push = (s: number, e: number) => {
    while (s < e && /\s/.test(text[s])) s++;
    while (e > s && /\s/.test(text[e - 1])) e--;
    if (e > s) out.push([s, e]);
  };
  const part = text.slice(from, to);
  let s = 0;
  for (const m of part.matchAll(re)) {
    const e = m.index + m[0].length;
    push(from + s, from + e);
    s = e;
  }
  push(from + s, to);
  return out;
}

const PARAGRAPH_BREAK = /\n[ \t]*\n/g;
/**
 * After ., !, ? or … (and closing quotes/brackets) followed by white space, or after CJK 。！？.
 * A single line break is not a sentence end: prose is often hard-wrapped (plain text, PDF lines).
 */
const SENTENCE_END = /[.!?…]+["'”’»)\]]*(?=\s)|[。！？]+[」』）〕”’]*/g;
/** How an overlong sentence is cut, coarsest first: at line breaks, then between words. */
const SPLITTERS = [/\n/g, /\s+/g];

/** Longer pieces are not counted (see `fitting`); real tokens average 3-6 characters. */
const MAX_CHARS_PER_TOKEN = 32;

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;

export async function chunkDocument(doc: LoadedDocument, opts: ChunkOptions): Promise<Chunk[]> {
  const { maxTokens: max, overlapTokens: overlap } = opts;
  if (!Number.isInteger(max) || max < 1) throw new InputError(`maxTokens must be a positive integer, got ${max}`);
  if (!Number.isInteger(overlap) || overlap < 0 || overlap >= max) {
    throw new InputError(`overlapTokens must be an integer from 0 to maxTokens - 1, got ${overlap}`);
  }
  const text = doc.fullText;
  const count = async (s: string) => (await opts.tokenize(s)).length;
  /**
   * Whether a piece may fit in a chunk, and its count if so. A piece over `MAX_CHARS_PER_TOKEN`
   * characters a token is taken as too long without counting it: some tokenizers are quadratic in
   * the length of a word (a base64 image in markdown is one 100 KB word), and such a piece is
   * split anyway. Splitting one that would have fitted only makes smaller chunks.
   */
  const fitting = async (s: number, e: number): Promise<number | undefined> => {
    if (e - s > max * MAX_CHARS_PER_TOKEN) return undefined;
    const n = await count(text.slice(s, e));
    return n <= max ? n : undefined;
  };
  const chunks: Chunk[] = [];

  /**
   * Units of an overlong sentence, each <= max tokens: its lines, or where a line is too long its
   * words, or where a word is too long pieces of it. The packing loop below joins them again as
   * far as they fit, so a long sentence fills its chunks and overlaps word by word.
   */
  async function splitLong(start: number, end: number, level = 0): Promise<Unit[]> {
    if (level === SPLITTERS.length) return splitChars(start, end);
    const parts = cut(text, start, end, SPLITTERS[level]);
    if (parts.length === 1) return splitLong(start, end, level + 1);
    const out: Unit[] = [];
    for (const [ps, pe] of parts) {
      const tokens = await fitting(ps, pe);
      if (tokens !== undefined) out.push({ start: ps, end: pe, tokens, paraStart: false });
      else out.push(...(await splitLong(ps, pe, level + 1)));
    }
    return out;
  }

  /**
   * A word too long for a chunk (a URL, base64, text without spaces) cut into the longest
   * prefixes that fit: the length is found by doubling from `max` characters, then bisecting, so
   * no count ever tokenizes much more than a chunk's worth of text (some tokenizers are
   * quadratic in the length of a word). Never between the two halves of a surrogate pair.
   */
  async function splitChars(start: number, end: number): Promise<Unit[]> {
    const out: Unit[] = [];
    let s = start;
    while (s < end) {
      const rest = end - s;
      const fits = async (len: number) => (await count(text.slice(s, s + len))) <= max;
      // good: a length known to fit (1 is taken even if not: progress); bad: known not to fit.
      let good = 1;
      let bad = rest + 1;
      for (let len = Math.min(rest, Math.max(2, max)); len > good; len = Math.min(rest, len * 2)) {
        if (!(await fits(len))) {
          bad = len;
          break;
        }
        good = len;
      }
      while (bad - good > 1) {
        const mid = Math.floor((good + bad) / 2);
        if (await fits(mid)) good = mid;
        else bad = mid;
      }
      if (good < rest && isHighSurrogate(text.charCodeAt(s + good - 1))) good += good > 1 ? -1 : 1;
      out.push({ start: s, end: s + good, tokens: await count(text.slice(s, s + good)), paraStart: false });
      s += good;
    }
    return out;
  }

  async function unitsOf(section: Section): Promise<Unit[]> {
    const units: Unit[] = [];
    for (const [ps, pe] of cut(text, section.start, section.end, PARAGRAPH_BREAK)) {
      let first = true;
      for (const [ss, se] of cut(text, ps, pe, SENTENCE_END)) {
        const tokens = await fitting(ss, se);
        const pieces = tokens !== undefined ? [{ start: ss, end: se, tokens, paraStart: false }] : await splitLong(ss, se);
        if (first && pieces.length) pieces[0].paraStart = true;
        first = false;
        units.push(...pieces);
      }
    }
    return units;
  }

  for (const section of doc.sections) {
    const units = await unitsOf(section);
    // Tokens from unit i to the end of its paragraph, to keep paragraphs whole when they fit.
    const paraRest = new Array<number>(units.length);
    for (let i = units.length - 1, acc = 0; i >= 0; i--) {
      acc = (units[i + 1]?.paraStart === false ? acc : 0) + units[i].tokens;
      paraRest[i] = acc;
    }
    const before = [0];
    for (const u of units) before.push(before[before.length - 1] + u.tokens);
    const sum = (from: number, to: number) => before[to] - before[from];
    /** What must fit after the overlap for a chunk starting at unit i: its paragraph if it can. */
    const needed = (i: number) => (units[i].paraStart && paraRest[i] <= max ? paraRest[i] : units[i].tokens);

    /**
     * Emit units[a..b) (a..f are overlap). Summed counts can differ from the count of the joined
     * text with subword tokenizers, so the real text is counted; if over, overlap goes first,
     * then trailing units are handed back. Returns the end index actually emitted.
     */
    const emit = async (a: number, f: number, b: number): Promise<number> => {
      for (;;) {
        const start = units[a].start;
        const end = units[b - 1].end;
        const chunkText = text.slice(start, end);
        const tokens = await count(chunkText);
        if (tokens > max && a < f) a++;
        else if (tokens > max && b - f > 1) b--;
        else {
          const c: Chunk = { index: chunks.length, text: chunkText, headingPath: [...section.headingPath], title: doc.title, source: doc.name, start, end, tokens, hash: hashText(chunkText) };
          if (section.page !== undefined) c.page = section.page;
          if (section.metadata) c.metadata = { ...section.metadata };
          chunks.push(c);
          return b;
        }
      }
    };

    /** Where the chunk after one ending before unit `b` starts: its overlap, from units[f..b). */
    const overlapStart = async (f: number, b: number): Promise<number> => {
      // Trailing units up to `overlap` tokens, leaving room for what must follow (the whole
      // next paragraph when it fits in a chunk: overlap never splits it).
      let k = b;
      const room = max - needed(b);
      while (k > f && sum(k - 1, b) <= overlap && sum(k - 1, b) <= room) k--;
      // Summed counts are an estimate (a tokenizer may count the line breaks between units).
      while (k < b && (await count(text.slice(units[k].start, units[b - 1].end))) > overlap) k++;
      return k;
    };

    // The current chunk is units[a..i); units[f..i) are new, units[a..f) repeat the previous chunk's tail.
    let a = 0;
    let f = 0;
    let i = 0;
    while (f < units.length) {
      if (i < units.length) {
        const u = units[i];
        const cur = sum(a, i);
        const full = cur + u.tokens > max;
        // A paragraph that would fit in a chunk of its own is not split across two.
        const paraBreak = u.paraStart && cur + paraRest[i] > max && paraRest[i] <= max;
        if (i === f || !(full || paraBreak)) {
          i++;
          continue;
        }
      }
      // The next unit does not fit, or the section ends: emit. The real count may hand units
      // back; they start the next chunk, so nothing is ever dropped.
      const b = await emit(a, f, i);
      if (b === units.length) break;
      a = await overlapStart(f, b);
      f = i = b;
    }
  }
  return chunks;
}
