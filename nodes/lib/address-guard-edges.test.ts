import type dns from 'node:dns';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WeirError } from '../../engine/errors.ts';
import { sendJson, startServer, type TestServer } from '../../test/helpers/nodes/test-server.ts';
import { failureOf } from '../../test/helpers/nodes/test-context.ts';
import { agentFor, findForbidden, forbiddenTarget, guardedConnector, guardedLookup, nonPublicRange } from './address-guard.ts';
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
    const { err, result } = await lookupWith((cb) => cb(null, [])).result;
    expect(err).toMatchObject({ code: 'ENOTFOUND', message: 'no address for api.example' });
    expect(result).toEqual([]);
  });

  test('a refused name hands net no address at all, not even the public ones', async () => {
    const { err, result } = await lookupWith((cb) => cb(null, [{ address: '93.184.216.34', family: 4 }, { address: '127.0.0.1', family: 4 }])).result;
    expect(err).toMatchObject({ code: 'http_target_forbidden', message: expect.stringContaining('api.example (127.0.0.1): it is a loopback address') });
    expect(result).toEqual([]);
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

describe('IPv6 literals in a URL', () => {
  let server: TestServer;
  let v4: TestServer;
  const seen: string[] = [];
  // Allows ::1 only: a reached server proves the classifier was asked about the address itself.
  const allowing = new Agent({ connect: guardedConnector({ classify: (a) => (seen.push(a), a === '::1' ? undefined : nonPublicRange(a)) }) });
  const guarded = new Agent({ connect: guardedConnector() });
  const get = (url: string, dispatcher: Agent) =>
    send({ method: 'GET', url: new URL(url), headers: {}, credentialHeaders: {}, signal: new AbortController().signal, timeoutMs: 5000, maxBytes: 1e6, dispatcher });

  beforeAll(async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { ok: true }), '::1');
    v4 = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
  });
  afterAll(async () => {
    await allowing.close();
    await guarded.close();
    await server.close();
    await v4.close();
  });

  test('[::1] is judged as ::1 and refused before anything is sent', async () => {
    const err = await failureOf(get(`http://[::1]:${server.port}/`, guarded));
    expect(err.code).toBe('http_target_forbidden');
    expect(err.message).toContain('connect to ::1: it is a loopback address');
    expect(server.requests).toHaveLength(0);
  });

  test('an IPv4-mapped literal for loopback is refused too', async () => {
    const err = await failureOf(get(`http://[::ffff:127.0.0.1]:${v4.port}/`, guarded));
    expect(err.code).toBe('http_target_forbidden');
    expect(v4.requests).toHaveLength(0);
  });

  test('an allowed IPv6 literal is reached, the classifier having seen the bare address', async () => {
    const res = await get(`http://[::1]:${server.port}/`, allowing);
    expect(res.status).toBe(200);
    expect(seen).toContain('::1');
    expect(seen.some((a) => a.includes('['))).toBe(false);
  });
});

describe('agentFor', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startServer((_req, res) => sendJson(res, 200, { ok: true }));
  });
  afterAll(async () => {
    await server.close();
  });
  const get = (allowPrivate: boolean) =>
    send({ method: 'GET', url: new URL(`${server.url}/`), headers: {}, credentialHeaders: {}, signal: new AbortController().signal, timeoutMs: 5000, maxBytes: 1e6, dispatcher: agentFor(allowPrivate) });

  test('one shared agent per kind, so connections pool across runs; only the trusting one reaches a private address', async () => {
    const open = agentFor(true);
    expect(open).toBeInstanceOf(Agent);
    expect(agentFor(true)).toBe(open);
    expect(agentFor(false)).toBeInstanceOf(Agent);
    expect(agentFor(false)).toBe(agentFor(false));
    expect(agentFor(false)).not.toBe(open);
    expect((await get(true)).status).toBe(200);
    expect((await failureOf(get(false))).code).toBe('http_target_forbidden');
  });
});

describe('the connector called with a bracketed IPv6 host', () => {
  // undici strips the brackets before calling a connector; the guard does not rely on it.
  const connectTo = (hostname: string) =>
    new Promise<Error | null>((resolve) =>
      guardedConnector()({ hostname, host: `${hostname}:80`, protocol: 'http:', port: '80', localAddress: null }, (err, socket) => {
        socket?.destroy();
        resolve(err);
      }),
    );

  test.each([
    ['[::1]', '::1', 'loopback'],
    ['[::ffff:10.0.0.1]', '::ffff:10.0.0.1', 'private'],
  ])('%s is refused as the %s it names', async (hostname, address, range) => {
    const err = await connectTo(hostname);
    expect(err).toMatchObject({ code: 'http_target_forbidden' });
    expect(err?.message).toContain(`connect to ${address}: it is a ${range} address`);
  });
});
