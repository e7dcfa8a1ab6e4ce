/**
 * Auth and error answers as a client on the wire sees them: real headers through the real server
 * (Authorization in its malformed shapes, the `api-key` header Azure clients send, a revoked key),
 * and the OpenAI error shape `{"error":{"code","message","param","type"}}` for every refusal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { ECHO_FLOW, readAnswer } from '../helpers/api.ts';

const ADMIN = 'auth-errors-admin';
let dir: string;
let server: RunningServer;
let key: string;
let revoked: string;
let otherKey: string;

const call = async (method: string, url: string, headers: Record<string, string> = {}, body?: string) =>
  readAnswer(await fetch(server.url + url, { method, headers, body }));
const asAdmin = (method: string, url: string, body?: unknown, type = 'application/json') =>
  call(method, url, { authorization: `Bearer ${ADMIN}`, 'content-type': type }, typeof body === 'string' ? body : JSON.stringify(body));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-auth-http-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null });
  expect((await asAdmin('POST', '/api/flows', ECHO_FLOW, 'application/yaml')).status).toBe(201);
  expect((await asAdmin('POST', '/api/flows/echo/publish', {})).status).toBe(201);
  for (const name of ['echo-prod', 'echo-other']) expect((await asAdmin('POST', '/api/deployments', { name, flow: 'echo' })).status).toBe(201);
  key = (await asAdmin('POST', '/api/deployments/echo-prod/keys', {})).json.key;
  const gone = (await asAdmin('POST', '/api/deployments/echo-prod/keys', {})).json;
  revoked = gone.key;
  expect((await asAdmin('DELETE', `/api/deployments/echo-prod/keys/${gone.id}`)).status).toBe(204);
  otherKey = (await asAdmin('POST', '/api/deployments/echo-other/keys', {})).json.key;
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Exactly the OpenAI error shape: four fields, no more (a stack or a cause must not leak). */
const expectError = (r: { status: number; json: any }, status: number, code: string, type: string, param: string | null = null) => {
  expect(r.status).toBe(status);
  expect(Object.keys(r.json)).toEqual(['error']);
  expect(r.json.error).toEqual({ code, message: expect.any(String), param, type });
  expect(r.json.error.message.length).toBeGreaterThan(0);
};

describe('the admin token on /api', () => {
  it('refuses a missing, malformed or wrong credential with one 401; takes Bearer (any case) and api-key', async () => {
    const refused: Record<string, string>[] = [
      {},
      { authorization: `Basic ${ADMIN}` },
      { authorization: 'Bearer' },
      { authorization: `Bearer${ADMIN}` },
      { authorization: `Token ${ADMIN}` },
      { authorization: 'Bearer wrong-token' },
      { authorization: `Bearer ${ADMIN}x` },
      { 'api-key': 'wrong-token' },
      { authorization: `Bearer ${key}` }, // a deployment key is not the admin token
    ];
    const answers = [];
    for (const h of refused) {
      const r = await call('GET', '/api/flows', h);
      expectError(r, 401, 'unauthorized', 'authentication_error');
      answers.push(r.text);
    }
    expect(new Set(answers).size).toBe(1);
    for (const h of [{ authorization: `Bearer ${ADMIN}` }, { authorization: `bearer ${ADMIN}` }, { 'api-key': ADMIN }] as Record<string, string>[]) {
      const r = await call('GET', '/api/flows', h);
      expect(r.status, JSON.stringify(h)).toBe(200);
      expect(r.json.data.map((f: { name: string }) => f.name)).toEqual(['echo']);
    }
  });
});

