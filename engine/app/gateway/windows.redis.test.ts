import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import type { RunningService } from '../../../test/helpers/services/running-service.ts';
import { startRedis } from '../../../test/helpers/services/redis.ts';
import { openRedisBus } from '../../bus/redis-bus.ts';
import { windowContract } from './windows-contract.ts';

let server: RunningService;
beforeAll(async () => {
  server = await startRedis();
});
afterAll(() => server?.stop());

windowContract('Redis (two instances)', async () => {
  const prefix = `limits-${randomUUID()}:`;
  return [await openRedisBus(server.url, { prefix }), await openRedisBus(server.url, { prefix })];
});
