import { z } from 'zod';
import { WeirError } from '../../engine/errors.ts';
import type { Connection } from '../../engine/node-definition.ts';
import { shownUrl } from './http-request.ts';

/**
 * A custom (http) connection as the nodes that call one read it — the http node, and the llm
 * node's connection tools: its settings, its credentials as headers, URLs kept under its base_url.
 */

export const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');

/** Connections are shared by many node types, so unknown keys are allowed and ignored. */
const connectionShape = z.object({
  settings: z
    .object({
      base_url: z.url({ protocol: /^https?$/ }).optional(),
      headers: z.record(headerName, z.string()).optional(),
      allow_private_network: z.boolean().optional(),
      auth: z.enum(['bearer', 'api-key', 'basic', 'none']).optional(),
      auth_header: headerName.optional(),
    })
    .loose(),
  secrets: z.object({ api_key: z.string().optional(), username: z.string().optional(), password: z.string().optional() }).loose(),
});
export type HttpConnection = z.output<typeof connectionShape>;

export function parseConnection(conn: Connection): HttpConnection {
  const parsed = connectionShape.safeParse(conn);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new WeirError('connection_invalid', `connection "${conn.name}": ${issue.path.join('.')}: ${issue.message}`);
}

/** Without an explicit `auth`, use whatever credential the connection holds. */
function authHeaders(conn: HttpConnection, name: string): Record<string, string> {
  const { settings: s, secrets } = conn;
  const auth = s.auth ?? (secrets.api_key ? 'bearer' : secrets.username ? 'basic' : 'none');
  const need = (v: string | undefined, what: string) => {
    if (!v) throw new WeirError('connection_invalid', `connection "${name}" uses ${auth} auth but has no ${what} secret`);
    return v;
  };
  const header = s.auth_header?.toLowerCase();
  if (auth === 'bearer') return { [header ?? 'authorization']: `Bearer ${need(secrets.api_key, 'api_key')}` };
  if (auth === 'api-key') return { [header ?? 'api-key']: need(secrets.api_key, 'api_key') };
  if (auth === 'basic') {
    const token = Buffer.from(`${need(secrets.username, 'username')}:${secrets.password ?? ''}`).toString('base64');
    return { authorization: `Basic ${token}` };
  }
  return {};
}

function lower(headers: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** What the connection adds to every request to its origin: its headers and its credential. */
export function connectionHeaders(conn: HttpConnection, name: string): Record<string, string> {
  return { ...lower(conn.settings.headers), ...authHeaders(conn, name) };
}

/**
 * Relative URLs are joined onto base_url as paths ("items" under ".../v1" gives ".../v1/items"),
 * and no URL may leave base_url's origin (whatever parser trick an input tries: "//host", "\\host"),
 * because the connection's credentials belong there.
 */
export function resolveUrl(text: string, baseUrl: string | undefined): URL {
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(text);
  let url: URL;
  try {
    if (absolute || baseUrl === undefined) url = new URL(text);
    else url = new URL(text.replace(/^[\\/]+/, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  } catch {
    throw new WeirError('http_invalid_url', `"${text}" is not a valid URL${baseUrl ? '' : ' (relative URLs need a connection with base_url)'}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WeirError('http_invalid_url', `only http and https URLs are allowed, not ${url.protocol}`);
  }
  if (baseUrl !== undefined && url.origin !== new URL(baseUrl).origin) {
    throw new WeirError('http_url_outside_connection', `${shownUrl(url)} is not under the connection base_url ${baseUrl}`);
  }
  return url;
}

export class HttpStatusError extends WeirError {
  /** The upstream status; `status` stays the one our own API should answer with (502). */
  readonly responseStatus: number;
  constructor(method: string, url: URL, status: number, statusText: string, body: string) {
    const snippet = body.length > 200 ? `${body.slice(0, 200)}…` : body;
    super('http_status', `${method} ${shownUrl(url)} returned HTTP ${status} ${statusText}${snippet ? `: ${snippet}` : ''}`, {
      retryable: status === 408 || status === 429 || status >= 500,
      status: 502,
    });
    this.responseStatus = status;
  }
}
