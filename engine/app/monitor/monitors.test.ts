/** The sampling budget: what one instance samples a second, and how the budget is configured. */
import { describe, expect, it, vi } from 'vitest';
import type { Store } from '../../store/types.ts';
import { Monitors, samplesPerSecond } from './monitors.ts';

function monitorsWith(maxPerSecond: number): Monitors {
  const store = { monitors: { list: async () => [{ deployment: 'chat', body: { sampling_rate: 1, evaluators: [{ flow: 'judge' }] }, checkedAt: null, updatedAt: 0 }] } } as unknown as Store;
  return new Monitors({ store, queue: {} as never, host: {} as never, evaluatorPlan: async () => ({}) as never, connection: async () => undefined }, { maxPerSecond, flushMs: 3_600_000, checkMs: 3_600_000 });
}

describe('the sampling budget', () => {
  it('samples at most its budget in a second, counts the rest as dropped, and starts again the next second', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.UTC(2026, 11, 1, 12, 0, 0, 100) });
    try {
      const m = monitorsWith(3);
      // The first call reads the monitors (it is not sampled: none is known yet); the next find them.
      expect(m.wants('other')).toBe(false);
      await new Promise((ok) => setImmediate(ok));
      expect(Array.from({ length: 10 }, () => m.wants('chat')).filter(Boolean)).toHaveLength(3);
      expect(m.dropped).toBe(7);
      vi.setSystemTime(Date.UTC(2026, 11, 1, 12, 0, 1, 100));
      expect(Array.from({ length: 10 }, () => m.wants('chat')).filter(Boolean)).toHaveLength(3);
      expect(m.dropped).toBe(14);
      expect(m.wants('other')).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });

  it('reads WEIR_MONITOR_SAMPLES_PER_SECOND, refusing what is not a positive whole number', () => {
    expect(samplesPerSecond({})).toBe(200);
    expect(samplesPerSecond({ WEIR_MONITOR_SAMPLES_PER_SECOND: '50' })).toBe(50);
    for (const bad of ['0', '-3', '2.5', 'lots']) expect(() => samplesPerSecond({ WEIR_MONITOR_SAMPLES_PER_SECOND: bad })).toThrow(/WEIR_MONITOR_SAMPLES_PER_SECOND must be a positive whole number, not "/);
  });
});
