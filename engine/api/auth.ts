import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { unauthorized, type Caller } from '../app/gateway/gateway.ts';
import type { Workspace } from '../app/workspace.ts';

export { unauthorized };

/** The credential a request presents: `Authorization: Bearer …` or `api-key: …`. */
export function presented(c: Context): string | undefined {
  const auth = c.req.header('authorization');
  if (auth?.toLowerCase().startsWith('bearer ')) return auth.slice(7).trim();
  return c.req.header('api-key')?.trim() || undefined;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

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

/** The caller of a deployment route, through the gateway: the admin token, or a valid key (401 otherwise). */
export function caller(c: Context, ws: Workspace, adminToken: string | null): Promise<Caller> {
  return ws.gateway.authenticate(adminToken !== null && isAdmin(c, adminToken), presented(c));
}

/** A key (not the admin token) that opens flow deployment `name`: 401 otherwise, whatever the reason. */
export async function flowKey(c: Context, ws: Workspace, name: string): Promise<Caller> {
  const who = await caller(c, ws, null);
  await ws.gateway.flow(who, name);
  return who;
}
