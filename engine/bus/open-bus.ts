import { MemoryBus } from './memory-bus.ts';
import { openRedisBus } from './redis-bus.ts';
import type { Bus } from './types.ts';

/** Redis when a URL is given (WEIR_REDIS_URL: instances share it), else this process's own bus. */
export async function openBus(redisUrl?: string): Promise<Bus> {
  return redisUrl ? openRedisBus(redisUrl) : new MemoryBus();
}
