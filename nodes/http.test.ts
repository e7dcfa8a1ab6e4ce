import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import type { Connection } from '../engine/node-definition.ts';
import { HttpStatusError, httpNode } from './http.ts';
import { failureOf, makeContext, runNode } from '../test/helpers/nodes/test-context.ts';
import { pumpForever, sendJson, startServer, type TestServer } from '../test/helpers/nodes/test-server.ts';

let server: TestServer;
let other: TestServer; // a second origin (127.0.0.2) for redirects
let hangStarted: Promise<void>;
let markHang: () => void;
const huge = { sent: 0, closed: false };

beforeAll(async () => {
  other = await startServer((req, res, body) => sendJson(res, 200, { headers: req.headers, body }), '127.0.0.2');
  server = await startServer((req, res, body) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/text') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('plain words');
    if (u.pathname === '/status') return void res.writeHead(Number(u.searchParams.get('code'))).end('upstream says no');
    if (u.pathname === '/hang') return markHang();
    if (u.pathname === '/huge') return pumpForever(res, huge);
    if (u.pathname === '/declared-huge') return void res.writeHead(200, { 'content-length': String(1024 ** 3) }).write('x');
    if (u.pathname === '/away') return void res.writeHead(302, { location: `${other.url}/landed` }).end();
    sendJson(res, 200, { method: req.method, path: req.url, headers: req.headers, body: body ? JSON.parse(body) : null });
  });
});

afterAll(async () => {
  await server.close();
  await other.close();
});

beforeEach(() => {
  server.requests.length = 0;
  other.requests.length = 0;
  hangStarted = new Promise((resolve) => (markHang = resolve));
});

/** A connection to the local test server; loopback needs allow_private_network. */
function conn(settings: Record<string, unknown> = {}, secrets: Record<string, string> = {}): Omit<Connection, 'name'> {
  return { type: 'custom', settings: { base_url: server.url, allow_private_network: true, ...settings }, secrets };
}

const run = (config: Record<string, unknown>, inputs: Record<string, unknown> = {}, c = conn(), signal?: AbortSignal) =>
  runNode(httpNode, { connection: 'api', ...config }, inputs, makeContext({ connections: { api: c }, signal }));

type Echo = { status: number; headers: Record<string, string>; body: { method: string; path: string; headers: Record<string, string>; body: unknown } };

