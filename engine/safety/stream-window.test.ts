import { describe, expect, it } from 'vitest';
import { DEFAULT_POLICY } from './policy.ts';
import { completionWindow } from './filter.ts';
import { LexiconClassifier } from './lexicon-classifier.ts';
import { StreamWindow } from './stream-window.ts';

/** A fake classifier: filters any text containing "badword", and records what it was shown. */
function fake() {
  const seen: string[] = [];
  const check = async (text: string) => {
    seen.push(text);
    return { filtered: /badword/.test(text) };
  };
  return { seen, check };
}

async function feed(w: StreamWindow<{ filtered: boolean }>, chunks: string[]): Promise<string[]> {
  const out: string[] = [];
  for (const c of chunks) out.push(await w.push(c));
  out.push(await w.end());
  return out;
}

describe('StreamWindow', () => {
  it('releases clean text in order and complete, in windows ending at whitespace', async () => {
    const { check, seen } = fake();
    const w = new StreamWindow({ check, windowSize: 20, overlap: 10 });
    const text = 'The quick brown fox jumps over the lazy dog and keeps running into the woods.';
    const chunks = text.match(/.{1,7}/gs)!;
    const out = await feed(w, chunks);
    expect(out.join('')).toBe(text);
    expect(w.filtered).toBe(false);
    expect(seen.length).toBeGreaterThan(2);
    // No window is released before it is checked: everything released was inside a checked text.
    for (const piece of out.filter(Boolean)) expect(seen.some((s) => s.includes(piece.trim()))).toBe(true);
  });

  it('catches a term split across chunks and across windows, thanks to the overlap', async () => {
    const { check } = fake();
    const w = new StreamWindow({ check, windowSize: 12, overlap: 30 });
    const out = await feed(w, ['hello there friend bad', 'word and more text after it']);
    expect(w.filtered).toBe(true);
    expect(out.join('')).not.toContain('badword');
  });

  it('catches a phrase split across two windows through the overlap, and misses it without one', async () => {
    const run = async (overlap: number) => {
      const check = async (text: string) => ({ filtered: /red\s+flag/.test(text) });
      const w = new StreamWindow({ check, windowSize: 10, overlap });
      await feed(w, ['this is a red ', 'flag in the text that follows']);
      return w.filtered;
    };
    expect(await run(20)).toBe(true);
    expect(await run(0)).toBe(false);
  });

  it('releases nothing after a filtered window, not even at the end', async () => {
    const { check } = fake();
    const w = new StreamWindow({ check, windowSize: 10, overlap: 10 });
    const first = await w.push('all fine here ');
    expect(first).toBe('all fine here ');
    expect(await w.push('then badword appears ')).toBe('');
    expect(await w.push('and clean text follows ')).toBe('');
    expect(await w.end()).toBe('');
    expect(w.verdict).toEqual({ filtered: true });
  });

  it('keeps order when pushes are not awaited one by one', async () => {
    const { check } = fake();
    const w = new StreamWindow({ check, windowSize: 5, overlap: 5 });
    const parts = await Promise.all(['one two ', 'three four ', 'five six'].map((c) => w.push(c)).concat(w.end()));
    expect(parts.join('')).toBe('one two three four five six');
  });

  it('works with the lexicon classifier and the default policy', async () => {
    const w = completionWindow(new LexiconClassifier(), DEFAULT_POLICY, { windowSize: 30 });
    const out = await feed(w, ['Sure, here is the plan. I am going to ', 'st', 'ab you tomorrow at noon, and then more text follows here.']);
    expect(w.filtered).toBe(true);
    expect(w.verdict?.results.violence).toEqual({ filtered: true, severity: 'high' });
    expect(out.join('')).not.toContain('stab');
  });
});
