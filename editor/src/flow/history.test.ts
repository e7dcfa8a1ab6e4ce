import { describe, expect, it } from 'vitest';
import { record, redo, start, undo } from './history.ts';
import { sampleFlow } from './test-fixtures.ts';

describe('undo history', () => {
  it('undoes and redoes edits in order; a new edit drops the redo branch', () => {
    const a = sampleFlow(), b = { ...a, description: 'b' }, c = { ...a, description: 'c' };
    let h = record(record(start(a), b, undefined, 0), c, undefined, 10);
    h = undo(h);
    expect(h.present).toBe(b);
    h = undo(h);
    expect(h.present).toBe(a);
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe(b);
    h = record(h, c, undefined, 20);
    expect(h.future).toEqual([]);
  });

  it('typing into one field is one step; the same key after a pause is another', () => {
    const a = sampleFlow();
    let h = start(a);
    h = record(h, { ...a, description: 'h' }, 'desc', 0);
    h = record(h, { ...a, description: 'he' }, 'desc', 300);
    h = record(h, { ...a, description: 'hey' }, 'desc', 600);
    expect(h.past).toHaveLength(1);
    h = record(h, { ...a, description: 'hey!' }, 'desc', 5000);
    expect(h.past).toHaveLength(2);
    expect(undo(undo(h)).present).toBe(a);
  });
});
