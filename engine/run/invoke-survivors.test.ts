/**
 * The helpers the executor calls a node through, tested on their own: what counts as a stream or a
 * promise, stopping a stream on abort, racing a node against its signal, per-attempt timeouts,
 * which errors are retried, backoff with jitter, and an abortable sleep. Each also leaves nothing
 * behind (no abort listener, no timer) once it has settled: a run's signal lives as long as the run,
 * and a map node calls these once per item.
 */
import { getEventListeners } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { WeirError } from '../errors.ts';
import { backoffMs, consumeStream, isAsyncIterable, isRetryable, isThenable, raceAbort, sleep, withTimeout } from './invoke.ts';

const listeners = (s: AbortSignal) => getEventListeners(s, 'abort').length;
const never = () => new Promise<never>(() => {});

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('isAsyncIterable and isThenable', () => {
  it('say no to undefined, null and primitives without throwing, and yes to the real thing', async () => {
    for (const v of [undefined, null, 0, 'text', true]) {
      expect(isAsyncIterable(v), String(v)).toBe(false);
      expect(isThenable(v), String(v)).toBe(false);
    }
    async function* gen() {
      yield 1;
    }
    expect(isAsyncIterable(gen())).toBe(true);
    expect(isThenable(Promise.resolve(1))).toBe(true);
    expect(isThenable({ then: 1 })).toBe(false);
  });
});

describe('consumeStream', () => {
  it('stops reading at the next chunk once the signal aborts, with the abort reason', async () => {
    const ctl = new AbortController();
    const reason = new Error('stop');
    async function* words() {
      yield 'a';
      yield 'b';
      yield 'c';
    }
    const seen: unknown[] = [];
    const read = consumeStream(words(), ctl.signal, (c) => {
      seen.push(c);
      ctl.abort(reason);
    });
    await expect(read).rejects.toBe(reason);
    expect(seen).toEqual(['a']);
  });

  it('joins the chunks of a stream that runs to its end', async () => {
    async function* words() {
      yield 'a';
      yield 'b';
    }
    await expect(consumeStream(words(), new AbortController().signal, () => {})).resolves.toBe('ab');
  });
});

describe('raceAbort', () => {
  it('rejects at once on a signal that is already aborted, even for a promise that resolves', async () => {
    const ctl = new AbortController();
    const reason = new Error('gone');
    ctl.abort(reason);
    await expect(raceAbort(Promise.resolve('late'), ctl.signal)).rejects.toBe(reason);
  });

  it('passes a value through and leaves no listener on the signal', async () => {
    const ctl = new AbortController();
    await expect(raceAbort(Promise.resolve('v'), ctl.signal)).resolves.toBe('v');
    expect(listeners(ctl.signal)).toBe(0);
  });

  it('passes an error through and leaves no listener on the signal', async () => {
    const ctl = new AbortController();
    const err = new Error('node failed');
    await expect(raceAbort(Promise.reject(err), ctl.signal)).rejects.toBe(err);
    expect(listeners(ctl.signal)).toBe(0);
  });

  it('rejects with the abort reason for a promise that never settles, and leaves no listener behind', async () => {
    const ctl = new AbortController();
    const reason = new Error('cancelled');
    const raced = raceAbort(never(), ctl.signal);
    expect(listeners(ctl.signal)).toBe(1);
    ctl.abort(reason);
    await expect(raced).rejects.toBe(reason);
    expect(listeners(ctl.signal)).toBe(0);
  });
});

