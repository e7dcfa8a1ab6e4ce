/**
 * Pure rules every Store implementation shares (sqlite/, postgres/), so the two cannot drift:
 * what a deployment key looks like and how it is hashed, how an interrupted run or job is marked, and
 * how a connection's secrets are merged.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { UsageRow } from './types.ts';

export const KEY_PREFIX = 'weir_';
/** Characters of a key kept in the clear to tell keys apart; never enough to use it. */
export const KEY_PREFIX_CHARS = 12;
// 'weir_' + base64url(32 bytes) is 5 + 43 characters; anything else is not ours and skips the hash.
export const KEY_SHAPE = /^weir_[A-Za-z0-9_-]{43}$/;

export const sha256 = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();

/**
 * A new deployment key: a random 256-bit secret (returned once), its id, its listed prefix and the
 * SHA-256 hex that is all the store keeps. A single SHA-256 is as strong as any password hash for
 * random 256-bit secrets and costs microseconds.
 */
export function newKey(): { id: string; secret: string; prefix: string; hash: string } {
  const secret = KEY_PREFIX + randomBytes(32).toString('base64url');
  return { id: randomBytes(9).toString('base64url'), secret, prefix: secret.slice(0, KEY_PREFIX_CHARS), hash: sha256(secret).toString('hex') };
}

/** The error a run left `queued` or `running` by a stopped process is finished with. */
export const INTERRUPTED_ERROR = { code: 'interrupted', message: 'the server stopped before this run finished' };

/** The error of a job whose owner stopped (its lease expired) on its last allowed attempt. */
export const JOB_INTERRUPTED_ERROR = { code: 'interrupted', message: 'the instance working on this job stopped before it finished' };

/** The error of a job still active past its timeout (timeoutMs after its claim). */
export const JOB_TIMEOUT_ERROR = { code: 'job_timeout', message: 'the job did not finish within its timeout' };

/** Default and largest page of a jobs list. */
export const JOBS_LIST_LIMIT = { default: 50, max: 500 } as const;

/**
 * A connection's secrets after a put: the existing ones (decrypted only when some are kept) with
 * `changes` applied (`null` removes one). Returns the sorted names and the values to seal.
 */
export function mergeSecrets(
  existingNames: string[] | undefined,
  decryptExisting: () => Record<string, string>,
  changes: Record<string, string | null> | undefined,
): { names: string[]; values: Record<string, string> } {
  const entries = Object.entries(changes ?? {});
  const changed = new Set(entries.map(([n]) => n));
  // Nothing to merge when every existing secret is replaced or removed: that is also how a
  // connection sealed under a lost key is repaired.
  const keep = existingNames?.some((n) => !changed.has(n)) ?? false;
  const secrets = new Map(keep ? Object.entries(decryptExisting()) : []);
  for (const [n, v] of entries) {
    if (v === null) secrets.delete(n);
    else secrets.set(n, v);
  }
  const names = [...secrets.keys()].sort();
  return { names, values: Object.fromEntries(secrets) };
}

/** A stored usage minute as the port gives it: a call without a key (stored as '') has keyId null. */
export const usageRow = (r: Omit<UsageRow, 'keyId'> & { keyId: string }): UsageRow => ({
  deployment: r.deployment,
  keyId: r.keyId === '' ? null : r.keyId,
  minute: r.minute,
  requests: r.requests,
  promptTokens: r.promptTokens,
  completionTokens: r.completionTokens,
  cost: r.cost,
});
