import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlowValidationError, InputError, WeirError } from '../errors.ts';
import { errorBody, errorResponse, notFound } from './errors.ts';

/** Cases around the mutants Stryker left alive in errors.ts (see test/mutation/guards.md). */
const answer = async (err: unknown, requestId?: string) => {
  const app = new Hono();
  app.onError(errorResponse);
  app.get('/', (c) => {
    if (requestId) c.header('x-request-id', requestId);
    throw err;
  });
  const res = await app.request('/');
  return { status: res.status, requestId: res.headers.get('x-request-id'), json: (await res.json()) as { error: Record<string, unknown> } };
};

afterEach(() => vi.restoreAllMocks());

describe('errorBody', () => {
  it('types each status as OpenAI does; other 4xx are invalid_request_error, 5xx server_error', () => {
    const types: [number, string][] = [
      [400, 'invalid_request_error'],
      [401, 'authentication_error'],
      [403, 'permission_error'],
      [404, 'not_found_error'],
      [409, 'conflict_error'],
      [413, 'invalid_request_error'],
      [422, 'invalid_request_error'],
      [429, 'rate_limit_error'],
      [499, 'invalid_request_error'],
      [500, 'server_error'],
      [504, 'server_error'],
    ];
    for (const [status, type] of types) expect(errorBody(status, 'bad_request', 'm').error.type, String(status)).toBe(type);
    expect(errorBody(400, 'bad_request', 'the message')).toEqual({ error: { code: 'bad_request', message: 'the message', param: null, type: 'invalid_request_error' } });
    expect(errorBody(400, 'bad_request', 'm', 'a.b').error.param).toBe('a.b');
  });
});

describe('errorResponse', () => {
  it('gives an error answer a request id, and keeps one already set', async () => {
    expect((await answer(new WeirError('bad_request', 'x'))).requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect((await answer(new WeirError('bad_request', 'x'), 'req-42')).requestId).toBe('req-42');
  });

  it('a flow validation error is a 422 listing the problems, with the first problem path as param', async () => {
    const problems = [{ code: 'missing_field' as const, message: 'nodes is required', path: ['nodes', 0] }];
    const r = await answer(new FlowValidationError(problems, 'f'));
    expect(r.status).toBe(422);
    expect(r.json.error).toEqual({ code: 'invalid_flow', message: 'flow "f" is invalid: nodes is required', param: 'nodes.0', type: 'invalid_request_error', problems });
    expect((await answer(new FlowValidationError([{ code: 'missing_field', message: 'm', path: undefined as never }]))).json.error.param).toBeNull();
  });

  it('a WeirError keeps its status from 400 to 599; any other status answers 400', async () => {
    for (const [given, status] of [[400, 400], [404, 404], [499, 499], [500, 500], [599, 599], [399, 400], [200, 400], [600, 400]]) {
      const r = await answer(new WeirError('bad_request', 'x', { status: given }));
      expect(r.status, String(given)).toBe(status);
      expect(r.json.error.code).toBe('bad_request');
      expect(r.json.error.message).toBe('x');
    }
  });

  it('names the path of a WeirError or InputError as param, null when there is none', async () => {
    expect((await answer(new WeirError('invalid_request', 'x', { path: ['a', 1, 'b'] }))).json.error.param).toBe('a.1.b');
    expect((await answer(new InputError('x', { path: ['q'] }))).json.error.param).toBe('q');
    expect((await answer(new InputError('x'))).json.error.param).toBeNull();
    expect((await answer(new WeirError('invalid_request', 'x'))).json.error.param).toBeNull();
  });

  it("maps hono's HTTPException: 413 body_too_large, 401 unauthorized, others bad_request; an empty message says 'request refused'", async () => {
    const cases: [number, string, string][] = [
      [413, 'body_too_large', 'invalid_request_error'],
      [401, 'unauthorized', 'authentication_error'],
      [400, 'bad_request', 'invalid_request_error'],
      [403, 'bad_request', 'permission_error'],
    ];
    for (const [status, code, type] of cases) {
      const r = await answer(new HTTPException(status as 400, { message: 'nope' }));
      expect(r.status).toBe(status);
      expect(r.json.error).toEqual({ code, message: 'nope', param: null, type });
    }
    expect((await answer(new HTTPException(400))).json.error.message).toBe('request refused');
  });

  it('anything else is a 500 that hides the error and logs it', async () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = await answer(new Error('secret detail'));
    expect(r.status).toBe(500);
    expect(r.json.error).toEqual({ code: 'internal_error', message: 'internal error; the server log has details', param: null, type: 'server_error' });
    expect(log).toHaveBeenCalledWith('internal error', expect.objectContaining({ message: 'secret detail' }));
  });

  it('notFound is a 404 naming what was not found', () => {
    const err = notFound('flow "x"', 'flow_not_found');
    expect(err.status).toBe(404);
    expect(err.message).toBe('flow "x" not found');
  });
});
