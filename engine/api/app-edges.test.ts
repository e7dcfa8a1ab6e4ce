import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { builtinNodes } from '../../nodes/index.ts';
import { Workspace } from '../app/workspace.ts';
import { NodeRegistry } from '../registry.ts';
import { openSqliteStore } from '../store/sqlite/open.ts';
import { createApp } from './app.ts';

/** Cases around the mutants Stryker left alive in app.ts (see test/mutation/guards.md). */
const ADMIN = 'app-edges-admin';
let dir: string;
let store: ReturnType<typeof openSqliteStore>;
let ws: Workspace;
let app: ReturnType<typeof createApp>;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-app-edges-'));
  store = openSqliteStore({ dataDir: dir, batchMs: 2 });
  ws = new Workspace(store, new NodeRegistry(builtinNodes));
});
afterAll(async () => {
  await ws.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

const auth = { authorization: `Bearer ${ADMIN}` };
const json = async (res: Response) => ({ status: res.status, headers: res.headers, json: (await res.json()) as any });
/** A request declaring `length` bytes; the size check answers from the header alone. */
const declaring = (method: string, url: string, length: number) =>
  app.request(url, { method, headers: { ...auth, 'content-length': String(length), 'content-type': 'application/json' }, body: '{}' });

describe('the app, built once with the default limits', () => {
  beforeAll(() => {
    // No limits given: the defaults (1 MiB JSON, 256 MiB upload) apply.
    app = createApp(ws, { adminToken: ADMIN });
    // Routes that fail the way a client leaving mid-body does, to reach onError.
    app.post('/api/test/reset', () => {
      throw Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    });
    app.post('/api/test/other', () => {
      throw Object.assign(new Error('read EPIPE'), { code: 'EPIPE' });
    });
  });

  describe('x-request-id on /api', () => {
    it('echoes a well-formed id of 1 to 128 word characters, dots and dashes; anything else gets a fresh uuid', async () => {
      for (const id of ['a', 'req-1.2_X', 'x'.repeat(128)]) {
        expect((await app.request('/api/node-types', { headers: { ...auth, 'x-request-id': id } })).headers.get('x-request-id'), id).toBe(id);
      }
      for (const id of ['x'.repeat(129), 'has space', 'a/b', 'ok\u00e9', '<script>']) {
        const got = (await app.request('/api/node-types', { headers: { ...auth, 'x-request-id': id } })).headers.get('x-request-id');
        expect(got, id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      }
      expect((await app.request('/api/node-types', { headers: auth })).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('default body limits', () => {
    it('JSON routes take 1 MiB by default and refuse one byte more, naming the limit', async () => {
      const over = await json(await declaring('POST', '/api/validate', 1024 * 1024 + 1));
      expect(over.status).toBe(413);
      expect(over.json.error).toEqual({ code: 'body_too_large', message: 'the body is larger than 1048576 bytes', param: null, type: 'invalid_request_error' });
      expect((await declaring('POST', '/api/validate', 1024 * 1024)).status).not.toBe(413);
    });

    it('a document upload takes 256 MiB by default; only POST to …/documents (with or without a trailing slash) gets it', async () => {
      for (const url of ['/api/indexes/docs/documents', '/api/indexes/docs/documents/']) {
        expect((await declaring('POST', url, 256 * 1024 * 1024)).status, url).not.toBe(413);
        const over = await json(await declaring('POST', url, 256 * 1024 * 1024 + 1));
        expect(over.status, url).toBe(413);
        expect(over.json.error.message).toBe('the body is larger than 268435456 bytes');
      }
      // Not the upload route: the JSON limit applies.
      for (const [method, url] of [['PUT', '/api/indexes/docs/documents'], ['POST', '/api/indexes/a/b/documents'], ['POST', '/api/indexes/docs/documents/x'], ['POST', '/api/indexes/docs/documentsx'], ['POST', '/x/api/indexes/docs/documents']]) {
        const r = await json(await declaring(method, url, 2 * 1024 * 1024));
        expect(r.status, `${method} ${url}`).toBe(413);
        expect(r.json.error.message).toBe('the body is larger than 1048576 bytes');
      }
    });

    it('a chunked body without a Content-Length is counted as it streams, against the route’s limit', async () => {
      const stream = (bytes: number) =>
        new ReadableStream({
          start(c) {
            c.enqueue(new Uint8Array(bytes).fill(32));
            c.close();
          },
        });
      const send = (url: string, bytes: number) => app.request(url, { method: 'POST', headers: auth, body: stream(bytes), duplex: 'half' } as RequestInit);
      const over = await json(await send('/api/validate', 1024 * 1024 + 1));
      expect(over.status).toBe(413);
      expect(over.json.error.message).toBe('the body is larger than 1048576 bytes');
      expect((await send('/api/validate', 1024 * 1024)).status).toBe(200);
      // Upload route: 2 MiB is far under its limit, so the route itself answers.
      expect((await send('/api/indexes/docs/documents', 2 * 1024 * 1024)).status).not.toBe(413);
    });
  });

  describe('plain routes', () => {
    it('mounts the Azure OpenAI routes under /openai and the playground under /api/playground', async () => {
      const azure = await json(await app.request('/openai/deployments/nope/chat/completions?api-version=2024-10-21', { method: 'POST', headers: { 'api-key': ADMIN, 'content-type': 'application/json' }, body: '{}' }));
      expect(azure.status).toBe(404);
      expect(azure.json.error.code).toBe('model_not_found');
      const play = await json(await app.request('/api/playground/chat', { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{"messages":[{"role":"user","content":"hi"}]}' }));
      expect(play.status).toBe(400);
      expect(play.json.error.param).toBe('deployment');
    });

    it('healthz, docs and node-types answer', async () => {
      expect(await (await app.request('/healthz')).json()).toEqual({ ok: true });
      const docs = await app.request('/docs');
      expect(docs.status).toBe(200);
      expect(docs.headers.get('content-type')).toMatch(/text\/html/);
      const types = await json(await app.request('/api/node-types', { headers: auth }));
      expect(types.status).toBe(200);
      expect(types.json.data.length).toBeGreaterThan(0);
      expect((await app.request('/api/node-types')).status).toBe(401);
    });

    it('validate reports parse problems and flow problems, and passes a good flow', async () => {
      const validate = async (body: string, type = 'application/yaml') =>
        json(await app.request('/api/validate', { method: 'POST', headers: { ...auth, 'content-type': type }, body }));
      const broken = await validate('weir: 1\nname: [unclosed');
      expect(broken.status).toBe(200);
      expect(broken.json.valid).toBe(false);
      expect(broken.json.problems[0].code).toBe('yaml_syntax');
      const bad = await validate('weir: 1\nname: f\nnodes:\n  - name: a\n    type: no-such-type\n');
      expect(bad.json.valid).toBe(false);
      expect(bad.json.problems.map((p: { code: string }) => p.code)).toContain('unknown_node_type');
      const good = await validate(JSON.stringify({ weir: 1, name: 'f', inputs: { q: { type: 'string' } }, nodes: [], outputs: { a: '${inputs.q}' } }), 'application/json');
      expect(good.json).toEqual({ valid: true, problems: [] });
    });
  });

  describe('unknown routes and methods', () => {
    it('405 names the methods of the path, with HEAD when GET is taken; 404 names the method and path', async () => {
      const patch = await json(await app.request('/api/node-types', { method: 'PATCH', headers: auth }));
      expect(patch.status).toBe(405);
      expect(patch.headers.get('allow')).toBe('GET, HEAD');
      expect(patch.json.error).toEqual({ code: 'method_not_allowed', message: 'PATCH is not allowed on /api/node-types; use GET, HEAD', param: null, type: 'invalid_request_error' });
      const get = await json(await app.request('/api/validate', { headers: auth }));
      expect(get.status).toBe(405);
      expect(get.headers.get('allow')).toBe('POST');
      const missing = await json(await app.request('/api/nothing-here', { method: 'DELETE', headers: auth }));
      expect(missing.status).toBe(404);
      expect(missing.headers.get('allow')).toBeNull();
      expect(missing.json.error).toEqual({ code: 'route_not_found', message: 'no route DELETE /api/nothing-here', param: null, type: 'not_found_error' });
    });
  });

  describe('a client that leaves mid-body', () => {
    it('ECONNRESET after the client aborted is a quiet 400; the same error with the client still there, or another error, is a logged 500', async () => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const gone = new AbortController();
        gone.abort();
        const aborted = await json(await app.request('/api/test/reset', { method: 'POST', headers: auth, signal: gone.signal }));
        expect(aborted.status).toBe(400);
        expect(aborted.json.error).toEqual({ code: 'request_aborted', message: 'the client closed the request before its body arrived', param: null, type: 'invalid_request_error' });
        expect(log).not.toHaveBeenCalled();

        expect((await app.request('/api/test/reset', { method: 'POST', headers: auth })).status).toBe(500);
        const other = new AbortController();
        other.abort();
        expect((await app.request('/api/test/other', { method: 'POST', headers: auth, signal: other.signal })).status).toBe(500);
        expect(log).toHaveBeenCalledTimes(2);
      } finally {
        log.mockRestore();
      }
    });
  });
});

// Outside the describe above: if building the app failed in its hook, this test still runs and fails.
describe('createApp', () => {
  it('createApp builds an app that serves (built inside a test, so a broken build fails a test, not only a hook)', async () => {
    const fresh = createApp(ws, { adminToken: ADMIN, maxBodyBytes: 10 });
    expect(await (await fresh.request('/healthz')).json()).toEqual({ ok: true });
    expect((await fresh.request('/api/validate', { method: 'POST', headers: { ...auth, 'content-length': '11' }, body: '{}' })).status).toBe(413);
  });
});
