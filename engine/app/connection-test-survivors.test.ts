import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WeirError } from '../errors.ts';
import { probeFor, testConnection, TEST_TIMEOUT_MS, type ResolvedConnection } from './connection-test.ts';

/**
 * Cases around the mutants Stryker left alive in connection-test.ts (see test/mutation/web-apps.md):
 * which request each connection type is probed with, and what the user is told for each answer,
 * against a real loopback HTTP server that answers the status its path names.
 */

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const m = /\/status\/(\d{3})/.exec(req.url ?? '');
    // /hang never answers: the probe's own timeout must end it.
    if (req.url?.startsWith('/hang')) return;
    res.writeHead(m ? Number(m[1]) : 200, { 'content-type': 'application/json' });
    res.end(m && m[1] === '204' ? undefined : '{"data":[]}');
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((ok) => server.close(ok));
});

const conn = (type: string, settings: Record<string, unknown>, secrets: Record<string, string> = {}): ResolvedConnection => ({ name: 'c', type, settings, secrets });

function refused(c: ResolvedConnection): WeirError {
  try {
    probeFor(c);
  } catch (e) {
    expect(e).toBeInstanceOf(WeirError);
    return e as WeirError;
  }
  throw new Error('probeFor did not refuse the connection');
}

describe('the request each connection type is probed with', () => {
  it('OpenAI: the model list under base_url, trailing slashes dropped, the key as Bearer only when there is one', () => {
    expect(probeFor(conn('openai', { base_url: 'http://h/v1//' }, { api_key: 'k' }))).toEqual({ url: 'http://h/v1/models', method: 'GET', headers: { authorization: 'Bearer k' }, what: 'the model list' });
    expect(probeFor(conn('openai', { base_url: 'https://h/v1' })).headers).toEqual({});
  });

  it("sends the connection's own string headers, and ignores headers that are not a mapping of strings", () => {
    expect(probeFor(conn('openai', { base_url: 'http://h/v1', headers: { 'x-tenant': 'acme', 'x-count': 5 } })).headers).toEqual({ 'x-tenant': 'acme' });
    for (const headers of ['x-tenant: acme', null, 7]) expect(probeFor(conn('openai', { base_url: 'http://h/v1', headers })).headers, String(headers)).toEqual({});
  });

  it('Azure: by type, by flavor, or by an api_version on an OpenAI connection; never for flavor openai, Ollama or http', () => {
    const azure = (c: ResolvedConnection) => probeFor(c).url.includes('/openai/models?api-version=');
    expect(azure(conn('openai', { base_url: 'http://h', flavor: 'azure', api_version: '2024-10-21' }))).toBe(true);
    expect(azure(conn('openai', { base_url: 'http://h', api_version: '2024-10-21' }))).toBe(true);
    expect(azure(conn('openai', { base_url: 'http://h', flavor: 'openai', api_version: '2024-10-21' }))).toBe(false);
    expect(probeFor(conn('ollama', { base_url: 'http://h', api_version: '2024-10-21' })).url).toBe('http://h/api/tags');
    expect(probeFor(conn('http', { base_url: 'http://h/ping', api_version: '2024-10-21' })).url).toBe('http://h/ping');
    expect(azure(conn('openai', { base_url: 'http://h', api_version: '   ' }))).toBe(false);
    // flavor azure alone makes it Azure, which then needs its api_version.
    expect(refused(conn('openai', { base_url: 'http://h', flavor: 'azure' }))).toMatchObject({ code: 'connection_invalid', path: ['settings', 'api_version'] });
  });

  it('Azure: /openai added once, the api-version trimmed and encoded, api-key only with a key', () => {
    expect(probeFor(conn('azure_openai', { base_url: 'https://r.example.com/openai/', api_version: ' 2024-10-21 ' }, { api_key: 'k' }))).toEqual({
      url: 'https://r.example.com/openai/models?api-version=2024-10-21', method: 'GET', headers: { 'api-key': 'k' }, what: 'the model list',
    });
    // Not even an api-key header with no value (fetch would send "undefined").
    expect(Object.keys(probeFor(conn('azure_openai', { base_url: 'https://r.example.com', api_version: '2024-10-21' })).headers)).toEqual([]);
    const e = refused(conn('azure_openai', { base_url: 'https://r.example.com' }));
    expect(e).toMatchObject({ code: 'connection_invalid', status: 422, path: ['settings', 'api_version'] });
  });

  it('Ollama: its tags, with /v1 dropped only at the end of base_url', () => {
    expect(probeFor(conn('ollama', { base_url: 'http://h:11434/v1/' })).url).toBe('http://h:11434/api/tags');
    expect(probeFor(conn('ollama', { base_url: 'http://h/v1-gateway/ollama' })).url).toBe('http://h/v1-gateway/ollama/api/tags');
  });

  it('http: its base_url, with the credentials its auth names, under its auth_header when given', () => {
    const headers = (settings: Record<string, unknown>, secrets: Record<string, string> = {}) => probeFor(conn('http', { base_url: 'http://h/ping', ...settings }, secrets)).headers;
    expect(headers({}, { api_key: 'k' })).toEqual({ authorization: 'Bearer k' });
    expect(headers({ auth: '  ' }, { api_key: 'k' })).toEqual({ authorization: 'Bearer k' });
    expect(headers({ auth_header: 'x-token' }, { api_key: 'k' })).toEqual({ 'x-token': 'Bearer k' });
    expect(headers({ auth: 'api-key' }, { api_key: 'k' })).toEqual({ 'api-key': 'k' });
    expect(headers({ auth: 'api-key', auth_header: 'x-api-key' }, { api_key: 'k' })).toEqual({ 'x-api-key': 'k' });
    expect(headers({}, { username: 'ann', password: 'pw' })).toEqual({ authorization: `Basic ${Buffer.from('ann:pw').toString('base64')}` });
    expect(headers({ auth: 'basic' }, { username: 'ann' })).toEqual({ authorization: `Basic ${Buffer.from('ann:').toString('base64')}` });
    // Nothing to send: no header at all, rather than "Bearer undefined".
    expect(headers({})).toEqual({});
    expect(headers({ auth: 'bearer' })).toEqual({});
    expect(headers({ auth: 'api-key' })).toEqual({});
    expect(headers({ auth: 'basic' })).toEqual({});
    expect(headers({ auth: 'none' }, { api_key: 'k', username: 'ann' })).toEqual({});
    expect(probeFor(conn('http', { base_url: 'http://h/ping' })).what).toBe('its base_url');
  });

  it('refuses a missing, unparsable or non-http(s) base_url, naming the setting', () => {
    const missing = refused(conn('openai', {}));
    expect(missing).toMatchObject({ code: 'connection_invalid', status: 422, path: ['settings', 'base_url'], message: 'connection "c" has no settings.base_url: set it to the service\'s address' });
    expect(refused(conn('openai', { base_url: '   ' })).message).toMatch(/has no settings\.base_url/);
    expect(refused(conn('ollama', { base_url: 'not a url' }))).toMatchObject({ code: 'connection_invalid', status: 422, path: ['settings', 'base_url'], message: 'connection "c": settings.base_url "not a url" is not a URL' });
    expect(refused(conn('http', { base_url: 'ftp://h/x' }))).toMatchObject({ code: 'connection_invalid', status: 422, path: ['settings', 'base_url'], message: 'connection "c": settings.base_url must be an http(s) URL' });
    expect(probeFor(conn('http', { base_url: 'https://h/x' })).url).toBe('https://h/x');
  });
});