describe('http node: requests', () => {
  test('GET a JSON endpoint relative to base_url, with the url templated from inputs', async () => {
    const out = (await run({ url: 'items/{{ id }}?q={{ q | urlencode }}' }, { id: 7, q: 'a b' })) as Echo;
    expect(out.status).toBe(200);
    expect(out.headers['content-type']).toBe('application/json');
    expect(out.body).toMatchObject({ method: 'GET', path: '/items/7?q=a%20b' });
  });

  test('base_url keeps its path: "items" under ".../v1" is ".../v1/items"', async () => {
    const out = (await run({ url: '/items' }, {}, conn({ base_url: `${server.url}/v1` }))) as Echo;
    expect(out.body.path).toBe('/v1/items');
  });

  test('POST sends the body template rendered with the inputs as JSON', async () => {
    const out = (await run(
      { method: 'POST', url: 'search', body: '{"query": {{ question | tojson }}, "top": {{ top }}}' },
      { question: 'say "hi"\n', top: 3 },
    )) as Echo;
    expect(out.body.method).toBe('POST');
    expect(out.body.headers['content-type']).toBe('application/json');
    expect(out.body.body).toEqual({ query: 'say "hi"\n', top: 3 });
  });

  test('url, header and body templates are sandboxed: reaching for JavaScript is refused and nothing is sent', async () => {
    const escape = '{{ q.constructor.constructor("return globalThis.fetch")() }}';
    for (const config of [{ url: escape }, { url: 'x', headers: { 'X-A': escape } }, { method: 'POST', url: 'x', body: `{"q": "${escape}"}` }]) {
      const err = await failureOf(run(config, { q: 'x' }));
      expect(err).toMatchObject({ code: 'template_unsafe' });
      expect(err.message).toMatch(/"constructor" is refused/);
    }
    expect(server.requests).toHaveLength(0);
  });

  test('a body template that does not produce JSON is a clear error, and nothing is sent', async () => {
    const err = await failureOf(run({ method: 'POST', url: 'x', body: '{"q": {{ q }}}' }, { q: 'not quoted' }));
    expect(err.code).toBe('http_invalid_body');
    expect(server.requests).toHaveLength(0);
  });

  test('sends node headers (templated), connection headers and bearer auth from secrets', async () => {
    const c = conn({ headers: { 'X-Org': 'weir' } }, { api_key: 'sk-123' });
    const out = (await run({ url: 'h', headers: { 'X-Trace': 'run-{{ n }}' } }, { n: 5 }, c)) as Echo;
    expect(out.body.headers).toMatchObject({ 'x-trace': 'run-5', 'x-org': 'weir', authorization: 'Bearer sk-123' });
  });

  test('api-key auth uses the auth_header name; basic auth encodes username:password', async () => {
    const apiKey = (await run({ url: 'h' }, {}, conn({ auth: 'api-key', auth_header: 'X-Api-Key' }, { api_key: 'k1' }))) as Echo;
    expect(apiKey.body.headers['x-api-key']).toBe('k1');
    expect(apiKey.body.headers.authorization).toBeUndefined();
    const basic = (await run({ url: 'h' }, {}, conn({ auth: 'basic' }, { username: 'u', password: 'p' }))) as Echo;
    expect(basic.body.headers.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
  });

  test('an auth mode whose secret is missing fails as connection_invalid', async () => {
    expect((await failureOf(run({ url: 'h' }, {}, conn({ auth: 'bearer' })))).code).toBe('connection_invalid');
  });

  test('response "auto" gives text for text/plain, "json" refuses a body that is not JSON', async () => {
    expect(((await run({ url: 'text' })) as Echo).body).toBe('plain words');
    expect((await failureOf(run({ url: 'text', response: 'json' }))).code).toBe('http_invalid_json');
  });

  test('an absolute URL may not leave the connection’s origin (its credentials would go along)', async () => {
    const err = await failureOf(run({ url: 'http://example.com/steal' }, {}, conn({}, { api_key: 'sk' })));
    expect(err.code).toBe('http_url_outside_connection');
  });

  test('relative URLs from inputs stay under base_url, even "//host" and "\\\\host" tricks', async () => {
    const host = new URL(other.url).host;
    for (const u of [`//${host}/landed`, `\\\\${host}/landed`]) {
      const out = (await run({ url: '{{ u }}' }, { u })) as Echo;
      expect(out.body.path, u).toBe(`/${host}/landed`);
    }
    expect(other.requests).toHaveLength(0);
  });

  test('a redirect to another origin is followed without the connection credentials', async () => {
    const out = (await run({ url: 'away' }, {}, conn({ headers: { 'X-Org': 'weir' } }, { api_key: 'sk-9' }))) as {
      body: { headers: Record<string, string> };
    };
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-9');
    expect(out.body.headers.authorization).toBeUndefined();
    expect(out.body.headers['x-org']).toBeUndefined();
  });

  test('only http and https URLs', async () => {
    const err = await failureOf(runNode(httpNode, { url: '{{ u }}' }, { u: 'file:///etc/passwd' }));
    expect(err.code).toBe('http_invalid_url');
    const problems = httpNode.check!(httpNode.config.parse({ url: 'ftp://example.com/x' }), {});
    expect(problems).toMatchObject([{ code: 'invalid_url', path: ['url'] }]);
  });

  test('check reports template syntax errors by field and unknown connections', () => {
    const config = httpNode.config.parse({ url: 'x', connection: 'nope', headers: { 'X-A': '{{ a' } });
    const problems = httpNode.check!(config, { connections: new Set(['api']) });
    expect(problems).toMatchObject([
      { code: 'template_syntax', path: ['headers', 'X-A'] },
      { code: 'connection_not_found', path: ['connection'] },
    ]);
  });

  test('config refuses a GET with a body and an invalid header name', () => {
    expect(httpNode.config.safeParse({ url: 'https://a.example', body: '{}' }).error?.issues[0].path).toEqual(['body']);
    expect(httpNode.config.safeParse({ url: 'https://a.example', headers: { 'bad name': 'x' } }).success).toBe(false);
  });
});

describe('http node: private network guard', () => {
  test('loopback is refused without allow_private_network, and no request reaches the server', async () => {
    for (const url of [`${server.url}/echo`, `http://localhost:${server.port}/echo`]) {
      const err = await failureOf(runNode(httpNode, { url }, {}));
      expect(err.code, url).toBe('http_target_forbidden');
      expect(err.message).toMatch(/127\.0\.0\.1|::1|localhost/);
    }
    const withConn = await failureOf(run({ url: 'echo' }, {}, conn({ allow_private_network: false })));
    expect(withConn.code).toBe('http_target_forbidden');
    expect(server.requests).toHaveLength(0);
  });

  test.each([
    'http://10.1.2.3/',
    'http://192.168.1.1/',
    'http://169.254.169.254/latest/meta-data/',
    'http://100.64.0.1/',
    'http://0.0.0.0/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fd00::1]/',
    'http://[fe80::1]/',
    'http://2130706433/', // 127.0.0.1 written as one decimal number
  ])('refuses %s', async (url) => {
    const err = await failureOf(runNode(httpNode, { url, timeout_ms: 2000 }, {}));
    expect(err.code).toBe('http_target_forbidden');
    expect(err.retryable).toBe(false);
  });
});

describe('http node: failures', () => {
  test.each([
    [404, false],
    [401, false],
    [408, true],
    [429, true],
    [500, true],
    [503, true],
  ])('HTTP %i is http_status, retryable: %s', async (code, retryable) => {
    const err = await failureOf(run({ url: `status?code=${code}&key=secret-in-query` }));
    expect(err).toBeInstanceOf(HttpStatusError);
    expect(err.code).toBe('http_status');
    expect((err as HttpStatusError).responseStatus).toBe(code);
    expect(err.retryable).toBe(retryable);
    expect(err.message).toContain(String(code));
    expect(err.message).not.toContain('secret-in-query');
  });

  test('a server that does not answer in timeout_ms fails as http_timeout (retryable)', async () => {
    const err = await failureOf(run({ url: 'hang', timeout_ms: 200 }));
    expect(err.code).toBe('http_timeout');
    expect(err.retryable).toBe(true);
  });

  test('a response past max_response_bytes fails while streaming and stops reading', async () => {
    huge.sent = 0;
    huge.closed = false;
    const err = await failureOf(run({ url: 'huge', max_response_bytes: 256 * 1024 }));
    expect(err.code).toBe('http_response_too_large');
    await expect.poll(() => huge.closed).toBe(true);
    // Socket buffers hold a few MiB at most; reading it all would have taken 256 MiB.
    expect(huge.sent).toBeLessThan(32 * 1024 ** 2);
  });

  test('a declared content-length past the cap fails before reading the body', async () => {
    expect((await failureOf(run({ url: 'declared-huge', max_response_bytes: 1024 }))).code).toBe('http_response_too_large');
  });

  test('an abort through ctx.signal mid-request rejects with the abort reason, not a timeout', async () => {
    const controller = new AbortController();
    const reason = new Error('run cancelled');
    const pending = failureOf(run({ url: 'hang' }, {}, conn(), controller.signal));
    await hangStarted;
    controller.abort(reason);
    expect(await pending).toBe(reason);
  });
});
