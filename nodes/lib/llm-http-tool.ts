import { WeirError } from '../../engine/errors.ts';
import type { NodeContext } from '../../engine/node-definition.ts';
import { agentFor } from './address-guard.ts';
import { connectionHeaders, HttpStatusError, parseConnection, resolveUrl } from './http-connection.ts';
import { send } from './http-request.ts';

/**
 * An llm node tool backed by an http connection, as n8n's HTTP tool and OpenAI's actions do it: the
 * model's arguments are the request (a JSON body, or the query for GET and DELETE), the response
 * text is the tool's answer. It goes through the http node's own parts: the connection's headers
 * and credential, URLs kept under its base_url, the private-network guard, the deadline and the
 * size cap.
 */
export interface HttpToolConfig {
  name: string;
  connection: string;
  path?: string;
  method: 'POST' | 'GET' | 'PUT' | 'PATCH' | 'DELETE';
  timeout_ms: number;
  max_response_bytes: number;
}

export const HTTP_TOOL_DEFAULTS = { method: 'POST', timeout_ms: 30_000, max_response_bytes: 1024 ** 2 } as const;

/** Shorter values (an org name in a header) are too likely to be ordinary words to hide. */
const SHORTEST_SECRET = 6;

export interface HttpToolTarget {
  url: URL;
  credentialHeaders: Record<string, string>;
  allowPrivateNetwork: boolean;
  /** Credential values, hidden wherever the exchange's text is repeated (a server may echo them). */
  secrets: string[];
}

/**
 * Where the tool calls, from its connection. A connection that cannot serve (missing, not http, no
 * base_url, a path leaving its origin) is the flow author's to fix, not the model's: it fails the
 * node, naming the tool, where a failing exchange is only told to the model.
 */
export async function httpToolTarget(ctx: NodeContext, tool: HttpToolConfig, index: number): Promise<HttpToolTarget> {
  const place = { node: ctx.node, path: ['config', 'tools', index, 'connection'] };
  const fail = (err: unknown): never => {
    const known = err instanceof WeirError ? err : undefined;
    throw new WeirError(known?.code ?? 'connection_invalid', `tool "${tool.name}" (tools.${index}): ${err instanceof Error ? err.message : String(err)}`, { ...place, cause: err, ...(known ? { status: known.status } : {}) });
  };
  try {
    const conn = parseConnection(await ctx.connection(tool.connection));
    const base = conn.settings.base_url;
    if (base === undefined) throw new WeirError('connection_invalid', `connection "${tool.connection}" has no base_url to call`);
    // No path: the base URL as written (resolving "" would add a trailing slash).
    const url = tool.path === undefined ? new URL(base) : resolveUrl(tool.path, base);
    const credentialHeaders = connectionHeaders(conn, tool.connection);
    const secrets = [...Object.values(conn.secrets), ...Object.values(credentialHeaders)].filter((v): v is string => typeof v === 'string' && v.length >= SHORTEST_SECRET);
    return { url, credentialHeaders, allowPrivateNetwork: conn.settings.allow_private_network === true, secrets };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    return fail(err);
  }
}

/** Longest first, so a secret inside another ("Bearer sk-…" holds "sk-…") is hidden whole. */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const s of [...secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join('[secret]');
  return out;
}

/** One call: the response text on a 2xx; anything else throws (the loop tells the model). */
export async function callHttpTool(ctx: NodeContext, tool: HttpToolConfig, target: HttpToolTarget, args: Record<string, unknown>): Promise<string> {
  const url = new URL(target.url);
  const inQuery = tool.method === 'GET' || tool.method === 'DELETE';
  if (inQuery) {
    for (const [k, v] of Object.entries(args)) url.searchParams.append(k, typeof v === 'string' ? v : JSON.stringify(v));
  }
  try {
    const res = await send({
      method: tool.method,
      url,
      headers: inQuery ? { accept: 'application/json, text/plain;q=0.9, */*;q=0.1' } : { accept: 'application/json, text/plain;q=0.9, */*;q=0.1', 'content-type': 'application/json' },
      credentialHeaders: target.credentialHeaders,
      body: inQuery ? undefined : JSON.stringify(args),
      signal: ctx.signal,
      timeoutMs: tool.timeout_ms,
      maxBytes: tool.max_response_bytes,
      dispatcher: agentFor(target.allowPrivateNetwork),
    });
    const text = res.bytes.toString('utf8');
    if (res.status < 200 || res.status > 299) throw new HttpStatusError(tool.method, res.url, res.status, res.statusText, text.slice(0, 1024));
    return redact(text, target.secrets);
  } catch (err) {
    if (ctx.signal.aborted || !(err instanceof WeirError)) throw err;
    throw new WeirError(err.code, redact(err.message, target.secrets), { retryable: err.retryable, status: err.status });
  }
}
