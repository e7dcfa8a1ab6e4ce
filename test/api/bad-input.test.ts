import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployed, makeApi, type Api } from '../helpers/api.ts';

let api: Api;
let key: string;
beforeAll(async () => {
  api = makeApi();
  key = (await deployed(api)).key;
});
afterAll(() => api.close());

const ROUTES: [string, string][] = [
  ['POST', '/api/flows'], ['PUT', '/api/flows/echo'], ['POST', '/api/flows/echo/runs'], ['POST', '/api/flows/echo/publish'],
  ['POST', '/api/flows/echo/validate'], ['GET', '/api/flows/echo/diff?from=x&to=1'], ['GET', '/api/flows/echo/versions/abc'],
  ['POST', '/api/deployments'], ['PATCH', '/api/deployments/echo-prod'], ['POST', '/api/deployments/echo-prod/keys'],
  ['PUT', '/api/connections/c1'], ['POST', '/api/validate'], ['GET', '/api/runs?limit=-4&before=yesterday'],
  ['POST', '/deployments/echo-prod/score'], ['POST', '/deployments/echo-prod/runs'], ['DELETE', '/api/runs/%00'],
];

const deep = '['.repeat(100_000) + ']'.repeat(100_000);
const BODIES: [string, string, string?][] = [
  ['malformed json', '{"text": '],
  ['wrong types', '{"text": {"a": [1,2]}, "times": "many", "traffic": "all", "name": 7}'],
  ['array body', '[1,2,3]'],
  ['null', 'null'],
  ['deep nesting', deep],
  ['unicode edge cases', JSON.stringify({ text: '\u0000\uD800 lone surrogate 🚀 \u202Eright-to-left \uFEFF', name: 'ü-ñ' })],
  ['huge body', JSON.stringify({ text: 'x'.repeat(400 * 1024) })],
  ['yaml as json', 'weir: 1\nname: [', 'application/json'],
  ['invalid flow', 'weir: 1\nname: echo\nnodes: [{name: a, type: nope}]', 'application/yaml'],
];

describe('bad input at every route', () => {
  for (const [method, url] of ROUTES) {
    it(`${method} ${url} answers bad bodies with a clear 4xx, never a 500`, async () => {
      for (const [what, body, type] of BODIES) {
        const headers: Record<string, string> = { 'content-type': type ?? 'application/json' };
        if (url.startsWith('/deployments')) headers.authorization = `Bearer ${key}`;
        const r = await api.call(method, url, method === 'GET' || method === 'DELETE' ? undefined : body, headers);
        expect(r.status, `${what}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
        if (r.status >= 400) {
          expect(r.json?.error, what).toMatchObject({ code: expect.any(String), message: expect.any(String), type: expect.any(String) });
        }
      }
    });
  }

  it('refuses a body over the size cap with 413 and reports deep nesting as such', async () => {
    const big = await api.call('POST', '/deployments/echo-prod/score', JSON.stringify({ text: 'x'.repeat(400 * 1024) }), { authorization: `Bearer ${key}` });
    expect(big.status).toBe(413);
    expect(big.json.error.code).toBe('body_too_large');
    const d = await api.call('POST', '/deployments/echo-prod/score', '['.repeat(70) + ']'.repeat(70), { authorization: `Bearer ${key}` });
    expect(d.json.error.code).toBe('json_too_deep');
  });

  it('names what is wrong with a score body that is not an object of inputs', async () => {
    for (const [body, what] of [['[1,2]', 'an array'], ['null', 'null'], ['"hi"', 'string']]) {
      const r = await api.call('POST', '/deployments/echo-prod/score', body, { authorization: `Bearer ${key}` });
      expect(r.status).toBe(400);
      expect(r.json.error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining(`JSON object of named inputs, not ${what}`) });
    }
  });

  it('still serves after all of that, and unknown routes are JSON 404s', async () => {
    expect((await api.call('POST', '/deployments/echo-prod/score', { text: 'ok' }, { authorization: `Bearer ${key}` })).json).toEqual({ said: 'ok' });
    const r = await api.call('GET', '/nowhere');
    expect(r.status).toBe(404);
    expect(r.json.error.code).toBe('route_not_found');
    expect((await api.call('GET', '/api/flows', undefined, { authorization: 'Bearer nope' })).status).toBe(401);
  });
});
