import { describe, expect, it } from 'vitest';
import { newRunId } from './run-id.ts';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('newRunId', () => {
  it('is a UUIDv7 carrying its creation time', () => {
    const at = Date.UTC(2026, 10, 24, 12, 0, 0, 123);
    const id = newRunId(at);
    expect(id).toMatch(V7);
    expect(parseInt(id.slice(0, 8) + id.slice(9, 13), 16)).toBe(at);
  });

  it('sorts by creation time, so the runs index grows at its end', () => {
    const ids = [5, 1, 4, 2, 3].map((s) => newRunId(1_700_000_000_000 + s * 1000));
    expect([...ids].sort()).toEqual([1, 2, 3, 4, 5].map((s) => ids[[5, 1, 4, 2, 3].indexOf(s)]));
  });

  it('keeps ids made in the same millisecond distinct', () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newRunId(1_700_000_000_000)));
    expect(ids.size).toBe(10_000);
  });
});
