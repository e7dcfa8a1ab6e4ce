import { MemoryBus } from './memory-bus.ts';
import type { Bus } from './types.ts';

/** Redis when a URL is given (WEIR_REDIS_URL: instances share it), else this process's own bus. */
export async function openBus(redisUrl?: string): Promise<Bus> {
  if (!redisUrl) return new MemoryBus();
  // Loaded only when asked for: one instance on a laptop never pays for the Redis client.
  const { openRedisBus } = await import('./redis-bus.ts');
  return openRedisBus(redisUrl);
}
