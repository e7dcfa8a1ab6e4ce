import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { portIsFree } from './free-port.ts';
import { holdInChild } from './hold.ts';
import { startRedis } from './redis.ts';
import type { RunningService } from './running-service.ts';

const portOf = (url: string) => Number(new URL(url).port);

async function withClient<T>(url: string, use: (r: Redis) => Promise<T>): Promise<T> {
  // No reconnecting: a test against a stopped server should fail at once.
  const client = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  client.on('error', () => {});
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

describe('startRedis', () => {
  let server: RunningService;
  beforeAll(async () => {
    server = await startRedis();
  });
  afterAll(() => server?.stop());

  it('answers SET and GET on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^redis:\/\/127\.0\.0\.1:\d+$/);
    expect(await withClient(server.url, async (r) => [await r.set('k', 'v'), await r.get('k')])).toEqual(['OK', 'v']);
  });

  it('keeps nothing on disk', async () => {
    const config = await withClient(server.url, (r) => r.config('GET', 'save') as Promise<string[]>);
    const appendonly = await withClient(server.url, (r) => r.config('GET', 'appendonly') as Promise<string[]>);
    expect([config, appendonly]).toEqual([['save', ''], ['appendonly', 'no']]);
  });
});

describe('stopping Redis', () => {
  it('frees the port, and a second stop is harmless', async () => {
    const server = await startRedis();
    await server.stop();
    expect(await portIsFree(portOf(server.url))).toBe(true);
    await expect(withClient(server.url, (r) => r.ping())).rejects.toThrow();
    await server.stop();
  });

  it('can start again on the port it had', async () => {
    const first = await startRedis();
    await first.stop();
    const again = await startRedis({ port: portOf(first.url) });
    try {
      expect(await withClient(again.url, (r) => r.ping())).toBe('PONG');
    } finally {
      await again.stop();
    }
  });

  it('happens when the test process is killed without stopping it', async () => {
    const held = await holdInChild('redis');
    expect(await withClient(held.url, (r) => r.ping())).toBe('PONG');
    held.kill();
    await vi.waitFor(async () => expect(await portIsFree(portOf(held.url))).toBe(true), { timeout: 15_000, interval: 100 });
  });
});
