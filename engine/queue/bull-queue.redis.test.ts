import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningService } from '../../test/helpers/services/running-service.ts';
import { startRedis } from '../../test/helpers/services/redis.ts';
import { openBullQueue } from './bull-queue.ts';
import { openQueue } from './open-queue.ts';
import { queueContract } from './queue-contract.ts';
import { openStore } from '../store/open.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

let server: RunningService;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server?.stop());

// Short locks so a dead instance's job moves in about a second; one prefix for this file.
const prefix = `test-${randomUUID().slice(0, 8)}`;
queueContract('bullmq (Redis)', async () => openBullQueue(server.url, { prefix, leaseMs: 600, stalledCheckMs: 200, retryDelayMs: 10 }));

describe('bullmq queue', () => {
  it('is what openQueue gives with a Redis URL', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-bq-'));
    const store = await openStore({ dataDir: dir });
    try {
      const q = await openQueue(store, server.url);
      expect(q.kind).toBe('bullmq');
      await q.close();
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
