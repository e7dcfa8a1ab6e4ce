import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { chunkDocument, type Chunk, type ChunkOptions } from './chunking.ts';
import { buildDocument } from './loaders/common.ts';
import type { LoadedDocument, RawSection } from './loaders/types.ts';

/** Cases around the mutants Stryker left alive in chunking.ts (see test/mutation/guards.md). */
type Tokenize = ChunkOptions['tokenize'];

/** One token per run of non-space characters. */
const words: Tokenize = (t) => (t.match(/\S+/g) ?? []).map((_, i) => i);
/** A BERT-style tokenizer: the words plus [CLS] and [SEP] on every call, so counts do not add up. */
const withSpecialTokens: Tokenize = (t) => [101, ...(words(t) as number[]), 102];
/** One token per 3 UTF-16 units of a word: long words cost many tokens. */
const perThreeUnits: Tokenize = (t) => (t.match(/\S+/g) ?? []).flatMap((w) => Array.from({ length: Math.ceil(w.length / 3) }, (_, i) => i));
/** One token per character (CJK). */
const perChar: Tokenize = (t) => Array.from(t.replace(/\s/g, ''), (_, i) => i);
/** Words plus one token per paragraph break, which no single sentence shows. */
const withBreaks: Tokenize = (t) => [...(words(t) as number[]), ...(t.match(/\n\s*\n/g) ?? []).map(() => 0)];

const doc = (sections: (string | RawSection)[]): LoadedDocument =>
  buildDocument('doc.txt', 'txt', 'The Doc', sections.map((s) => (typeof s === 'string' ? { text: s, headingPath: [] } : s)));
const sentence = (p: number, i: number, len: number) => `S${p}.${i} ${Array.from({ length: len - 2 }, (_, k) => `w${k}`).join(' ')} end${p}_${i}.`;
const paragraph = (p: number, sentences: number, len: number) => Array.from({ length: sentences }, (_, i) => sentence(p, i, len)).join(' ');
const chunk = (d: LoadedDocument, maxTokens: number, overlapTokens: number, tokenize: Tokenize = words) => chunkDocument(d, { tokenize, maxTokens, overlapTokens });
const texts = (chunks: Chunk[]) => chunks.map((c) => c.text);

/** Spans match the text, edges are trimmed, and no non-space character of the document is left out. */
function expectWellFormed(d: LoadedDocument, chunks: Chunk[]) {
  const covered = new Uint8Array(d.fullText.length);
  for (const c of chunks) {
    expect(c.text).toBe(d.fullText.slice(c.start, c.end));
    expect(c.text.trim()).toBe(c.text);
    covered.fill(1, c.start, c.end);
  }
  for (let k = 0; k < d.fullText.length; k++) if (!covered[k] && /\S/.test(d.fullText[k])) throw new Error(`character ${k} is in no chunk`);
}

describe('options', () => {
  it('refuses maxTokens below 1, naming maxTokens (not the overlap it also breaks)', async () => {
    const d = doc(['Some text.']);
    for (const max of [0, -5]) await expect(chunk(d, max, 0)).rejects.toThrow(new InputError(`maxTokens must be a positive integer, got ${max}`));
  });
});

describe('sizes at the limit', () => {
  it('keeps a sentence of exactly maxTokens tokens whole', async () => {
    const d = doc(['x. a b c. y.']);
    expect(texts(await chunk(d, 3, 0))).toEqual(['x.', 'a b c.', 'y.']);
  });

  it('counts a sentence of exactly maxTokens x 32 characters rather than taking it as too long', async () => {
    const long = `${'a'.repeat(31)} ${'b'.repeat(31)}.`;
    expect(long).toHaveLength(64);
    const d = doc([`x. ${long} y.`]);
    expect(texts(await chunk(d, 2, 0))).toEqual(['x.', long, 'y.']);
  });

  it('a paragraph that exactly fills the rest of a chunk joins it', async () => {
    const d = doc(['a b c d.\n\nE f g. H i j.']);
    expect(texts(await chunk(d, 10, 0))).toEqual(['a b c d.\n\nE f g. H i j.']);
  });

  it('a paragraph of exactly maxTokens gets a chunk of its own, whole, with or without overlap', async () => {
    const d = doc(['a b c.\n\nD e f g h. I j k l m.\n\nN o.']);
    for (const overlap of [0, 3]) expect(texts(await chunk(d, 10, overlap)), `overlap ${overlap}`).toEqual(['a b c.', 'D e f g h. I j k l m.', 'N o.']);
  });
});

