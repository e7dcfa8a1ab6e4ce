import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { WeirError } from '../errors.ts';
import { keyOpens } from '../app/deployments.ts';
import type { VerifiedKey } from '../store/types.ts';

/** The credential a request presents: `Authorization: Bearer …` or `api-key: …`. */
export function presented(c: Context): string | undefined {
  const auth = c.req.header('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return c.req.header('api-key')?.trim() || undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function unauthorized(): WeirError {
  return new WeirError('unauthorized', 'missing or invalid key (send Authorization: Bearer <key> or api-key: <key>)', { status: 401 });
}

export function isAdmin(c: Context, adminToken: string): boolean {
  const key = presented(c);
  return key !== undefined && timingSafeEqual(digest(key), digest(adminToken));
}

/** The management API needs the admin token. */
export function requireAdmin(adminToken: string): MiddlewareHandler {
  return async (c, next) => {
    if (!isAdmin(c, adminToken)) throw unauthorized();
    await next();
  };
}

/**
 * A key that opens `deployment` (its own key, or a shared key naming it or all). Unknown
 * deployment, a key that does not open it and a revoked or expired key all answer the same 401, so
 * a key-holder cannot probe which flow deployments exist.
 */
export async function deploymentKey(c: Context, keys: { verifyKey(secret: string): Promise<VerifiedKey | undefined> }, deployment: string): Promise<VerifiedKey> {
  const key = presented(c);
  const found = key ? await keys.verifyKey(key) : undefined;
  if (!found || !keyOpens(found, deployment)) throw unauthorized();
  return found;
}
