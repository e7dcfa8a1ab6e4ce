/**
 * The small real corpus the end-to-end tests ship (test/fixtures/corpus): every document loads,
 * the files meant to be skipped are skipped for the stated reason, and every question's answer
 * sits in exactly one document and is found there by the default embedder alone (the end-to-end
 * tests search with BM25 too, so this is the harder bar).
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_MODELS } from '../../models/catalog-data.ts';
import { useLiteProvider } from '../../models/providers/use-lite.ts';
import { chunkDocument, type Chunk } from '../chunking.ts';
import { loadDocument, type LoadedDocument } from './index.ts';

const dir = new URL('../../../test/fixtures/corpus/', import.meta.url);

interface Question {
  question: string;
  source: string;
  expect: string;
}
interface Manifest {
  questions: Question[];
  unsupported: string[];
  broken: string[];
}

const squash = (s: string) => s.replace(/\s+/g, ' ');

let manifest: Manifest;
const docs = new Map<string, LoadedDocument>();
const failures = new Map<string, string>();

beforeAll(async () => {
  manifest = JSON.parse(await readFile(new URL('questions.json', dir), 'utf8')) as Manifest;
  for (const name of (await readdir(dir)).sort()) {
    try {
      docs.set(name, await loadDocument({ name, bytes: new Uint8Array(await readFile(new URL(name, dir))) }));
    } catch (err) {
      failures.set(name, (err as { code?: string }).code ?? String(err));
    }
  }
});

describe('the shipped corpus', () => {
  it('is small, of mixed formats, and skips exactly the files it says it skips', async () => {
    let total = 0;
    for (const name of await readdir(dir)) total += (await stat(new URL(name, dir))).size;
    expect(total).toBeLessThan(200 * 1024);
    expect(docs.size).toBeGreaterThanOrEqual(8);
    expect(docs.size).toBeLessThanOrEqual(12);
    expect(new Set([...docs.values()].map((d) => d.format))).toEqual(new Set(['md', 'html', 'txt', 'pdf', 'docx', 'csv', 'jsonl', 'json']));
    expect(Object.fromEntries(failures)).toEqual({
      ...Object.fromEntries(manifest.unsupported.map((n) => [n, 'unsupported_file'])),
      ...Object.fromEntries(manifest.broken.map((n) => [n, 'unreadable_file'])),
    });
    expect(manifest.broken).toContain('questions.json');
  });

  it('has structure for citations: a multi-page PDF, heading paths in docx, markdown and html', () => {
    const pdf = [...docs.values()].find((d) => d.format === 'pdf')!;
    expect(new Set(pdf.sections.map((s) => s.page)).size).toBeGreaterThanOrEqual(3);
    for (const format of ['docx', 'md', 'html']) {
      const d = [...docs.values()].find((x) => x.format === format)!;
      expect(d.sections.some((s) => s.headingPath.length >= 2), format).toBe(true);
    }
  });

  it('answers each question in exactly one document, its source', () => {
    expect(manifest.questions.length).toBeGreaterThanOrEqual(10);
    expect(manifest.questions.length).toBeLessThanOrEqual(15);
    for (const q of manifest.questions) {
      expect(docs.has(q.source), q.source).toBe(true);
      const holders = [...docs.values()].filter((d) => squash(d.fullText).includes(squash(q.expect)));
      expect(holders.map((d) => d.name), q.question).toEqual([q.source]);
      // Asked as a user would, not copied out of the document.
      expect(squash(docs.get(q.source)!.fullText).toLowerCase()).not.toContain(q.question.toLowerCase().replace(/\?$/, ''));
    }
  });

  it('finds every answer in the top 3 chunks by USE-lite cosine alone (256-token chunks)', async () => {
    const model = await useLiteProvider.load(BUILTIN_MODELS.find((m) => m.id === 'use-lite')!, { threads: 1 });
    try {
      const chunks: Chunk[] = [];
      for (const d of docs.values()) chunks.push(...(await chunkDocument(d, { tokenize: (t) => model.tokenize(t), maxTokens: 256, overlapTokens: 32 })));
      const { vectors } = await model.embed!([...chunks.map((c) => c.text), ...manifest.questions.map((q) => q.question)]);
      const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i], 0);
      for (const [i, q] of manifest.questions.entries()) {
        const qv = vectors[chunks.length + i];
        const top = chunks
          .map((c, k) => ({ c, score: dot(qv, vectors[k]) }))
          .sort((a, b) => b.score - a.score)
          .slice(0, 3);
        // Raw text, as the end-to-end test checks citations.
        const hit = top.some(({ c }) => c.source === q.source && c.text.includes(q.expect));
        expect(hit, `${q.question} -> ${top.map(({ c, score }) => `${c.source} ${score.toFixed(2)}`).join(', ')}`).toBe(true);
      }
    } finally {
      await model.dispose();
    }
  });
});
