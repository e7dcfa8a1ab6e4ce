import { addUsage } from '../run/node-context.ts';
import type { Usage } from '../node-definition.ts';
import type { Store } from '../store/types.ts';

const MINUTE_MS = 60_000;

/**
 * Counts calls and tokens per deployment, key and minute in memory and writes them once a second,
 * so a published call does not pay a database commit for metering.
 */
export class UsageMeter {
  readonly #pending = new Map<string, { deployment: string; keyId: string | null; minute: number; requests: number; usage: Usage }>();
  readonly #timer: ReturnType<typeof setInterval>;

  constructor(private readonly store: Store, flushMs = 1000) {
    this.#timer = setInterval(() => void this.flush(), flushMs);
    this.#timer.unref();
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

  /** One flush at a time: two would write the same pending counts twice. */
  flush(): Promise<void> {
    return (this.#flushing ??= this.#flush().finally(() => (this.#flushing = undefined)));
  }

  async #flush(): Promise<void> {
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
    // A flush that was running when close was called left what came in after it.
    if (this.#pending.size) await this.flush();
  }
}