describe('what a test run tells the user', () => {
  const at = (path: string) => ({ base_url: `${base}${path}` });
  const host = () => new URL(base).host;

  it('ok with the status and a latency within the timeout', async () => {
    const r = await testConnection(conn('openai', at('/v1'), { api_key: 'k' }));
    expect(r).toMatchObject({ ok: true, status: 200, message: expect.stringMatching(new RegExp(`^connected to ${host()}: it answered 200 in \\d+ ms$`)) });
    expect(r.latency_ms).toBeGreaterThanOrEqual(0);
    expect(r.latency_ms).toBeLessThanOrEqual(TEST_TIMEOUT_MS);
  });

  it('an answer with no body is ok too', async () => {
    expect(await testConnection(conn('ollama', at('/status/204')))).toMatchObject({ ok: true, status: 204 });
  });

  it('names what to do for each refusal of an API', async () => {
    const msg = async (c: ResolvedConnection) => (await testConnection(c)).message;
    expect(await msg(conn('openai', at('/status/403'), { api_key: 'k' }))).toBe(`${host()} rejected the API key (403): check the key, or set a new one`);
    expect(await msg(conn('openai', at('/status/401')))).toBe(`${host()} needs credentials (401): set the api_key secret`);
    expect(await msg(conn('http', at('/status/401'), { username: 'ann', password: 'pw' }))).toBe(`${host()} rejected its credentials (401): check the key, or set a new one`);
    expect(await msg(conn('http', at('/status/403'), { api_key: 'k' }))).toBe(`${host()} rejected the API key (403): check the key, or set a new one`);
    expect(await msg(conn('openai', at('/status/404')))).toBe(`${host()} answered 404 for /status/404/models: check the base_url`);
    expect(await msg(conn('azure_openai', { ...at('/status/404'), api_version: '2024-10-21' }))).toBe(`${host()} answered 404 for /status/404/openai/models: check the base_url and api_version`);
    expect(await msg(conn('openai', at('/status/429')))).toBe(`${host()} is rate limiting this key (429); the connection itself works`);
    expect(await msg(conn('openai', at('/status/503')))).toBe(`${host()} answered 503: the service has a problem on its side; try again later`);
    expect(await msg(conn('openai', at('/status/500')))).toBe(`${host()} answered 500: the service has a problem on its side; try again later`);
    expect(await msg(conn('openai', at('/status/418')))).toBe(`${host()} answered 418 for the model list`);
    expect(await msg(conn('ollama', at('/status/418')))).toBe(`${host()} answered 418 for the model list`);
    expect(await msg(conn('azure_openai', { ...at('/status/418'), api_version: '2024-10-21' }))).toBe(`${host()} answered 418 for the model list`);
  });

  it('counts a plain http service as reachable whatever it answers below 500, except a refusal of its credentials', async () => {
    const ok = async (path: string, type = 'http') => (await testConnection(conn(type, at(path)))).ok;
    expect(await ok('/status/404')).toBe(true);
    expect(await ok('/status/499')).toBe(true);
    expect(await ok('/status/500')).toBe(false);
    expect(await ok('/status/401')).toBe(false);
    expect(await ok('/status/403')).toBe(false);
    expect(await ok('/status/404', 'openai')).toBe(false);
  });

  it('gives up after its timeout when nothing answers, saying how long it waited', async () => {
    const r = await testConnection(conn('http', at('/hang')), 300);
    expect(r).toMatchObject({ ok: false, status: null, message: `cannot reach host ${host()}: no answer within 0.3 s. Check the address, and that the service runs and this server may reach it` });
  });

  it("passes on the socket's own reason when it has no plainer words for it", async () => {
    // TLS spoken to a plain HTTP port: OpenSSL's "wrong version number", not "fetch failed".
    const r = await testConnection(conn('http', { base_url: base.replace('http:', 'https:') }));
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(new RegExp(`^cannot reach host ${host()}: .*wrong version number`));
  });
});
