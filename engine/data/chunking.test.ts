import { readFile, readdir } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../errors.ts';
import { BUILTIN_MODELS } from '../models/catalog-data.ts';
import { useLiteProvider } from '../models/providers/use-lite.ts';
import type { LoadedModel } from '../models/types.ts';
import { chunkDocument, hashText, normalizeForHash, type Chunk, type ChunkOptions } from './chunking.ts';
import { buildDocument } from './loaders/common.ts';
import { loadDocument } from './loaders/index.ts';
import type { LoadedDocument, RawSection } from './loaders/types.ts';

type Tokenize = ChunkOptions['tokenize'];

/** One token per run of non-space characters: easy to reason about in the tests below. */
const words: Tokenize = (t) => (t.match(/\S+/g) ?? []).map((_, i) => i);
const countWords = (t: string) => (t.match(/\S+/g) ?? []).length;

const doc = (sections: (string | RawSection)[], name = 'doc.txt'): LoadedDocument =>
  buildDocument(name, 'txt', 'The Doc', sections.map((s) => (typeof s === 'string' ? { text: s, headingPath: [] } : s)));

/** "S<p>.<i> w w w." sentences of `len` words (the label included), distinct so spans are unambiguous. */
const sentence = (p: number, i: number, len: number) => `S${p}.${i} ${Array.from({ length: len - 2 }, (_, k) => `w${k}`).join(' ')} end${p}_${i}.`;
const paragraph = (p: number, sentences: number, len: number) => Array.from({ length: sentences }, (_, i) => sentence(p, i, len)).join(' ');

/**
 * The invariants every chunking must keep, whatever the tokenizer and document: spans match the
 * text, counts are the tokenizer's and within the limit, a chunk sits in one section and carries
 * its heading path, page and metadata, and every word of every section is in some chunk.
 */
async function checkChunks(d: LoadedDocument, chunks: Chunk[], tokenize: Tokenize, max: number) {
  expect(chunks.length).toBeGreaterThan(0);
  const covered = new Uint8Array(d.fullText.length);
  for (const [i, c] of chunks.entries()) {
    expect(c.index).toBe(i);
    expect(c.text).toBe(d.fullText.slice(c.start, c.end));
    expect(c.text.trim()).toBe(c.text);
    const tokens = (await tokenize(c.text)).length;
    expect(c.tokens).toBe(tokens);
    expect(tokens).toBeLessThanOrEqual(max);
    expect(c.hash).toBe(hashText(c.text));
    expect(c).toMatchObject({ source: d.name, title: d.title });
    // No half of a surrogate pair at either edge.
    expect(c.text).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
    const sections = d.sections.filter((s) => s.start <= c.start && c.end <= s.end);
    expect(sections, `chunk ${i} lies in exactly one section`).toHaveLength(1);
    const [s] = sections;
    expect(c.headingPath).toEqual(s.headingPath);
    expect(c.page).toBe(s.page);
    expect(c.metadata).toEqual(s.metadata);
    covered.fill(1, c.start, c.end);
    if (i > 0) expect(c.start).toBeGreaterThan(chunks[i - 1].start);
  }
  for (const s of d.sections) {
    for (let k = s.start; k < s.end; k++) {
      if (!covered[k] && /\S/.test(d.fullText[k])) throw new Error(`character ${k} (${JSON.stringify(d.fullText.slice(k, k + 20))}) is in no chunk`);
    }
  }
}

const chunk = (d: LoadedDocument, maxTokens: number, overlapTokens: number, tokenize: Tokenize = words) => chunkDocument(d, { tokenize, maxTokens, overlapTokens });

/** Consecutive chunks of the same section. */
const pairs = (chunks: Chunk[], d: LoadedDocument) =>
  chunks.slice(1).flatMap((c, i) => {
    const prev = chunks[i];
    const same = d.sections.some((s) => s.start <= prev.start && c.end <= s.end);
    return same ? [[prev, c] as const] : [];
  });

