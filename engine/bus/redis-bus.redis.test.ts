import { randomUUID } from 'node:crypto';
import { connect, createServer, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { freePort } from '../../test/helpers/services/free-port.ts';
import type { RunningService } from '../../test/helpers/services/running-service.ts';
import { startRedis } from '../../test/helpers/services/redis.ts';
import { busContract } from './bus-contract.ts';
import { openBus } from './open-bus.ts';
import { openRedisBus } from './redis-bus.ts';
import type { Bus } from './types.ts';

let server: RunningService;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server?.stop());

// One prefix for this file's buses, so they share state with each other and with nothing else.
const prefix = `test-${randomUUID()}:`;
busContract('redis', () => openRedisBus(server.url, { prefix }));

const quietLog = { warn: () => {} };
const poll = { timeout: 15_000, interval: 50 };
const unavailable = { code: 'bus_unavailable', retryable: true, status: 503 };

describe('redis bus', () => {
  it('is what openBus gives with a Redis URL', async () => {
    const a = await openBus(server.url);
    const b = await openRedisBus(server.url, { log: quietLog });
    try {
      const key = `k-${randomUUID()}`;
      await a.incr(key, 3);
      expect(await b.get(key)).toBe(3); // the default prefix
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('refuses to open when Redis cannot be reached, naming where without the password', async () => {
    const port = await freePort();
    const opening = openRedisBus(`redis://:hunter2@127.0.0.1:${port}`, { log: quietLog });
    await expect(opening).rejects.toMatchObject(unavailable);
    await expect(opening).rejects.toThrow(`127.0.0.1:${port}`);
    await expect(opening).rejects.not.toThrow('hunter2');
  });

  it('rejects every call while Redis is gone, and works again (subscriptions too) when it is back', async () => {
    const own = await startRedis();
    const port = Number(new URL(own.url).port);
    const warnings: string[] = [];
    const bus = await openRedisBus(own.url, { log: { warn: (m) => warnings.push(m) } });
    let back: RunningService | undefined;
    try {
      const got: unknown[] = [];
      await bus.subscribe('ch', (m) => got.push(m));
      // Told once the connection is back, since whatever was published meanwhile was missed.
      let reconnects = 0;
      bus.onReconnect(() => reconnects++);
      const held = (await bus.lock('l', 60_000))!;
      await own.stop();

      await vi.waitFor(() => expect(warnings.some((w) => w.startsWith('lost the connection'))).toBe(true), poll);
      const calls: Promise<unknown>[] = [
        bus.publish('ch', 1),
        bus.subscribe('other', () => {}),
        bus.incr('k', 1, 1_000),
        bus.get('k'),
        bus.lock('l2', 1_000),
        held.extend(1_000),
        held.release(),
      ];
      for (const call of calls) await expect(call).rejects.toMatchObject(unavailable);
      await expect(bus.get('k')).rejects.toThrow(`the bus (redis://127.0.0.1:${port}) is unavailable`);

      expect(reconnects).toBe(0);
      back = await startRedis({ port });
      await vi.waitFor(async () => expect(await bus.incr('k', 1)).toBe(1), poll);
      await vi.waitFor(() => expect(reconnects).toBe(1), poll);
      // The subscription made before the outage is restored on the new connection.
      const other = await openRedisBus(back.url, { log: quietLog });
      try {
        await vi.waitFor(async () => {
          await other.publish('ch', 'back');
          expect(got).toContain('back');
        }, poll);
      } finally {
        await other.close();
      }
    } finally {
      await bus.close();
      await back?.stop();
    }
  });

  it('rejects instead of hanging when Redis stops answering', async () => {
    const proxy = await freezableProxy(Number(new URL(server.url).port));
    const bus = await openRedisBus(proxy.url, { prefix: `${prefix}hang:`, commandTimeoutMs: 200, log: quietLog });
    try {
      expect(await bus.incr('k', 1)).toBe(1);
      proxy.freeze(); // connected, but nothing comes back: a stalled or partitioned server
      await expect(bus.incr('k', 1)).rejects.toMatchObject(unavailable);
      await expect(bus.get('k')).rejects.toThrow(/timed out/i);
    } finally {
      await bus.close();
      await proxy.close();
    }
  });

  it('refuses to open on a server that never answers', async () => {
    const proxy = await freezableProxy(Number(new URL(server.url).port));
    proxy.freeze();
    try {
      await expect(openRedisBus(proxy.url, { commandTimeoutMs: 200, log: quietLog })).rejects.toMatchObject(unavailable);
    } finally {
      await proxy.close();
    }
  });

  it('lets Redis errors through as they are', async () => {
    const raw = new Redis(server.url);
    const bus: Bus = await openRedisBus(server.url, { prefix: `${prefix}raw:`, log: quietLog });
    try {
      await raw.set(`${prefix}raw:count:text`, 'not a number');
      await expect(bus.incr('text', 1)).rejects.toMatchObject({ name: 'ReplyError' });
    } finally {
      raw.disconnect();
      await bus.close();
    }
  });
});

/** A TCP relay to Redis that can stop relaying, leaving its clients connected to silence. */
async function freezableProxy(targetPort: number): Promise<{ url: string; freeze(): void; close(): Promise<void> }> {
  let frozen = false;
  const sockets = new Set<Socket>();
  const relay = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    for (const [from, to] of [[client, upstream], [upstream, client]] as const) {
      sockets.add(from);
      from.on('data', (d) => {
        if (!frozen) to.write(d);
      });
      from.on('close', () => to.destroy());
      from.on('error', () => {});
    }
  });
  await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
  const { port } = relay.address() as { port: number };
  return {
    url: `redis://127.0.0.1:${port}`,
    freeze: () => {
      frozen = true;
    },
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => relay.close(r));
    },
  };
}
