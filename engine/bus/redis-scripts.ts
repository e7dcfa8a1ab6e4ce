/**
 * Lua run inside Redis, so each check-and-change is one atomic step no other client can interleave.
 */

/**
 * INCRBY, then an expiry only if the key has none (PTTL -1): the first increment opens a fixed
 * window and later ones do not prolong it — PEXPIRE's NX flag, which needs Redis 7; this needs 2.6.
 * KEYS[1] counter; ARGV[1] by; ARGV[2] ttl in ms, 0 for none.
 */
export const INCR_WITH_WINDOW = `
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
local ttl = tonumber(ARGV[2])
if ttl > 0 and redis.call('PTTL', KEYS[1]) == -1 then
  redis.call('PEXPIRE', KEYS[1], ttl)
end
return value
`;

/** Extends only while the lock still holds our token. KEYS[1] lock; ARGV[1] token; ARGV[2] ttl in ms. */
export const EXTEND_IF_OURS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** Deletes only our own lock: after ours expired someone else may hold it. KEYS[1] lock; ARGV[1] token. */
export const RELEASE_IF_OURS = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`;

export interface BusScripts {
  weirIncr(key: string, by: number, ttlMs: number): Promise<number>;
  weirExtend(key: string, token: string, ttlMs: number): Promise<number>;
  weirRelease(key: string, token: string): Promise<number>;
}

export const BUS_SCRIPTS: Record<keyof BusScripts, { lua: string; numberOfKeys: number }> = {
  weirIncr: { lua: INCR_WITH_WINDOW, numberOfKeys: 1 },
  weirExtend: { lua: EXTEND_IF_OURS, numberOfKeys: 1 },
  weirRelease: { lua: RELEASE_IF_OURS, numberOfKeys: 1 },
};