describe('chunkDocument with a word tokenizer', () => {
  it('packs whole sentences up to maxTokens and never cuts one that fits', async () => {
    const d = doc([paragraph(1, 40, 7)]);
    const chunks = await chunk(d, 50, 0);
    await checkChunks(d, chunks, words, 50);
    // 7 words per sentence: 7 sentences (49 words) fit, not 8.
    expect(chunks.map((c) => c.tokens)).toEqual([49, 49, 49, 49, 49, 35]);
    for (const c of chunks) {
      expect(c.text).toMatch(/^S1\.\d+ /);
      expect(c.text).toMatch(/end1_\d+\.$/);
    }
    // Without overlap, chunks tile the text.
    for (const [a, b] of pairs(chunks, d)) expect(b.start).toBeGreaterThan(a.end);
  });

  it('does not take a line break inside a paragraph for a sentence end (hard-wrapped text)', async () => {
    // Wrapped at 40 columns, as plain-text books and PDF lines are.
    const lines = [''];
    for (const w of paragraph(1, 12, 9).split(' ')) {
      if (lines[lines.length - 1].length + w.length >= 40) lines.push(w);
      else lines[lines.length - 1] += lines[lines.length - 1] ? ` ${w}` : w;
    }
    const wrapped = lines.join('\n');
    expect(lines.length).toBeGreaterThan(8);
    const d = doc([wrapped]);
    const chunks = await chunk(d, 32, 0);
    await checkChunks(d, chunks, words, 32);
    expect(chunks.map((c) => c.tokens)).toEqual([27, 27, 27, 27]);
    for (const c of chunks) {
      expect(c.text).toMatch(/^S1\.\d+\s/);
      expect(c.text).toMatch(/end1_\d+\.$/);
    }
  });

  it('overlaps consecutive chunks of a section by trailing sentences, at most overlapTokens', async () => {
    const d = doc([paragraph(1, 30, 5), { text: paragraph(2, 30, 5), headingPath: ['Second'] }]);
    const chunks = await chunk(d, 40, 12);
    await checkChunks(d, chunks, words, 40);
    const within = pairs(chunks, d);
    expect(within.length).toBeGreaterThan(4);
    for (const [a, b] of within) {
      expect(b.start).toBeLessThan(a.end);
      const shared = d.fullText.slice(b.start, a.end);
      // The overlap is the end of one chunk and the start of the next, whole sentences, <= 12 tokens.
      expect(a.text.endsWith(shared)).toBe(true);
      expect(b.text.startsWith(shared)).toBe(true);
      expect(shared).toMatch(/^S\d\.\d+ .*\.$/);
      expect(countWords(shared)).toBeGreaterThan(0);
      expect(countWords(shared)).toBeLessThanOrEqual(12);
      // And every chunk brings new text.
      expect(b.end).toBeGreaterThan(a.end);
    }
    // Never across sections: the second section's first chunk starts at the section.
    const second = chunks.find((c) => c.headingPath[0] === 'Second')!;
    expect(second.start).toBe(d.sections[1].start);
  });

  it('keeps a paragraph that fits in one chunk whole, even with overlap', async () => {
    // Paragraphs of 18, 28, 12, 30 and 25 words with room for 40: each must appear whole in a chunk.
    const sizes = [[3, 6], [4, 7], [2, 6], [5, 6], [5, 5]] as const;
    const paras = sizes.map(([n, len], p) => paragraph(p, n, len));
    const d = doc([paras.join('\n\n')]);
    for (const overlap of [0, 8, 20]) {
      const chunks = await chunk(d, 40, overlap);
      await checkChunks(d, chunks, words, 40);
      for (const p of paras) expect(chunks.some((c) => c.text.includes(p)), `"${p.slice(0, 12)}" whole with overlap ${overlap}`).toBe(true);
      // A chunk boundary falls at paragraph ends, not inside them.
      for (const c of chunks) expect(paras.some((p) => c.text.endsWith(p))).toBe(true);
    }
  });

  it('splits an overlong paragraph by sentences, and an overlong sentence between words', async () => {
    const giant = `Start ${Array.from({ length: 230 }, (_, i) => `word${i}`).join(' ')} finish.`;
    const d = doc([`Short one. ${giant} Short two.`]);
    const chunks = await chunk(d, 50, 10);
    await checkChunks(d, chunks, words, 50);
    expect(chunks[0].text.startsWith('Short one.')).toBe(true);
    expect(chunks.at(-1)!.text.endsWith('Short two.')).toBe(true);
    // Cut between words: every chunk starts and ends on a whole word.
    for (const c of chunks) {
      expect(c.start === 0 || /\s/.test(d.fullText[c.start - 1])).toBe(true);
      expect(c.end === d.fullText.length || /\s/.test(d.fullText[c.end])).toBe(true);
    }
    // The pieces of the long sentence fill their chunks, and overlap word by word.
    const middle = chunks.filter((c) => c.text.includes('word'));
    expect(middle.length).toBeGreaterThanOrEqual(5);
    for (const c of middle.slice(1, -1)) expect(c.tokens).toBeGreaterThan(40);
    for (const [a, b] of pairs(middle, d)) expect(countWords(d.fullText.slice(b.start, a.end))).toBeLessThanOrEqual(10);
  });

  it('cuts a long sentence at its line breaks before cutting lines', async () => {
    // A list without punctuation: one "sentence" of 12 lines of 6 words.
    const lines = Array.from({ length: 12 }, (_, i) => `item${i} a b c d e`);
    const d = doc([lines.join('\n')]);
    const chunks = await chunk(d, 20, 0);
    await checkChunks(d, chunks, words, 20);
    for (const c of chunks) {
      expect(c.text).toMatch(/^item\d+ /);
      expect(c.text).toMatch(/ e$/);
      expect(c.tokens).toBe(18);
    }
  });

  it('cuts a word longer than a chunk by characters, keeping surrogate pairs whole', async () => {
    // A tokenizer with one token per 3 UTF-16 units of a word: long words cost many tokens.
    const units: Tokenize = (t) => (t.match(/\S+/g) ?? []).flatMap((w) => Array.from({ length: Math.ceil(w.length / 3) }, (_, i) => i));
    // Periodic so the longest prefix that fits (75 units) ends on the first half of an emoji.
    const blob = 'ab🙂'.repeat(300);
    const d = doc([`Before. ${blob} After.`]);
    const chunks = await chunk(d, 25, 5, units);
    await checkChunks(d, chunks, units, 25);
    expect(chunks.length).toBeGreaterThan(10);
    expect(chunks.filter((c) => c.text.includes('ab🙂ab')).length).toBeGreaterThan(10);
  });

  it('splits Chinese text, which has no spaces, at its sentence ends', async () => {
    // One token per character, so a sentence of 12 characters is 12 tokens.
    const chars: Tokenize = (t) => Array.from(t.replace(/\s/g, ''), (_, i) => i);
    const zh = Array.from({ length: 10 }, (_, i) => `第${i}句话说的是一件事情。`).join('');
    const d = doc([zh]);
    const chunks = await chunk(d, 30, 0, chars);
    await checkChunks(d, chunks, chars, 30);
    expect(chunks.length).toBe(5);
    for (const c of chunks) expect(c.text).toMatch(/^第\d句.*。$/);
  });

  it('carries heading path, page and record metadata; never crosses a section', async () => {
    const d = doc([
      { text: paragraph(1, 6, 8), headingPath: ['Guide', 'Setup'], page: 2 },
      { text: 'A row of data.', headingPath: [], metadata: { sku: 'A1', price: 3 } },
      { text: paragraph(3, 6, 8), headingPath: ['Guide', 'Usage'], page: 3 },
    ]);
    const chunks = await chunk(d, 20, 5);
    await checkChunks(d, chunks, words, 20);
    expect(new Set(chunks.map((c) => JSON.stringify([c.headingPath, c.page ?? null, c.metadata ?? null])))).toEqual(
      new Set([JSON.stringify([['Guide', 'Setup'], 2, null]), JSON.stringify([[], null, { sku: 'A1', price: 3 }]), JSON.stringify([['Guide', 'Usage'], 3, null])]),
    );
    // Chunks get their own copies: editing one does not touch the document or another chunk.
    chunks[0].headingPath.push('changed');
    expect(d.sections[0].headingPath).toEqual(['Guide', 'Setup']);
    expect(chunks[1].headingPath).toEqual(['Guide', 'Setup']);
  });

  it('counts the real text of each chunk: a non-additive tokenizer loses no text and stays in the limit', async () => {
    // Also one token per paragraph break, which no single sentence shows.
    const breaks: Tokenize = (t) => [...words(t) as number[], ...(t.match(/\n\s*\n/g) ?? []).map(() => 0)];
    const d = doc([Array.from({ length: 7 }, (_, p) => `P${p} b c.`).join('\n\n')]);
    for (const overlap of [0, 3]) {
      const chunks = await chunk(d, 10, overlap, breaks);
      await checkChunks(d, chunks, breaks, 10);
      expect(chunks.at(-1)!.text.endsWith('P6 b c.')).toBe(true);
    }
  });

  it('is deterministic, and hashes alike text alike', async () => {
    const d = doc([paragraph(1, 20, 6), paragraph(2, 3, 30)]);
    const a = await chunk(d, 35, 7);
    const b = await chunk(d, 35, 7);
    expect(b).toEqual(a);
    expect(new Set(a.map((c) => c.hash)).size).toBe(a.length);
    expect(hashText('Deploy  the\nflow.')).toBe(hashText(' Deploy the flow. '));
    expect(hashText('ﬁne')).toBe(hashText('fine'));
    expect(hashText('Deploy the flow.')).not.toBe(hashText('Deploy the flows.'));
    expect(normalizeForHash('  a\t\nb  ')).toBe('a b');
  });

  it('rejects invalid options', async () => {
    const d = doc(['Some text.']);
    for (const [maxTokens, overlapTokens] of [[0, 0], [-5, 0], [10.5, 0], [Number.NaN, 0], [10, -1], [10, 10], [10, 11], [10, 2.5], [10, Number.NaN]]) {
      await expect(chunk(d, maxTokens, overlapTokens), `${maxTokens}/${overlapTokens}`).rejects.toBeInstanceOf(InputError);
    }
    await expect(chunk(d, 1, 0)).resolves.toHaveLength(2);
  });
});

