import type dns from 'node:dns';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WeirError } from '../../engine/errors.ts';
import { sendJson, startServer, type TestServer } from '../test-server.ts';
import { findForbidden, forbiddenTarget, guardedConnector, guardedLookup, nonPublicRange } from './address-guard.ts';
import { send } from './http-request.ts';

/** Cases around the mutants Stryker left alive in address-guard.ts (see README, Mutation testing). */
type Answer = (cb: (e: NodeJS.ErrnoException | null, a: dns.LookupAddress[]) => void) => void;

function lookupWith(answer: Answer) {
  const seen: dns.LookupAllOptions[] = [];
  const result = new Promise<{ err: NodeJS.ErrnoException | null; result: unknown }>((resolve) =>
    guardedLookup({ resolve: (_h, options, cb) => (seen.push(options), answer(cb)) })('api.example', { family: 4 }, (err, result) => resolve({ err, result })),
  );
  return { result, seen };
}

describe('address guard edges', () => {
  test('anything that is not an IP address is "invalid", never public', () => {
    for (const s of ['localhost', 'api.example', '', '999.1.1.1', 'a::b::c']) expect(nonPublicRange(s), s).toBe('invalid');
  });

  test('a refusal is a 403 http_target_forbidden naming host and address', () => {
    const err = forbiddenTarget('api.example', '10.0.0.7', 'private');
    expect(err).toMatchObject({ code: 'http_target_forbidden', status: 403 });
    expect(err.message).toContain('api.example (10.0.0.7)');
    expect(forbiddenTarget('10.0.0.7', '10.0.0.7', 'private').message).toContain('connect to 10.0.0.7: it is a private address');
  });

  test('asks the resolver for every address, whatever net asked for', async () => {
    const { result, seen } = lookupWith((cb) => cb(null, [{ address: '93.184.216.34', family: 4 }]));
    expect((await result).result).toBe('93.184.216.34');
    expect(seen).toEqual([{ family: 4, all: true }]);
  });

  test('a resolver failure is passed on as it came, with no address', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND api.example'), { code: 'ENOTFOUND' });
    expect(await lookupWith((cb) => cb(failure, [])).result).toEqual({ err: failure, result: [] });
  });

  test('an empty answer is ENOTFOUND, not a connection to nowhere', async () => {
    const { err } = await lookupWith((cb) => cb(null, [])).result;
    expect(err).toMatchObject({ code: 'ENOTFOUND', message: 'no address for api.example' });
  });

  test('finds the refusal wrapped up to five causes deep, and ends on deeper or circular chains', () => {
    const refusal = forbiddenTarget('h', '10.0.0.1', 'private');
    const wrap = (e: unknown, times: number) => Array.from({ length: times }).reduce<unknown>((inner) => new Error('fetch failed', { cause: inner }), e);
    expect(findForbidden(wrap(refusal, 5))).toBe(refusal);
    expect(findForbidden(wrap(refusal, 6))).toBeUndefined();
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = new Error('b', { cause: a });
    expect(findForbidden(a)).toBeUndefined();
    expect(findForbidden(new Error('x', { cause: new WeirError('http_status', 'not found') }))).toBeUndefined();
  });
});

describe('names are judged by the addresses they resolve to, not as addresses', () => {
  let server: TestServer;
  // public.test stands for a public name: it resolves to 127.0.0.1, which this guard allows.
  const agent = new Agent({
    connect: guardedConnector({
      classify: (a) => (a === '127.0.0.1' ? undefined : nonPublicRange(a)),
      resolve: (_host, _options, cb) => cb(null, [{ address: '127.0.0.1', family: 4 }]),
    }),
  });
  beforeAll(async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
  });
  afterAll(async () => {
    await agent.close();
    await server.close();
  });

  test('a host name that resolves to an allowed address is reached', async () => {
    const res = await send({ method: 'GET', url: new URL(`http://public.test:${server.port}/`), headers: {}, credentialHeaders: {}, signal: new AbortController().signal, timeoutMs: 5000, maxBytes: 1e6, dispatcher: agent });
    expect(res.status).toBe(200);
  });
});
