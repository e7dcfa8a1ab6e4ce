import { randomUUID } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { busClosed, busUnavailable, checkIncrement, checkTtl } from './bus-errors.ts';
import { deliver, deliverCall, encodeMessage } from './messages.ts';
import { BUS_SCRIPTS, type BusScripts } from './redis-scripts.ts';
import type { Bus, Lock } from './types.ts';

export interface RedisBusOptions {
  /** Prefix of every key and channel, so several Weir deployments (or tests) can share one Redis. */
  prefix?: string;
  /** How long a command may wait for Redis before it rejects (a hung or partitioned server). */
  commandTimeoutMs?: number;
  log?: { warn(message: string): void };
}

type Client = Redis & BusScripts;

interface Channel {
  handlers: Set<(text: string) => void>;
  /** SUBSCRIBE acknowledged: messages published after it reach us. */
  ready: Promise<void>;
}

/**
 * Connects to Redis (two connections: a subscribed connection can send nothing but (UN)SUBSCRIBE)
 * and resolves once both are ready; rejects with bus_unavailable if Redis cannot be reached.
 */
export async function openRedisBus(url: string, opts: RedisBusOptions = {}): Promise<Bus> {
  const where = redact(url);
  const log = opts.log ?? { warn: (m: string) => console.warn(`weir bus: ${m}`) };
  const settings: RedisOptions = {
    lazyConnect: true,
    // While disconnected, commands fail at once instead of queueing in memory: a quota check or a
    // lock attempt should get an answer (an error) now, not minutes later when Redis is back.
    enableOfflineQueue: false,
    // A command in flight when the connection drops fails instead of being resent after the
    // reconnect: resending an INCRBY whose reply was lost could count it twice.
    maxRetriesPerRequest: 0,
    // A server that accepts the connection but never answers (paused, partitioned) must not hang callers.
    commandTimeout: opts.commandTimeoutMs ?? 5_000,
    connectTimeout: 5_000,
    // Reconnecting itself goes on forever (ioredis's capped backoff), and subscriptions are restored.
  };
  const commands = new Redis(url, settings) as Client;
  const subscriber = new Redis(url, settings);
  for (const [name, script] of Object.entries(BUS_SCRIPTS)) commands.defineCommand(name, script);
  watchConnection(commands, where, log);
  watchConnection(subscriber, where, log);
  try {
    await Promise.all([commands.connect(), subscriber.connect()]);
  } catch (err) {
    commands.disconnect();
    subscriber.disconnect();
    throw busUnavailable(where, err);
  }
  return new RedisBus(commands, subscriber, where, opts.prefix ?? 'weir:');
}

class RedisBus implements Bus {
  readonly #channels = new Map<string, Channel>();
  #closed = false;