describe('chunkDocument with the USE-lite tokenizer', () => {
  let model: LoadedModel;
  let tokenize: Tokenize;
  beforeAll(async () => {
    model = await useLiteProvider.load(BUILTIN_MODELS.find((m) => m.id === 'use-lite')!, { threads: 1 });
    tokenize = (t) => model.tokenize(t);
  });

  it('keeps every invariant on the shipped corpus at several sizes', async () => {
    const dir = new URL('../../test/fixtures/corpus/', import.meta.url);
    const docs: LoadedDocument[] = [];
    for (const name of (await readdir(dir)).sort()) {
      const loaded = await loadDocument({ name, bytes: new Uint8Array(await readFile(new URL(name, dir))) }).catch(() => undefined);
      if (loaded) docs.push(loaded);
    }
    expect(docs.length).toBeGreaterThanOrEqual(8);
    for (const [max, overlap] of [[256, 32], [48, 8]]) {
      for (const d of docs) {
        const chunks = await chunk(d, max, overlap, tokenize);
        await checkChunks(d, chunks, tokenize, max);
        for (const [a, b] of pairs(chunks, d)) {
          if (b.start < a.end) expect((await tokenize(d.fullText.slice(b.start, a.end))).length).toBeLessThanOrEqual(overlap);
        }
      }
    }
  });

  it('sizes chunks by subword tokens, not words', async () => {
    // Rare long words split into several pieces each: fewer words fit than the limit suggests.
    const text = Array.from({ length: 60 }, (_, i) => `Photosynthesizing chlorophyllous microorganisms number ${i} flourish extraordinarily.`).join(' ');
    const d = doc([text]);
    const chunks = await chunk(d, 64, 8, tokenize);
    await checkChunks(d, chunks, tokenize, 64);
    for (const c of chunks) expect(countWords(c.text)).toBeLessThan(c.tokens);
    expect(chunks.some((c) => c.tokens > 48)).toBe(true);
  });

  it('cuts giant words (base64, URLs) and unspaced scripts quickly and within the limit', async () => {
    let x = 11;
    const b64 = Buffer.from(Uint8Array.from({ length: 30_000 }, () => (x = (x * 1103515245 + 12345) & 0x7fffffff) >> 16)).toString('base64');
    const zh = '我们的数据平台可以把文档切成段落然后用嵌入模型编码'.repeat(40);
    const emoji = '🙂🚲𝒜'.repeat(300);
    const d = doc([`Attachment: ${b64} end.`, zh, emoji]);
    // "Quickly" is measured in work, not wall time: the tokenizer (quadratic in a word's length for
    // some models) is never handed much more than a chunk's worth (128 tokens x 32 characters), and
    // all it is handed adds up to a small multiple of the document (about 12x here), not its square.
    const asked: number[] = [];
    const chunks = await chunk(d, 128, 16, (t) => (asked.push(t.length), tokenize(t)));
    expect(Math.max(...asked)).toBeLessThanOrEqual(128 * 32);
    expect(asked.reduce((a, b) => a + b, 0)).toBeLessThan(20 * d.fullText.length);
    await checkChunks(d, chunks, tokenize, 128);
    for (const c of chunks) expect(c.tokens).toBeGreaterThan(0);
  });
});

