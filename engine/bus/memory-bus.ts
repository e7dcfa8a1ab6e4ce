import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { busClosed, checkIncrement, checkTtl } from './bus-errors.ts';
import { deliver, encodeMessage } from './messages.ts';
import type { Bus, Lock } from './types.ts';

interface Counter {
  value: number;
  expiresAt?: number;
}

interface Held {
  token: string;
  expiresAt: number;
}

/** Sweep expired entries once a map has grown past this, so keys never touched again do not pile up. */
const SWEEP_FLOOR = 1024;

/**
 * The state MemoryBus instances share. Memory is per process: buses on one hub see each other's
 * messages, counters and locks, and nothing crosses to another process — with several instances,
 * use Redis. Expiry is checked when an entry is touched (no timers), against `now`, which reads
 * Date.now() at each call so tests can move it with fake timers.
 */
export class MemoryHub {
  readonly events = new EventEmitter().setMaxListeners(0);
  readonly counters = new Map<string, Counter>();
  readonly locks = new Map<string, Held>();
  #sweepAt = SWEEP_FLOOR;

  constructor(readonly now: () => number = () => Date.now()) {}

  liveCounter(key: string): Counter | undefined {
    const c = this.counters.get(key);
    if (c?.expiresAt !== undefined && c.expiresAt <= this.now()) {
      this.counters.delete(key);
      return undefined;
    }
    return c;
  }

  liveLock(name: string): Held | undefined {
    const held = this.locks.get(name);
    return held && held.expiresAt > this.now() ? held : undefined;
  }

  sweep(): void {
    if (this.counters.size + this.locks.size < this.#sweepAt) return;
    const now = this.now();
    for (const [key, c] of this.counters) if (c.expiresAt !== undefined && c.expiresAt <= now) this.counters.delete(key);
    for (const [name, held] of this.locks) if (held.expiresAt <= now) this.locks.delete(name);
    this.#sweepAt = Math.max(SWEEP_FLOOR, 2 * (this.counters.size + this.locks.size));
  }
}

/** The in-process bus: what one laptop uses, and the reference the Redis bus must behave like. */
export class MemoryBus implements Bus {
  readonly #hub: MemoryHub;
  readonly #unsubscribes = new Set<() => void>();
  #closed = false;

  constructor(hub: MemoryHub = new MemoryHub()) {
    this.#hub = hub;
  }

  onReconnect(): () => void {
    return () => {};
  }

  async publish(channel: string, message: unknown): Promise<void> {
    this.#open();
    const text = encodeMessage(message);
    // Delivered after publish returns, as over Redis: a subscriber that publishes in turn does not
    // recurse into its caller, and no publisher relies on handlers having run synchronously.
    queueMicrotask(() => this.#hub.events.emit(channel, text));
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    this.#open();
    let active = true;
    // Checked at delivery: emit() copies its listener list, so a handler removed by another handler
    // during the same emit would otherwise still be called.
    const listener = (text: string) => {
      if (active) deliver(handler, text);
    };
    const stop = () => {
      active = false;
      this.#hub.events.off(channel, listener);
      this.#unsubscribes.delete(stop);
    };
    this.#hub.events.on(channel, listener);
    this.#unsubscribes.add(stop);
    return async () => stop();
  }

  async incr(key: string, by: number, ttlMs?: number): Promise<number> {
    this.#open();
    checkIncrement(by, ttlMs);
    const hub = this.#hub;
    let counter = hub.liveCounter(key);
    if (!counter) {
      hub.sweep();
      counter = { value: 0 };
      hub.counters.set(key, counter);
    }
    counter.value += by;
    if (ttlMs !== undefined && counter.expiresAt === undefined) counter.expiresAt = hub.now() + ttlMs;
    return counter.value;
  }

  async get(key: string): Promise<number> {
    this.#open();
    return this.#hub.liveCounter(key)?.value ?? 0;
  }

  async lock(name: string, ttlMs: number): Promise<Lock | undefined> {
    this.#open();
    checkTtl(ttlMs);
    const hub = this.#hub;
    if (hub.liveLock(name)) return undefined;
    hub.sweep();
    const token = randomUUID();
    hub.locks.set(name, { token, expiresAt: hub.now() + ttlMs });
    return new MemoryLock(name, token, hub, () => this.#open());
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const stop of [...this.#unsubscribes]) stop();
  }

  #open(): void {
    if (this.#closed) throw busClosed();
  }
}

class MemoryLock implements Lock {
  constructor(
    readonly name: string,
    private readonly token: string,
    private readonly hub: MemoryHub,
    private readonly checkOpen: () => void,
  ) {}

  async extend(ttlMs: number): Promise<boolean> {
    this.checkOpen();
    checkTtl(ttlMs);
    const held = this.hub.liveLock(this.name);
    if (held?.token !== this.token) return false;
    held.expiresAt = this.hub.now() + ttlMs;
    return true;
  }

  async release(): Promise<void> {
    this.checkOpen();
    if (this.hub.locks.get(this.name)?.token === this.token) this.hub.locks.delete(this.name);
  }
}
