import dns from 'node:dns';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WeirError } from '../../engine/errors.ts';
import { failureOf } from '../../test/helpers/nodes/test-context.ts';
import { sendJson, startServer, type TestServer } from '../../test/helpers/nodes/test-server.ts';
import { guardedConnector, guardedLookup, nonPublicRange } from './address-guard.ts';
import { send } from './http-request.ts';

describe('nonPublicRange', () => {
  test.each([
    ['127.0.0.1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.5.4', 'private'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.64.0.1', 'carrierGradeNat'],
    ['0.0.0.0', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['::1', 'loopback'],
    ['::', 'unspecified'],
    ['fe80::1', 'linkLocal'],
    ['fd12:3456::1', 'uniqueLocal'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['64:ff9b::a00:1', 'rfc6052'],
    ['2002:7f00:1::', '6to4'],
    ['::7f00:1', 'non-global'],
  ])('%s is %s', (address, range) => {
    expect(nonPublicRange(address)).toBe(range);
  });

  test.each(['93.184.216.34', '8.8.8.8', '2606:4700:4700::1111', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(nonPublicRange(address)).toBeUndefined();
  });
});

describe('guardedLookup', () => {
  const answer =
    (addresses: dns.LookupAddress[]) =>
    (_host: string, _o: dns.LookupAllOptions, cb: (e: NodeJS.ErrnoException | null, a: dns.LookupAddress[]) => void) =>
      cb(null, addresses);

  const lookup = (addresses: dns.LookupAddress[], all: boolean) =>
    new Promise<{ err: unknown; result: unknown }>((resolve) =>
      guardedLookup({ resolve: answer(addresses) })('api.example', { all }, (err, result) => resolve({ err, result })),
    );

  test('refuses a name when any of its answers is private (a rebinding name mixing both)', async () => {
    const { err } = await lookup([{ address: '93.184.216.34', family: 4 }, { address: '10.0.0.7', family: 4 }], true);
    expect(err).toBeInstanceOf(WeirError);
    expect((err as WeirError).message).toContain('api.example (10.0.0.7)');
  });

  test('passes public answers through in the shape net asked for', async () => {
    const addrs = [{ address: '93.184.216.34', family: 4 }];
    expect(await lookup(addrs, true)).toEqual({ err: null, result: addrs });
    expect(await lookup(addrs, false)).toMatchObject({ err: null, result: '93.184.216.34' });
  });
});

describe('guard on every connection, including redirects', () => {
  let entry: TestServer;
  let target: TestServer;
  // Stand 127.0.0.1 in for a public host, every other address keeps the real rules; the name
  // private.test resolves to 127.0.0.2, as an attacker's DNS would answer with a private address.
  const agent = new Agent({
    connect: guardedConnector({
      classify: (a) => (a === '127.0.0.1' ? undefined : nonPublicRange(a)),
      resolve: (host, options, cb) =>
        host === 'private.test' ? cb(null, [{ address: '127.0.0.2', family: 4 }]) : dns.lookup(host, options, cb),
    }),
  });
  const get = (url: string) =>
    send({ method: 'GET', url: new URL(url), headers: {}, credentialHeaders: {}, signal: new AbortController().signal, timeoutMs: 5000, maxBytes: 1e6, dispatcher: agent });

  beforeAll(async () => {
    target = await startServer((_req, res) => sendJson(res, 200, { reached: true }), '127.0.0.2');
    entry = await startServer((req, res) => {
      const to = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
      if (to) return void res.writeHead(302, { location: to }).end();
      sendJson(res, 200, { ok: true });
    });
  });

  afterAll(async () => {
    await agent.close();
    await entry.close();
    await target.close();
  });

  test('the allowed host is reachable through the guarded agent', async () => {
    expect((await get(`${entry.url}/`)).status).toBe(200);
  });

  test.each([
    ['an IP literal', () => `${target.url}/`],
    ['a name resolving to a private address', () => `http://private.test:${target.port}/`],
  ])('a redirect to %s is refused at connect time', async (_what, to) => {
    target.requests.length = 0;
    const err = await failureOf(get(`${entry.url}/?to=${encodeURIComponent(to())}`));
    expect(err.code).toBe('http_target_forbidden');
    expect(target.requests).toHaveLength(0);
  });
});
