import { z } from 'zod';
import { WeirError } from '../engine/errors.ts';
import { defineNode, type CheckProblem } from '../engine/node-definition.ts';
import { names } from '../engine/flow/resource-fields.ts';
import { connectionProblems } from './lib/connection-check.ts';
import { agentFor } from './lib/address-guard.ts';
import { send, shownUrl } from './lib/http-request.ts';
import { connectionHeaders, headerName, HttpStatusError, parseConnection, resolveUrl } from './lib/http-connection.ts';

export { HttpStatusError };
import { compileInline, render, templateErrorMessage, type CompiledTemplate } from './lib/templates.ts';

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
      credentialHeaders: conn ? connectionHeaders(conn, c.connection ?? '') : {},
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
