import { z } from 'zod';
import { WeirError } from '../engine/errors.ts';
import { defineNode, type CheckProblem, type Connection } from '../engine/node-definition.ts';
import { names } from '../engine/flow/resource-fields.ts';
import { connectionProblems } from './lib/connection-check.ts';
import { agentFor } from './lib/address-guard.ts';
import { send, shownUrl } from './lib/http-request.ts';
import { compileInline, render, templateErrorMessage, type CompiledTemplate } from './lib/templates.ts';

const headerName = z.string().regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, 'not a valid header name');

const config = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET').describe('HTTP method.'),
    url: z
      .string()
      .min(1)
      .describe('Absolute http(s) URL, or a path relative to the connection base_url; may use {{ inputs }}.'),
    headers: z.record(headerName, z.string()).default({}).describe('Request headers; values may use {{ inputs }}.'),
    body: z
      .string()
      .optional()
      .describe('Template producing the JSON request body, e.g. {"q": {{ question | tojson }}}.'),
    connection: z.string().min(1).optional().describe('Connection giving base_url, headers and credentials.').meta(names('connection')),
    timeout_ms: z.number().int().positive().max(600_000).default(30_000).describe('Deadline for the whole exchange.'),
    max_response_bytes: z
      .number()
      .int()
      .positive()
      .max(1024 ** 3)
      .default(5 * 1024 ** 2)
      .describe('Largest response body accepted; larger responses fail without being read.'),
    response: z
      .enum(['json', 'text', 'auto'])
      .default('auto')
      .describe('How to read the body; auto parses JSON when the content type says so.'),
  })
  .strict()
  .superRefine((c, issues) => {
    if (c.body !== undefined && c.method === 'GET') {
      issues.addIssue({ code: 'custom', path: ['body'], message: 'a GET request cannot have a body' });
    }
  });

type HttpConfig = z.output<typeof config>;

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
type HttpConnection = z.output<typeof connectionShape>;

function parseConnection(conn: Connection): HttpConnection {
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

/**
 * Relative URLs are joined onto base_url as paths ("items" under ".../v1" gives ".../v1/items"),
 * and no URL may leave base_url's origin (whatever parser trick an input tries: "//host", "\\host"),
 * because the connection's credentials belong there.
 */
function resolveUrl(text: string, baseUrl: string | undefined): URL {
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

interface Prepared {
  url: CompiledTemplate;
  headers: [string, CompiledTemplate][];
  body?: CompiledTemplate;
}

/** Compiles every template once; `onError` decides whether a bad one is reported or thrown. */
function compileAll(c: HttpConfig, onError: (p: CheckProblem) => void): Prepared {
  const compile = (src: string, path: (string | number)[]) => {
    try {
      return compileInline(src);
    } catch (err) {
      onError({ code: 'template_syntax', message: `template syntax error: ${templateErrorMessage(err)}`, path });
      return compileInline('');
    }
  };
  return {
    url: compile(c.url, ['url']),
    headers: Object.entries(c.headers).map(([k, v]) => [k.toLowerCase(), compile(v, ['headers', k])]),
    body: c.body === undefined ? undefined : compile(c.body, ['body']),
  };
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

function readBody(bytes: Buffer, contentType: string | undefined, mode: HttpConfig['response'], url: URL): unknown {
  const text = bytes.toString('utf8');
  const isJson = mode === 'json' || (mode === 'auto' && /[/+]json\b/i.test(contentType ?? ''));
  if (!isJson) return text;
  if (mode === 'auto' && text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new WeirError('http_invalid_json', `response from ${shownUrl(url)} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
      status: 502,
    });
  }
}

export const httpNode = defineNode({
  type: 'http',
  title: 'HTTP request',
  category: 'integration',
  description: 'Calls an HTTP API (a custom connection); refuses private network addresses unless the connection allows them.',
  inputs: {},
  extraInputs: z.any(),
  output: z.object({ status: z.number().int(), headers: z.record(z.string(), z.string()), body: z.any() }),
  config,
  check(c, env) {
    const problems: CheckProblem[] = [];
    compileAll(c, (p) => problems.push(p));
    problems.push(...connectionProblems(c.connection, env.connections));
    // Only a literal URL can be judged before the run; templated ones are checked when rendered.
    if (c.connection === undefined && !c.url.includes('{')) {
      try {
        resolveUrl(c.url, undefined);
      } catch (err) {
        problems.push({ code: 'invalid_url', message: (err as Error).message, path: ['url'] });
      }
    }
    return problems;
  },
  prepare(c) {
    return compileAll(c, (p) => {
      throw new WeirError(p.code, p.message, { path: ['config', ...(p.path ?? [])] });
    });
  },
  async run(ctx, inputs, c, prepared) {
    ctx.signal.throwIfAborted();
    const conn = c.connection === undefined ? undefined : parseConnection(await ctx.connection(c.connection));
    const url = resolveUrl((await render(prepared.url, inputs, 'the url', ctx)).trim(), conn?.settings.base_url);
    const headers: Record<string, string> = {};
    for (const [name, tpl] of prepared.headers) headers[name] = await render(tpl, inputs, `header ${name}`, ctx);
    let body: string | undefined;
    if (prepared.body) {
      const text = await render(prepared.body, inputs, 'the body', ctx);
      try {
        body = JSON.stringify(JSON.parse(text));
      } catch (err) {
        throw new WeirError('http_invalid_body', `the body template did not produce valid JSON: ${(err as Error).message}`, {
          cause: err,
          path: ['config', 'body'],
        });
      }
      headers['content-type'] ??= 'application/json';
    }
    const res = await send({
      method: c.method,
      url,
      headers,
      credentialHeaders: conn ? { ...lower(conn.settings.headers), ...authHeaders(conn, c.connection ?? '') } : {},
      body,
      signal: ctx.signal,
      timeoutMs: c.timeout_ms,
      maxBytes: c.max_response_bytes,
      dispatcher: agentFor(conn?.settings.allow_private_network === true),
    });
    if (res.status < 200 || res.status > 299) {
      throw new HttpStatusError(c.method, res.url, res.status, res.statusText, res.bytes.subarray(0, 1024).toString('utf8'));
    }
    return { status: res.status, headers: res.headers, body: readBody(res.bytes, res.headers['content-type'], c.response, res.url) };
  },
});
