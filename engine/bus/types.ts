/**
 * What Weir instances share for coordination: pub/sub, atomic counters and locks. One laptop uses the
 * in-process implementation (memory-bus.ts); N instances share one through Redis (redis-bus.ts).
 * Callers see one contract (bus-contract.ts), so code above this line never knows which it has.
 */
export interface Bus {
  /**
   * Sends a JSON-serialisable message to every current subscriber of the channel, on every instance
   * sharing this bus. Delivery is at most once: a subscriber that is disconnected at that moment
   * misses it, so subscribers use messages as hints (e.g. "drop this cache entry"), never as the
   * only copy of the data. Rejects with a TypeError if the message is not JSON-serialisable.
   */
  publish(channel: string, message: unknown): Promise<void>;
  /**
   * Calls `handler` with each message published on the channel after the returned promise resolves,
   * as a fresh copy parsed from JSON (a Date arrives as its ISO string). A handler that throws does
   * not stop delivery to the others. Resolves with the function that unsubscribes; after it is
   * called the handler gets nothing more.
   */
  subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>>;

  /**
   * Adds `by` (an integer, may be negative) to the counter and resolves with its new value; missing
   * counters start at 0. With `ttlMs`, a counter that has no expiry yet gets one — so the first
   * increment opens a fixed window and later ones within it do not prolong it; once it expires the
   * next increment starts a new window from 0. Atomic across every instance.
   */
  incr(key: string, by: number, ttlMs?: number): Promise<number>;
  /** The counter's value: 0 if it was never incremented or its window expired. */
  get(key: string): Promise<number>;

  /**
   * Takes the named lock for `ttlMs`, or resolves with undefined if someone holds it. A holder that
   * dies without releasing it loses it after ttlMs, so long work must extend() before it runs out.
   */
  lock(name: string, ttlMs: number): Promise<Lock | undefined>;

  /**
   * Calls `listener` each time this instance gets its connection to the shared bus back after losing
   * it: messages published in between were missed, so what they would have said is unknown (caches
   * drop everything). Never called on the in-process bus, which cannot lose messages. Returns the
   * function that stops the calls.
   */
  onReconnect(listener: () => void): () => void;

  /** Stops delivery to this instance's subscribers and frees its connections; later calls reject. */
  close(): Promise<void>;
}

export interface Lock {
  readonly name: string;
  /**
   * Sets the remaining time to `ttlMs` if this holder still has the lock; false if it expired (and
   * perhaps someone else took it), in which case the work it guarded must stop.
   */
  extend(ttlMs: number): Promise<boolean>;
  /** Releases the lock if this holder still has it; never releases a later holder's lock. */
  release(): Promise<void>;
}