  constructor(
    private readonly commands: Client,
    private readonly subscriber: Redis,
    private readonly where: string,
    private readonly prefix: string,
  ) {
    subscriber.on('message', (channel: string, text: string) => {
      const handlers = this.#channels.get(channel)?.handlers;
      // A copy: a handler may unsubscribe itself or another while we iterate.
      for (const h of [...(handlers ?? [])]) h(text);
    });
    // ioredis subscribes again on reconnect; what was published while it was away is lost.
    let lost = false;
    subscriber.on('close', () => (lost = true));
    subscriber.on('ready', () => {
      if (!lost) return;
      lost = false;
      for (const l of [...this.#reconnects]) deliverCall(l);
    });
  }

  readonly #reconnects = new Set<() => void>();

  onReconnect(listener: () => void): () => void {
    this.#reconnects.add(listener);
    return () => this.#reconnects.delete(listener);
  }

  async publish(channel: string, message: unknown): Promise<void> {
    const text = encodeMessage(message);
    await this.#call(() => this.commands.publish(this.#channel(channel), text));
  }

  async subscribe(channel: string, handler: (message: unknown) => void): Promise<() => Promise<void>> {
    return this.#call(async () => {
      const name = this.#channel(channel);
      let entry = this.#channels.get(name);
      if (!entry) {
        const created: Channel = { handlers: new Set(), ready: this.subscriber.subscribe(name).then(() => undefined) };
        created.ready.catch(() => {
          if (this.#channels.get(name) === created) this.#channels.delete(name);
        });
        this.#channels.set(name, created);
        entry = created;
      }
      const ours = entry;
      // One wrapper per call, so the same function subscribed twice is two subscriptions, as on the memory bus.
      const listener = (text: string) => {
        if (ours.handlers.has(listener)) deliver(handler, text);
      };
      ours.handlers.add(listener);
      try {
        await ours.ready;
      } catch (err) {
        ours.handlers.delete(listener);
        throw err;
      }
      let done = false;
      return async () => {
        if (done) return;
        done = true;
        ours.handlers.delete(listener);
        if (ours.handlers.size > 0 || this.#channels.get(name) !== ours) return;
        this.#channels.delete(name);
        // Delivery to the handler has already stopped; if Redis is away the channel stays subscribed
        // on the connection, and its messages find no handler — nothing the caller must handle.
        await this.subscriber.unsubscribe(name).catch(() => {});
      };
    });
  }

  async incr(key: string, by: number, ttlMs?: number): Promise<number> {
    checkIncrement(by, ttlMs);
    return this.#call(() => this.commands.weirIncr(this.#counter(key), by, ttlMs ?? 0));
  }

  async get(key: string): Promise<number> {
    const value = await this.#call(() => this.commands.get(this.#counter(key)));
    return value === null ? 0 : Number(value);
  }

  async lock(name: string, ttlMs: number): Promise<Lock | undefined> {
    checkTtl(ttlMs);
    const key = `${this.prefix}lock:${name}`;
    const token = randomUUID();
    const taken = await this.#call(() => this.commands.set(key, token, 'PX', ttlMs, 'NX'));
    if (taken !== 'OK') return undefined;
    return {
      name,
      extend: async (ttl: number) => {
        checkTtl(ttl);
        return (await this.#call(() => this.commands.weirExtend(key, token, ttl))) === 1;
      },
      release: async () => {
        await this.#call(() => this.commands.weirRelease(key, token));
      },
    };
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    await Promise.all(
      [this.commands, this.subscriber].map(async (client) => {
        client.removeAllListeners('close'); // a shutdown is not a lost connection
        // QUIT lets replies in flight arrive; disconnect() also stops reconnecting if Redis is away.
        await client.quit().catch(() => {});
        client.disconnect();
      }),
    );
  }

  #channel(channel: string): string {
    return `${this.prefix}channel:${channel}`;
  }

  #counter(key: string): string {
    return `${this.prefix}count:${key}`;
  }

  /** Redis's own answers (a wrong type, a script error) pass through; losing Redis becomes bus_unavailable. */
  async #call<T>(op: () => Promise<T>): Promise<T> {
    if (this.#closed) throw busClosed();
    try {
      return await op();
    } catch (err) {
      if (err instanceof Error && err.name === 'ReplyError') throw err;
      throw busUnavailable(this.where, err);
    }
  }
}

/** Logs losing and regaining Redis once per change, not once per failed reconnect attempt. */
function watchConnection(client: Redis, where: string, log: { warn(message: string): void }): void {
  let lost = false;
  let connected = false;
  let lastError = '';
  client.on('error', (err: Error) => (lastError = err.message)); // without a listener ioredis prints each one
  client.on('close', () => {
    if (!connected || lost) return;
    lost = true;
    log.warn(`lost the connection to Redis at ${where}${lastError ? ` (${lastError})` : ''}; reconnecting`);
  });
  client.on('ready', () => {
    connected = true;
    if (!lost) return;
    lost = false;
    log.warn(`reconnected to Redis at ${where}`);
  });
}

/** The URL without its password, for messages and logs. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString().replace(/\/$/, '');
  } catch {
    return 'redis';
  }
}
