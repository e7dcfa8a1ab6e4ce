/**
 * The body limits as real clients meet them: every fetch or SDK call sends a Content-Length, which
 * the server checks before reading; chunked bodies without one are counted as they stream. Both
 * paths, both limits (JSON and document upload), at the byte boundary, and a Content-Length that
 * lies. The server runs with small limits so each body is a few kilobytes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { raw, send } from '../helpers/wire.ts';

const ADMIN = 'body-limits-admin';
const JSON_LIMIT = 4096;
const UPLOAD_LIMIT = 16_384;
const auth = { authorization: `Bearer ${ADMIN}` };
const UPLOAD = '/api/indexes/docs/documents?wait=true';
let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-body-limits-'));
  server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null, maxBodyBytes: JSON_LIMIT, maxUploadBytes: UPLOAD_LIMIT });
  const created = await fetch(`${server.url}/api/indexes`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'docs' }) });
  expect(created.status).toBe(201);
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A JSON object of exactly `n` bytes. */
const jsonOfSize = (n: number) => `{"pad":"${'x'.repeat(n - 10)}"}`;

const BOUNDARY = 'weir-test-boundary';
const MULTIPART = `multipart/form-data; boundary=${BOUNDARY}`;
/** A multipart form of exactly `n` bytes holding one file (an unsupported type: no embedding work). */
function formOfSize(n: number): string {
  const head = `--${BOUNDARY}\r\ncontent-disposition: form-data; name="files"; filename="pad.bin"\r\ncontent-type: application/octet-stream\r\n\r\n`;
  const tail = `\r\n--${BOUNDARY}--\r\n`;
  return head + 'x'.repeat(n - head.length - tail.length) + tail;
}

const validate = (body: string) => fetch(`${server.url}/api/validate`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
const upload = (body: string) => fetch(`${server.url}${UPLOAD}`, { method: 'POST', headers: { ...auth, 'content-type': MULTIPART }, body });

const expectTooLarge = (r: { status: number; json: any }, limit: number) => {
  expect(r.status).toBe(413);
  expect(r.json).toEqual({ error: { code: 'body_too_large', message: `the body is larger than ${limit} bytes`, param: null, type: 'invalid_request_error' } });
};
const read = async (res: Response) => ({ status: res.status, json: (await res.json()) as any });

describe('the JSON limit', () => {
  it('with a Content-Length (fetch): just under and at the limit are read, one byte over is refused', async () => {
    for (const n of [JSON_LIMIT - 1, JSON_LIMIT]) {
      expect(Buffer.byteLength(jsonOfSize(n))).toBe(n);
      const r = await read(await validate(jsonOfSize(n)));
      expect(r.status, `${n} bytes`).toBe(200);
      expect(r.json.valid).toBe(false); // read and validated as a (wrong) flow, not refused by size
    }
    expectTooLarge(await read(await validate(jsonOfSize(JSON_LIMIT + 1))), JSON_LIMIT);
  });

  it('chunked, without a Content-Length: the same boundary, counted as the body streams', async () => {
    const chunked = (n: number) => {
      const body = jsonOfSize(n);
      return send(server.port, { path: '/api/validate', headers: { ...auth, 'content-type': 'application/json' }, body: [body.slice(0, 1000), body.slice(1000)] });
    };
    for (const n of [JSON_LIMIT - 1, JSON_LIMIT]) {
      const r = await chunked(n);
      expect(r.status, `${n} bytes`).toBe(200);
      expect(r.json.valid).toBe(false);
    }
    expectTooLarge(await chunked(JSON_LIMIT + 1), JSON_LIMIT);
  });

  it('a JSON route refuses a body sized for the upload limit, with a Content-Length and chunked', async () => {
    const body = jsonOfSize(UPLOAD_LIMIT / 2);
    expectTooLarge(await read(await validate(body)), JSON_LIMIT);
    expectTooLarge(await send(server.port, { path: '/api/validate', headers: { ...auth, 'content-type': 'application/json' }, body: [body] }), JSON_LIMIT);
    // A JSON body on a route that only reads JSON, posted to a flow run: same cap.
    const run = await fetch(`${server.url}/api/flows/none/runs`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body });
    expectTooLarge(await read(run), JSON_LIMIT);
  });
});

describe('the upload limit', () => {
  it('with a Content-Length: a form just under and at the upload limit is taken (far over the JSON limit), one byte over is refused', async () => {
    for (const n of [UPLOAD_LIMIT - 1, UPLOAD_LIMIT]) {
      expect(Buffer.byteLength(formOfSize(n))).toBe(n);
      const r = await read(await upload(formOfSize(n)));
      expect(r.status, `${n} bytes`).toBe(200);
      expect(r.json).toMatchObject({ status: expect.any(String) });
      expect(JSON.stringify(r.json)).toContain('pad.bin');
    }
    expectTooLarge(await read(await upload(formOfSize(UPLOAD_LIMIT + 1))), UPLOAD_LIMIT);
  });

  it('chunked: the same boundary', async () => {
    const chunked = (n: number) => {
      const body = formOfSize(n);
      return send(server.port, { path: UPLOAD, headers: { ...auth, 'content-type': MULTIPART }, body: [body.slice(0, 5000), body.slice(5000)] });
    };
    expect((await chunked(UPLOAD_LIMIT)).status).toBe(200);
    expectTooLarge(await chunked(UPLOAD_LIMIT + 1), UPLOAD_LIMIT);
  });
});

