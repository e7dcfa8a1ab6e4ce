import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import type { KeyRow, SharedKeyRow } from '../../store/types.ts';

const iso = (t: number | null) => (t === null ? null : new Date(t).toISOString());
export const keyJson = (k: Omit<KeyRow, 'deployment'>) => ({
  id: k.id, name: k.name, prefix: k.prefix, created_at: iso(k.createdAt), revoked_at: iso(k.revokedAt), expires_at: iso(k.expiresAt), last_used_at: iso(k.lastUsedAt), rpm: k.rpm, tpm: k.tpm,
  // Refused now: revoked, or past its expiry.
  active: k.revokedAt === null && (k.expiresAt === null || k.expiresAt > Date.now()),
});

/** The furthest a key's expiry may be set (a date further out is most likely a typo). */
const MAX_KEY_LIFETIME_MS = 10 * 365 * 86_400_000;

export const KeyBody = z
  .object({
    name: z.string().max(100).default('default'),
    /** ISO 8601 date-time with its offset, in the future. */
    expires_at: z.string().datetime({ offset: true }).nullable().optional(),
    /** Calls a minute this key may make, across every instance. */
    rpm: z.number().int().min(1).max(1_000_000_000).nullable().optional(),
    /** Tokens a minute this key's calls may use, across every instance. */
    tpm: z.number().int().min(1).max(1_000_000_000_000).nullable().optional(),
  })
  .strict();

export function expiryOf(raw: string | null | undefined): number | null {
  if (!raw) return null;
  const at = Date.parse(raw);
  if (at <= Date.now()) throw new WeirError('invalid_request', `expires_at ${raw} is not in the future`, { status: 400, path: ['expires_at'] });
  if (at > Date.now() + MAX_KEY_LIFETIME_MS) throw new WeirError('invalid_request', `expires_at ${raw} is more than 10 years away`, { status: 400, path: ['expires_at'] });
  return at;
}

/** A shared key as listed: which deployments it opens ("*": all). */
export const sharedKeyJson = (k: SharedKeyRow) => ({ ...keyJson(k), deployments: k.deployments });
