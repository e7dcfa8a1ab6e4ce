import { vi } from 'vitest';
import type { Plan } from '../../engine/flow/compile.ts';
import type { RunOptions } from '../../engine/run/executor.ts';
import { run } from './flows.ts';

/**
 * Runs a plan on vitest's fake clock (timers, Date and performance), moving it 1 ms at a time
 * until the run settles, and says at which fake millisecond it did. Timeouts, backoff and deadlines
 * are behaviour measured in time; on the fake clock they can be asserted exactly without depending
 * on how busy the machine is. A run that has not settled by `limitMs` fake ms fails the test.
 */
export async function runOnFakeClock(p: Plan, inputs: Record<string, unknown> = {}, opts: RunOptions = {}, limitMs = 10_000, before?: () => void) {
  vi.useFakeTimers();
  try {
    before?.(); // e.g. schedule a cancellation on the same fake clock
    const t0 = performance.now();
    let settled = false;
    const pending = run(p, inputs, opts).finally(() => (settled = true));
    while (!settled && performance.now() - t0 < limitMs) await vi.advanceTimersByTimeAsync(1);
    if (!settled) throw new Error(`the run had not settled after ${limitMs} fake ms`);
    const out = await pending;
    return { ...out, settledAt: out.ms };
  } finally {
    vi.useRealTimers();
  }
}