describe('withTimeout', () => {
  it('aborts the attempt when the parent signal aborts, with the parent reason, before the timeout', async () => {
    vi.useFakeTimers();
    const parent = new AbortController();
    const reason = new Error('run cancelled');
    let attemptSignal!: AbortSignal;
    const pending = withTimeout(1000, 'n', parent.signal, (s) => ((attemptSignal = s), never()));
    parent.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(attemptSignal.aborted).toBe(true);
    expect(attemptSignal.reason).toBe(reason);
  });

  it('hands the attempt an aborted signal when the parent is already aborted', async () => {
    vi.useFakeTimers();
    const parent = new AbortController();
    const reason = new Error('already gone');
    parent.abort(reason);
    let sawAborted: boolean | undefined;
    await expect(withTimeout(1000, 'n', parent.signal, async (s) => ((sawAborted = s.aborted), 'ran'))).rejects.toBe(reason);
    expect(sawAborted).toBe(true);
  });

  it('times the attempt out with node_timeout naming the node', async () => {
    vi.useFakeTimers();
    const parent = new AbortController();
    const pending = withTimeout(50, 'slow', parent.signal, () => never());
    const check = expect(pending).rejects.toMatchObject({ code: 'node_timeout', node: 'slow', message: 'node "slow" timed out after 50 ms' });
    await vi.advanceTimersByTimeAsync(50);
    await check;
  });

  it('leaves no timer and no listener on the parent once the attempt has settled, either way', async () => {
    vi.useFakeTimers();
    const parent = new AbortController();
    await expect(withTimeout(1000, 'n', parent.signal, async () => 'done')).resolves.toBe('done');
    expect(vi.getTimerCount()).toBe(0);
    expect(listeners(parent.signal)).toBe(0);
    await expect(withTimeout(1000, 'n', parent.signal, async () => Promise.reject(new Error('no')))).rejects.toThrow('no');
    expect(vi.getTimerCount()).toBe(0);
    expect(listeners(parent.signal)).toBe(0);
  });
});

describe('isRetryable', () => {
  it('retries ordinary errors and thrown non-errors, follows a WeirError\'s own flag, and never retries an abort', () => {
    expect(isRetryable(new Error('socket hang up'))).toBe(true);
    expect(isRetryable(new TypeError('x is undefined'))).toBe(true);
    expect(isRetryable('a string')).toBe(true);
    expect(isRetryable(new WeirError('node_failed', 'y', { retryable: true }))).toBe(true);
    expect(isRetryable(new WeirError('node_failed', 'y'))).toBe(false);
    expect(isRetryable(Object.assign(new Error('aborted'), { name: 'AbortError' }))).toBe(false);
    expect(isRetryable(new DOMException('aborted', 'AbortError'))).toBe(false);
  });
});

describe('backoffMs', () => {
  const policy = { maxAttempts: 5, baseMs: 100, maxMs: 1000, multiplier: 2, jitter: false };

  it('doubles from the base and stops at the cap', () => {
    expect([1, 2, 3, 4, 5].map((a) => backoffMs(policy, a))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('with jitter draws from the upper half: [d/2, d]', () => {
    const jittered = { ...policy, jitter: true };
    const random = vi.spyOn(Math, 'random');
    random.mockReturnValue(0);
    expect(backoffMs(jittered, 2)).toBe(100);
    random.mockReturnValue(0.5);
    expect(backoffMs(jittered, 2)).toBe(150);
    random.mockReturnValue(1);
    expect(backoffMs(jittered, 2)).toBe(200);
  });
});

describe('sleep', () => {
  it('resolves after its time and leaves no listener behind', async () => {
    vi.useFakeTimers();
    const ctl = new AbortController();
    let done = false;
    const p = sleep(30, ctl.signal).then(() => (done = true));
    await vi.advanceTimersByTimeAsync(29);
    expect(done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    await p;
    expect(done).toBe(true);
    expect(listeners(ctl.signal)).toBe(0);
  });

  it('rejects with the reason when aborted while sleeping, clearing its timer and its listener', async () => {
    vi.useFakeTimers();
    const ctl = new AbortController();
    const reason = new Error('stop');
    const p = sleep(1000, ctl.signal);
    ctl.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
    expect(listeners(ctl.signal)).toBe(0);
  });

  it('rejects at once on a signal that is already aborted, without waiting', async () => {
    vi.useFakeTimers();
    const ctl = new AbortController();
    const reason = new Error('stop');
    ctl.abort(reason);
    await expect(sleep(1000, ctl.signal)).rejects.toBe(reason);
    expect(vi.getTimerCount()).toBe(0);
  });
});
