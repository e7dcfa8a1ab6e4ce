import { randomUUID } from 'node:crypto';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { ErrorCode } from '../error-codes.ts';
import { FlowValidationError, InputError, WeirError } from '../errors.ts';
import { ContentFilterError, innerError } from '../app/gateway/safety.ts';
import { RateLimitError } from '../app/gateway/windows.ts';
import { retryHeaders } from './rate-headers.ts';

const TYPES: Record<number, string> = {
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  409: 'conflict_error',
  413: 'invalid_request_error',
  429: 'rate_limit_error',
};

export interface ErrorBody {
  error: { code: ErrorCode; message: string; param: string | null; type: string; problems?: unknown[]; innererror?: unknown };
}

export function errorBody(status: number, code: ErrorCode, message: string, param: string | null = null): ErrorBody {
  return { error: { code, message, param, type: TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error') } };
}

/** The one place errors become HTTP responses, OpenAI-shaped. Bad input is never a 500. */
export function errorResponse(err: unknown, c: Context): Response {
  if (!c.res.headers.has('x-request-id')) c.header('x-request-id', randomUUID());
  if (err instanceof FlowValidationError) {
    const body = errorBody(422, err.code, err.message, err.path?.join('.') ?? null);
    body.error.problems = err.problems;
    return c.json(body, 422);
  }
  if (err instanceof RateLimitError) for (const [k, v] of Object.entries(retryHeaders(err.window, err.windows))) c.header(k, v);
  if (err instanceof ContentFilterError) {
    // Azure's shape: the categories in innererror, so clients that read Azure's filter read ours.
    const body = errorBody(400, err.code, err.message, err.path?.join('.') ?? null);
    body.error.innererror = innerError(err.results);
    return c.json(body, 400);
  }
  if (err instanceof WeirError) {
    const status = (err.status >= 400 && err.status < 600 ? err.status : 400) as ContentfulStatusCode;
    const param = err instanceof InputError || err.path ? err.path?.join('.') ?? null : null;
    return c.json(errorBody(status, err.code, err.message, param), status);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    const code = status === 413 ? 'body_too_large' : status === 401 ? 'unauthorized' : 'bad_request';
    return c.json(errorBody(status, code, err.message || 'request refused'), status);
  }
  console.error('internal error', err);
  return c.json(errorBody(500, 'internal_error', 'internal error; the server log has details'), 500);
}

export function notFound(what: string, code: ErrorCode): WeirError {
  return new WeirError(code, `${what} not found`, { status: 404 });
}
