import { WeirError } from '../errors.ts';
import type { Store } from '../store/types.ts';
import { StoreQueue } from './store-queue.ts';
import type { WorkQueue } from './types.ts';

/**
 * WEIR_JOB_LEASE_MS: how long an instance that stopped renewing (it died) keeps its jobs before
 * another takes them (15 s by default; a shorter lease moves jobs sooner and renews more often).
 */
function leaseFromEnv(): number | undefined {
  const raw = process.env.WEIR_JOB_LEASE_MS;
  if (raw === undefined || raw === '') return undefined;
  const ms = Number(raw);
  if (!Number.isInteger(ms) || ms < 1000 || ms > 3600_000) throw new WeirError('invalid_argument', `WEIR_JOB_LEASE_MS=${raw}: expected whole milliseconds from 1000 to 3600000`);
  return ms;
}

/** BullMQ when instances share Redis (WEIR_REDIS_URL), else the queue in the store. */
export async function openQueue(store: Store, redisUrl?: string): Promise<WorkQueue> {
  const leaseMs = leaseFromEnv();
  if (!redisUrl) return new StoreQueue(store, { leaseMs });
  // Loaded only when asked for, like the Redis bus.
  const { openBullQueue } = await import('./bull-queue.ts');
  return openBullQueue(redisUrl, { leaseMs, stalledCheckMs: leaseMs ? Math.max(500, Math.round(leaseMs / 3)) : undefined });
}