describe('chunk overlap at its limits', () => {
  /** The words two consecutive chunks share, for every pair in the section. */
  const sharedWords = (d: LoadedDocument, chunks: Chunk[]) => pairs(chunks, d).map(([a, b]) => (b.start < a.end ? countWords(d.fullText.slice(b.start, a.end)) : 0));

  it('takes trailing sentences whose tokens sum to exactly overlapTokens, and one token less takes one sentence fewer', async () => {
    // 5-word sentences; max 40 leaves room for any overlap below, so only overlapTokens decides.
    const d = doc([paragraph(1, 30, 5)]);
    for (const [overlap, shared] of [[10, 10], [9, 5], [15, 15], [14, 10], [5, 5], [4, 0]]) {
      const chunks = await chunk(d, 40, overlap);
      await checkChunks(d, chunks, words, 40);
      const got = sharedWords(d, chunks);
      expect(got.length, `overlap ${overlap}`).toBeGreaterThan(2);
      // Every pair but the last (which may be short of text) shares exactly `shared` words.
      expect(new Set(got.slice(0, -1)), `overlap ${overlap}`).toEqual(new Set([shared]));
    }
  });

  it('fills the room left for the next sentence exactly: overlap plus what follows may equal maxTokens', async () => {
    // max 20, 5-word sentences: a chunk holds 4; the next needs 5, so 15 are left for overlap.
    const d = doc([paragraph(1, 20, 5)]);
    const chunks = await chunk(d, 20, 19);
    await checkChunks(d, chunks, words, 20);
    // The overlap repeats only a chunk's new sentences, so after a chunk with one new sentence the
    // next shares just that one: 15, 5, 15, 5… until the paragraph's rest fits in one chunk.
    expect(sharedWords(d, chunks).slice(0, 6)).toEqual([15, 5, 15, 5, 15, 5]);
    expect(chunks.slice(0, 6).map((c) => c.tokens)).toEqual([20, 20, 20, 20, 20, 20]);
  });

  it('accepts overlapTokens of maxTokens - 1 and still moves forward; maxTokens itself is refused', async () => {
    const d = doc([paragraph(1, 12, 5)]);
    const chunks = await chunk(d, 10, 9);
    await checkChunks(d, chunks, words, 10);
    for (const [a, b] of pairs(chunks, d)) expect(b.end).toBeGreaterThan(a.end);
    expect(new Set(sharedWords(d, chunks))).toEqual(new Set([5]));
    await expect(chunk(d, 10, 10)).rejects.toThrow('overlapTokens must be an integer from 0 to maxTokens - 1, got 10');
    await expect(chunk(d, 1, 0)).resolves.toHaveLength(60);
  });
});