describe('overlong words', () => {
  it('cuts a word longer than a chunk into the longest pieces that fit', async () => {
    const d = doc([`Before. ${'a'.repeat(300)} After.`]);
    const chunks = await chunk(d, 25, 0, perThreeUnits);
    expectWellFormed(d, chunks);
    expect(texts(chunks)).toEqual(['Before.', ...Array.from({ length: 4 }, () => 'a'.repeat(75)), 'After.']);
    expect(chunks.map((c) => c.tokens)).toEqual([3, 25, 25, 25, 25, 2]);
  });

  it.each([
    ['U+10000 (high half D800)', '\u{10000}'],
    ['U+10FFFF (high half DBFF)', '\u{10FFFF}'],
  ])('never cuts between the halves of %s', async (_what, ch) => {
    // "ab" first, so the longest prefix that fits (75 units) ends on a high half.
    const d = doc([`Before. ab${ch.repeat(100)} After.`]);
    const chunks = await chunk(d, 25, 0, perThreeUnits);
    expectWellFormed(d, chunks);
    for (const c of chunks) expect(c.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    expect(chunks[1].text).toBe(`ab${ch.repeat(36)}`);
  });

  it('a stray high surrogate (broken text) ending an overlong word stays in its word: the piece stops at the word end', async () => {
    const next = `${Array.from({ length: 24 }, (_, i) => `n${i}`).join(' ')}.`;
    const d = doc([`Before. ${'a'.repeat(100)}\uD800\n\n${next}`]);
    expect(texts(await chunk(d, 25, 0, perThreeUnits))).toEqual(['Before.', 'a'.repeat(75), `${'a'.repeat(25)}\uD800`, next]);
  });

  it('a character alone over the limit still gets a chunk of its own, whole, and chunking moves on', async () => {
    // One token per UTF-16 unit and maxTokens 1: no emoji fits, each is taken whole to make progress.
    let calls = 0;
    const units: Tokenize = (t) => {
      if (++calls > 200) throw new Error('chunking does not move forward');
      return Array.from(t.replace(/\s/g, '').split(''), (_, i) => i);
    };
    for (const text of ['🙂🙂🙂', 'x 🙂🙂🙂 y']) {
      calls = 0;
      const d = doc([text]);
      const chunks = await chunk(d, 1, 0, units);
      expectWellFormed(d, chunks);
      expect(texts(chunks).filter((t) => t === '🙂')).toHaveLength(3);
    }
  });

  it('cuts an overlong line of a multi-line sentence between words, never inside one', async () => {
    const d = doc([['item0 a b c d e', Array.from({ length: 30 }, (_, i) => `word${i}`).join(' '), 'item2 a b'].join('\n')]);
    const chunks = await chunk(d, 20, 0);
    expectWellFormed(d, chunks);
    for (const c of chunks) {
      expect(c.start === 0 || /\s/.test(d.fullText[c.start - 1]), c.text).toBe(true);
      expect(c.end === d.fullText.length || /\s/.test(d.fullText[c.end]), c.text).toBe(true);
    }
  });

  it('packs the pieces of a long sentence like sentences of its paragraph, ending the sentence before the next', async () => {
    const long = `Start ${Array.from({ length: 14 }, (_, i) => `v${i}`).join(' ')} stop.`;
    const d = doc([`Aa bb cc. ${long} Dd ee ff gg.`]);
    expect(texts(await chunk(d, 10, 4))).toEqual([
      'Aa bb cc. Start v0 v1 v2 v3 v4 v5',
      'v2 v3 v4 v5 v6 v7 v8 v9 v10 v11',
      'v8 v9 v10 v11 v12 v13 stop.',
      'v12 v13 stop. Dd ee ff gg.',
    ]);
  });
});

describe('sentences and paragraphs', () => {
  it('CJK sentences ending in two marks (？！) are cut after both', async () => {
    const d = doc([Array.from({ length: 6 }, (_, i) => `第${i}句话真的吗？！`).join('')]);
    const chunks = await chunk(d, 17, 0, perChar);
    expect(texts(chunks)).toEqual(Array.from({ length: 6 }, (_, i) => `第${i}句话真的吗？！`));
  });

  it('CJK paragraphs ending in 。 start their chunks at their own text, not at the blank line before', async () => {
    const d = doc([Array.from({ length: 4 }, (_, i) => `第${i}句话。`).join('\n\n')]);
    const chunks = await chunk(d, 8, 0, perChar);
    expectWellFormed(d, chunks);
    expect(texts(chunks)).toEqual(Array.from({ length: 4 }, (_, i) => `第${i}句话。`));
  });

  it('a line holding a single word is not a paragraph break', async () => {
    const d = doc(['a b c d e f\nword\nG h i. J k l.']);
    expect(texts(await chunk(d, 10, 0))).toEqual(['a b c d e f\nword\nG h i.', 'J k l.']);
  });

  it('overlap carries across a paragraph break into a paragraph too long for one chunk', async () => {
    const d = doc([`${paragraph(1, 3, 4)}\n\n${paragraph(2, 5, 4)}`]);
    const chunks = await chunk(d, 10, 4);
    expect(texts(chunks)[2]).toBe(`${sentence(1, 2, 4)}\n\n${sentence(2, 0, 4)}`);
  });
});

describe('counting the real text', () => {
  it('when the joined text counts over the limit, the overlap goes first and the new text stays', async () => {
    const d = doc([Array.from({ length: 7 }, (_, p) => `P${p} b c.`).join('\n\n')]);
    expect(texts(await chunk(d, 10, 3, withBreaks))).toEqual(['P0 b c.\n\nP1 b c.', 'P2 b c.\n\nP3 b c.', 'P4 b c.\n\nP5 b c.', 'P5 b c.\n\nP6 b c.']);
  });

  it('a tokenizer adding [CLS] and [SEP] to every call loses no text, with or without overlap', async () => {
    const d = doc([paragraph(1, 12, 5)]);
    for (const overlap of [0, 1]) {
      const chunks = await chunk(d, 20, overlap, withSpecialTokens);
      expectWellFormed(d, chunks);
      expect(texts(chunks), `overlap ${overlap}`).toEqual(Array.from({ length: 6 }, (_, i) => `${sentence(1, 2 * i, 5)} ${sentence(1, 2 * i + 1, 5)}`));
    }
  });

  it('with a tokenizer whose counts add up, each sentence, each chunk and each overlap is tokenized once', async () => {
    const d = doc([paragraph(1, 30, 5)]);
    let asked = 0;
    const chunks = await chunk(d, 40, 12, (t) => ((asked += t.length), words(t)));
    expectWellFormed(d, chunks);
    const sentences = d.fullText.length - 29; // the 30 sentences, without the spaces between them
    const overlaps = chunks.slice(1).reduce((n, c, i) => n + Math.max(0, chunks[i].end - c.start), 0);
    const chunkText = chunks.reduce((n, c) => n + c.text.length, 0);
    expect(overlaps).toBeGreaterThan(0);
    expect(asked).toBeLessThanOrEqual(sentences + chunkText + overlaps);
  });
});