describe('a Content-Length that lies, and Expect: 100-continue', () => {
  const head = (length: number, extra = '') =>
    `POST /api/validate HTTP/1.1\r\nhost: 127.0.0.1\r\nauthorization: Bearer ${ADMIN}\r\ncontent-type: application/json\r\ncontent-length: ${length}\r\n${extra}\r\n`;

  it('declaring more than the limit is refused at once, on the declared length, without waiting for bytes never sent', async () => {
    const { responses } = await raw(server.port, head(JSON_LIMIT + 1) + '{"a":1}', { count: 1 });
    expectTooLarge(responses[0], JSON_LIMIT);
  });

  it('declaring more than is sent, under the limit: the cut body is never run as a request, and the server goes on', async () => {
    const logged = vi.spyOn(console, 'error');
    try {
      const { responses } = await raw(server.port, head(100) + '{"pad":"', { count: 1, halfClose: true });
      // The client gave up mid-body: no answer at all, or a 400 — never a 200 for half a body, never a 5xx.
      for (const r of responses) expect(r.status).toBe(400);
      // A new connection and a full exchange: by then the cut request's failed body read has been handled.
      expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
      // A client leaving is not a server fault: it used to be logged as "internal error" (and answered 500).
      expect(logged.mock.calls.map((c) => String(c[0]))).not.toContain('internal error');
    } finally {
      logged.mockRestore();
    }
  });

  it('declaring less than is sent: the body is read to its declared length only, and what follows is the next request', async () => {
    const body = jsonOfSize(50);
    const next = `GET /healthz HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n`;
    const { responses } = await raw(server.port, head(body.length) + body + next, { count: 2 });
    expect(responses.map((r) => r.status)).toEqual([200, 200]);
    expect(responses[0].json.valid).toBe(false);
    expect(responses[1].json).toEqual({ ok: true });
  });

  it('a body that declares both Transfer-Encoding and Content-Length is refused before any route runs (no smuggling past the length check)', async () => {
    const body = jsonOfSize(JSON_LIMIT + 1);
    const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const { responses } = await raw(server.port, head(10, 'transfer-encoding: chunked\r\n') + chunked, { count: 1 });
    expect(responses[0].status).toBe(400);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('limits count bytes, not characters: a JSON body of two-byte characters at the limit is read, one byte over is refused', async () => {
    const accented = (bytes: number) => `{"pad":"${'é'.repeat((bytes - 10) / 2)}${bytes % 2 ? 'x' : ''}"}`;
    expect(Buffer.byteLength(accented(JSON_LIMIT))).toBe(JSON_LIMIT);
    expect(Buffer.byteLength(accented(JSON_LIMIT + 1))).toBe(JSON_LIMIT + 1);
    expect((await validate(accented(JSON_LIMIT))).status).toBe(200);
    expectTooLarge(await read(await validate(accented(JSON_LIMIT + 1))), JSON_LIMIT);
    const chunked = (n: number) => send(server.port, { path: '/api/validate', headers: { ...auth, 'content-type': 'application/json' }, body: [Buffer.from(accented(n))] });
    expect((await chunked(JSON_LIMIT)).status).toBe(200);
    expectTooLarge(await chunked(JSON_LIMIT + 1), JSON_LIMIT);
  });

  it('Expect: 100-continue: the body is sent on the 100 and read; over the limit it is refused without a 100', async () => {
    const ok = await send(server.port, { path: '/api/validate', headers: { ...auth, 'content-type': 'application/json', 'content-length': 100 }, body: [jsonOfSize(100)], expectContinue: true });
    expect(ok.continued).toBe(true);
    expect(ok.status).toBe(200);
    expect(ok.json.valid).toBe(false);
    const big = jsonOfSize(JSON_LIMIT + 1);
    const refused = await send(server.port, { path: '/api/validate', headers: { ...auth, 'content-type': 'application/json', 'content-length': big.length }, body: [big], expectContinue: true });
    expectTooLarge(refused, JSON_LIMIT);
    // Refused on its declared length before the server says "continue": the body is never sent.
    expect(refused.continued).toBe(false);
    const form = formOfSize(UPLOAD_LIMIT);
    const uploaded = await send(server.port, { path: UPLOAD, headers: { ...auth, 'content-type': MULTIPART, 'content-length': form.length }, body: [form], expectContinue: true });
    expect(uploaded.continued).toBe(true);
    expect(uploaded.status).toBe(200);
  });
});

describe('the upload route and content types', () => {
  it('refuses a body that is neither multipart nor JSON with a 415 naming the types it takes (size checks first)', async () => {
    const plain = await fetch(`${server.url}${UPLOAD}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'plain words' });
    const r = await read(plain);
    expect(r.status).toBe(415);
    expect(r.json.error).toMatchObject({ code: 'unsupported_media_type', param: null, type: 'invalid_request_error' });
    expect(r.json.error.message).toContain('multipart/form-data');
    const big = await fetch(`${server.url}${UPLOAD}`, { method: 'POST', headers: { ...auth, 'content-type': 'text/plain' }, body: 'x'.repeat(UPLOAD_LIMIT + 1) });
    expectTooLarge(await read(big), UPLOAD_LIMIT);
  });
});
