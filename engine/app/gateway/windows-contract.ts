import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Bus } from '../../bus/types.ts';
import { takeFromWindow } from './windows.ts';

/**
 * The admission guarantee on a bus implementation: `make` gives two buses on the same shared state
 * (two instances). Under 200 concurrent callers split across them, what is admitted in a window is
 * exactly the limit (never more; never less while callers keep asking).
 */
export function windowContract(name: string, make: () => Promise<[Bus, Bus]>): void {
  describe(`limit windows on ${name}`, () => {
    it('admits exactly the limit out of 200 concurrent calls over two instances, for amounts of 1 and of many', async () => {
      const [a, b] = await make();
      try {
        const T = Date.UTC(2027, 0, 1, 12, 0, 1);
        const key = `k-${randomUUID()}`;
        const calls = Array.from({ length: 200 }, (_, i) => takeFromWindow(i % 2 ? a : b, key, 1, 57, 60_000, T));
        const admitted = (await Promise.all(calls)).filter((w) => w.ok);
        expect(admitted).toHaveLength(57);
        expect(admitted.map((w) => w.remaining).sort((x, y) => x - y)).toEqual(Array.from({ length: 57 }, (_, i) => i));

        // Token-like amounts: what is admitted never passes the limit.
        const tokens = `t-${randomUUID()}`;
        const amounts = Array.from({ length: 200 }, (_, i) => 50 + ((i * 37) % 400));
        const got = await Promise.all(amounts.map((n, i) => takeFromWindow(i % 2 ? a : b, tokens, n, 10_000, 60_000, T).then((w) => (w.ok ? n : 0))));
        const total = got.reduce((x, y) => x + y, 0);
        expect(total).toBeLessThanOrEqual(10_000);
        // …and refuses only when what was asked would not have fitted beside what was admitted.
        expect(total).toBeGreaterThan(10_000 - Math.max(...amounts));
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
}
