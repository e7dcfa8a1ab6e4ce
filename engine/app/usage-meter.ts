import { addUsage } from '../run/node-context.ts';
import type { Usage } from '../node-definition.ts';
import { WeirError } from '../errors.ts';
import type { CallRow, Store } from '../store/types.ts';

const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
/** Calls held when the database cannot take them: beyond it the oldest go (the minute counts stay whole). */
const MAX_PENDING_CALLS = 100_000;

/** How long call records are kept (WEIR_USAGE_CALL_DAYS, default 30); a value that is not a positive whole number stops the server naming it. */
export function callRetentionDays(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.WEIR_USAGE_CALL_DAYS;
  if (raw === undefined || raw === '') return 30;
  const days = Number(raw);
  if (!Number.isSafeInteger(days) || days < 1) throw new WeirError('invalid_config', `WEIR_USAGE_CALL_DAYS must be a positive whole number of days, not "${raw}"`);
  return days;
}

/**
 * Counts calls and tokens per deployment, key and minute in memory, keeps each call's record, and
 * writes both once a second, so a published call does not pay a database commit for metering.
 * Call records older than `callDays` are pruned once an hour (the minute counts are kept).
 */
export class UsageMeter {
  readonly #pending = new Map<string, { deployment: string; keyId: string | null; minute: number; requests: number; usage: Usage }>();
  #calls: CallRow[] = [];
  readonly #timer: ReturnType<typeof setInterval>;
  #prunedAt = 0;

  constructor(
    private readonly store: Store,
    flushMs = 1000,
    private readonly callDays = 30,
  ) {
    this.#timer = setInterval(() => void this.flush(), flushMs);
    this.#timer.unref();
  }

  /** A call's record, written with the next flush. */
  log(call: CallRow): void {
    this.#calls.push(call);
  }

  add(deployment: string, keyId: string | null, usage: Usage, at = Date.now()): void {
    const minute = Math.floor(at / MINUTE_MS);
    const key = `${deployment}\u0000${keyId ?? ''}\u0000${minute}`;
    let row = this.#pending.get(key);
    if (!row) this.#pending.set(key, (row = { deployment, keyId, minute, requests: 0, usage: {} }));
    row.requests++;
    addUsage(row.usage, usage);
  }

  #flushing: Promise<void> | undefined;
  #queued: Promise<void> | undefined;

  /**
   * Writes what was counted before this call. One flush at a time (two would write the same
   * pending counts twice): asked while one runs, another follows it, for what came in meanwhile.
   */
  flush(): Promise<void> {
    if (!this.#flushing) return (this.#flushing = this.#flush().finally(() => (this.#flushing = undefined)));
    return (this.#queued ??= this.#flushing.then(() => {
      this.#queued = undefined;
      return this.flush();
    }));
  }

  async #flush(): Promise<void> {
    await this.#flushCalls();
    for (const [key, r] of [...this.#pending]) {
      // Taken out before the write: calls counted meanwhile start a new row for the next flush.
      this.#pending.delete(key);
      try {
        await this.store.usage.record(r.deployment, r.keyId, r.usage, r.minute * MINUTE_MS, r.requests);
      } catch (err) {
        this.#putBack(key, r);
        // Keep the counts for the next flush (a busy database); a closed store ends metering.
        console.error('usage flush failed:', (err as Error).message);
        return;
      }
    }
  }

  async #flushCalls(): Promise<void> {
    const calls = this.#calls;
    if (calls.length) {
      this.#calls = [];
      try {
        await this.store.calls.record(calls);
      } catch (err) {
        this.#calls = [...calls, ...this.#calls].slice(-MAX_PENDING_CALLS);
        console.error('call records flush failed:', (err as Error).message);
        return;
      }
    }
    const now = Date.now();
    if (now - this.#prunedAt < HOUR_MS) return;
    this.#prunedAt = now;
    await this.store.calls.prune(now - this.callDays * 24 * HOUR_MS).catch((err: unknown) => console.error('call records could not be pruned:', (err as Error).message));
  }

  #putBack(key: string, r: { deployment: string; keyId: string | null; minute: number; requests: number; usage: Usage }): void {
    const now = this.#pending.get(key);
    if (!now) this.#pending.set(key, r);
    else {
      now.requests += r.requests;
      addUsage(now.usage, r.usage);
    }
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