describe('deployment keys on a published endpoint', () => {
  const score = (headers: Record<string, string>, name = 'echo-prod') =>
    call('POST', `/deployments/${name}/score`, { 'content-type': 'application/json', ...headers }, JSON.stringify({ text: 'hi', times: 2 }));

  it('answers the same 401 for missing, malformed, wrong, revoked, foreign keys and an unknown deployment', async () => {
    const answers = [];
    for (const [h, name] of [
      [{}, 'echo-prod'],
      [{ authorization: key }, 'echo-prod'], // no scheme
      [{ authorization: `Basic ${key}` }, 'echo-prod'],
      [{ authorization: 'Bearer weir_not_a_key' }, 'echo-prod'],
      [{ authorization: `Bearer ${revoked}` }, 'echo-prod'],
      [{ 'api-key': revoked }, 'echo-prod'],
      [{ authorization: `Bearer ${otherKey}` }, 'echo-prod'],
      [{ authorization: `Bearer ${key}` }, 'no-such-deployment'],
    ] as const) {
      const r = await score(h, name);
      expectError(r, 401, 'unauthorized', 'authentication_error');
      answers.push(r.text);
    }
    expect(new Set(answers).size).toBe(1);
  });

  it('serves a live key by Bearer and by the api-key header', async () => {
    for (const h of [{ authorization: `Bearer ${key}` }, { 'api-key': key }, { 'api-key': otherKey }] as Record<string, string>[]) {
      const r = await score(h, h['api-key'] === otherKey ? 'echo-other' : 'echo-prod');
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ said: 'hi hi' });
    }
  });
});

describe('error shape and status', () => {
  it('bad JSON is a 400 invalid_json on the management API, a published endpoint and /v1', async () => {
    expectError(await asAdmin('POST', '/api/flows/echo/runs', '{"inputs":', 'application/json'), 400, 'invalid_json', 'invalid_request_error');
    expectError(await call('POST', '/deployments/echo-prod/score', { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, '{"text": "a",}'), 400, 'invalid_json', 'invalid_request_error');
    expectError(await asAdmin('POST', '/v1/chat/completions', '[{', 'application/json'), 400, 'invalid_json', 'invalid_request_error');
  });

  it('a body that is JSON but not an object of inputs is a 400 naming what it got', async () => {
    const r = await call('POST', '/deployments/echo-prod/score', { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, '["hi"]');
    expectError(r, 400, 'invalid_request', 'invalid_request_error');
    expect(r.json.error.message).toContain('not an array');
  });

  it('an unknown route is a 404 route_not_found, after auth on /api (no probing without a token)', async () => {
    expectError(await call('GET', '/no-such-page'), 404, 'route_not_found', 'not_found_error');
    expectError(await call('GET', '/api/no-such-thing', { authorization: `Bearer ${ADMIN}` }), 404, 'route_not_found', 'not_found_error');
    expectError(await call('GET', '/api/no-such-thing'), 401, 'unauthorized', 'authentication_error');
    expectError(await call('POST', '/v1/no-such-endpoint', { authorization: `Bearer ${ADMIN}` }, '{}'), 404, 'route_not_found', 'not_found_error');
  });

  it('a known path with the wrong method is a 405 with Allow (after auth on /api); an unknown path stays a 404', async () => {
    const cases = [
      ['PUT', '/v1/chat/completions', { authorization: `Bearer ${ADMIN}` }, 'POST'],
      ['DELETE', '/healthz', {}, 'GET, HEAD'],
      ['GET', '/deployments/echo-prod/score', { authorization: `Bearer ${key}` }, 'POST'],
      ['PATCH', '/api/flows', { authorization: `Bearer ${ADMIN}` }, 'GET, POST, HEAD'],
    ] as const;
    for (const [method, url, headers, allow] of cases) {
      const res = await fetch(server.url + url, { method, headers });
      expect(res.status, `${method} ${url}`).toBe(405);
      expect(res.headers.get('allow')).toBe(allow);
      expectError({ status: res.status, json: await res.json() }, 405, 'method_not_allowed', 'invalid_request_error');
    }
    expectError(await call('PATCH', '/api/flows'), 401, 'unauthorized', 'authentication_error');
    expectError(await call('PATCH', '/api/no-such-thing', { authorization: `Bearer ${ADMIN}` }), 404, 'route_not_found', 'not_found_error');
  });
});
