/**
 * Who calls a web app: the app must be enabled, the page's visitor id well formed (400
 * invalid_visitor), and for an app with `auth: key` a key that opens the deployment (401, as the
 * published endpoints answer). These are answered as plain JSON errors, before any stream opens.
 */
import type { Context } from 'hono';
import { WeirError } from '../../errors.ts';
import type { Caller } from '../../app/gateway/gateway.ts';
import { VISITOR_ID, type ServedApp } from '../../app/web-apps.ts';
import type { Workspace } from '../../app/workspace.ts';
import { caller } from '../auth.ts';

export interface AppCaller extends ServedApp {
  visitor: string;
  /** The key's caller (auth: key); null for a public app's visitor. */
  who: Caller | null;
}

/** Ids the store made (UUIDs); anything else is refused before the store is asked. */
const ID = /^[A-Za-z0-9-]{1,64}$/;

export function checkId(id: string, param: string): string {
  if (!ID.test(id)) throw new WeirError('invalid_request', `${param} is an id given by this app (letters, digits and -, up to 64), not "${id.slice(0, 80)}"`, { status: 400, path: [param] });
  return id;
}

export function visitorOf(c: Context): string {
  const v = c.req.header('weir-visitor');
  if (v === undefined || !VISITOR_ID.test(v)) {
    throw new WeirError('invalid_visitor', v === undefined ? 'send the weir-visitor header: the id the page keeps for this visitor' : 'weir-visitor must be 16 to 64 characters of A-Z, a-z, 0-9, _ and -', { status: 400, path: ['weir-visitor'] });
  }
  return v;
}

export async function enterApp(c: Context, ws: Workspace): Promise<AppCaller> {
  const app = await ws.webApps.app(c.req.param('name')!);
  const visitor = visitorOf(c);
  if (app.settings.auth === 'public') return { ...app, visitor, who: null };
  const who = await caller(c, ws, null);
  await ws.gateway.deployment(who, app.d.name);
  return { ...app, visitor, who };
}
