/** Stream windows at their edges: exactly which text each check sees, and what is released when. */
import { describe, expect, it } from 'vitest';
import { StreamWindow } from './stream-window.ts';

function recorder(opts: { windowSize?: number; overlap?: number } = {}) {
  const seen: string[] = [];
  const w = new StreamWindow<{ filtered: boolean }>({ ...opts, check: async (t) => (seen.push(t), { filtered: t.includes('BAD') }) });
  return { w, seen };
}

describe('stream windows', () => {
  it('release a window once it reaches the size, cut after its last space; the next check starts with the released text\'s last words', async () => {
    const { w, seen } = recorder({ windowSize: 10, overlap: 8 });
    expect(await w.push('aaaa bbbb ')).toBe('aaaa bbbb ');
    expect(await w.push('cccc dd')).toBe('');
    expect(await w.push('dd eee ')).toBe('cccc dddd eee ');
    expect(await w.push('ff')).toBe('');
    expect(await w.end()).toBe('ff');
    // The overlap is the last 8 characters, from a word start: "bbbb " then "eee ".
    expect(seen).toEqual(['aaaa bbbb ', 'bbbb cccc dddd eee ', 'eee ff']);
    expect(w.filtered).toBe(false);
  });

  it('hold a word with no space until four windows long, and a leading space is not a cut', async () => {
    const { w, seen } = recorder({ windowSize: 5, overlap: 0 });
    expect(await w.push('x'.repeat(19))).toBe('');
    expect(await w.push('x')).toBe('x'.repeat(20));
    const lead = recorder({ windowSize: 10, overlap: 0 });
    expect(await lead.w.push(' aaaaaaaaaa')).toBe('');
    expect(lead.seen).toEqual([]);
    expect(seen).toEqual(['x'.repeat(20)]);
  });

  it('default to windows of 100 characters with 60 of overlap, and with overlap 0 check each window alone', async () => {
    const { w, seen } = recorder();
    const words = 'word '.repeat(19) + 'end'; // 98 characters
    expect(await w.push(words)).toBe('');
    expect(await w.push('s ')).toBe(words + 's ');
    await w.push('more');
    await w.end();
    expect(seen[1]).toBe((words + 's ').slice(-60).replace(/^\S*\s/, '') + 'more');
    const alone = recorder({ windowSize: 4, overlap: 0 });
    await alone.w.push('ab cd ');
    await alone.w.push('ef gh ');
    expect(alone.seen).toEqual(['ab cd ', 'ef gh ']);
  });

  it('an overlap exactly as long as the released text keeps it whole; a tail that starts with a space drops the space', async () => {
    const exact = recorder({ windowSize: 6, overlap: 6 });
    await exact.w.push('ab cd ');
    await exact.w.push('ef gh ');
    expect(exact.seen).toEqual(['ab cd ', 'ab cd ef gh ']);
    const spaced = recorder({ windowSize: 10, overlap: 6 });
    await spaced.w.push('abcd efgh ');
    await spaced.w.push('ijk lmnop ');
    expect(spaced.seen).toEqual(['abcd efgh ', 'efgh ijk lmnop ']);
  });

  it('a short released text is all overlap; calls made without waiting are checked and released in order', async () => {
    const { w, seen } = recorder({ windowSize: 4, overlap: 50 });
    const a = w.push('ab cd ');
    const b = w.push('ef gh ');
    expect([await a, await b]).toEqual(['ab cd ', 'ef gh ']);
    expect(seen).toEqual(['ab cd ', 'ab cd ef gh ']);
  });

  it('stop at a filtered window: nothing of it or after it is released, the end checks nothing more, and an empty end checks nothing', async () => {
    const { w, seen } = recorder({ windowSize: 10, overlap: 0 });
    expect(await w.push('fine text ')).toBe('fine text ');
    expect(await w.push('then BAD words ')).toBe('');
    expect(w.filtered).toBe(true);
    expect(w.verdict).toEqual({ filtered: true });
    expect(await w.push('later text ok ')).toBe('');
    expect(await w.end()).toBe('');
    expect(seen).toEqual(['fine text ', 'then BAD words ']);
    const empty = recorder();
    expect(await empty.w.end()).toBe('');
    expect(empty.seen).toEqual([]);
  });
});
