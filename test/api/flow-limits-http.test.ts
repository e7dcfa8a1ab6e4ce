/**
 * The same limits through the real HTTP server on loopback, where each body carries a real
 * Content-Length and the server's 1 MB body cap applies before anything is parsed: a 10 000-node
 * flow (~0.7 MB as JSON or YAML) fits, is validated, stored and run; a 100 000-node one (~7 MB) is
 * refused by the size cap, named in the answer, and the server goes on answering.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NodeRegistry } from '../../engine/registry.ts';
import { startServer, type RunningServer } from '../../engine/server.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { chainFlow, chainYaml } from '../helpers/big-flows.ts';
import { testNodes } from '../helpers/test-nodes.ts';

const ADMIN = 'limits-http-admin';
let dir: string;
let server: RunningServer;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'weir-limits-http-'));
  server = await startServer({ registry: new NodeRegistry([...builtinNodes, ...testNodes]), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null });
});
afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

const post = async (url: string, body: string, type: string) => {
  const res = await fetch(`${server.url}${url}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': type }, body });
  return { status: res.status, length: body.length, json: (await res.json()) as any };
};

describe('flows over HTTP with a real Content-Length', () => {
  it('validates a 10 000-node flow sent as JSON and as YAML, under the 1 MB body cap', async () => {
    const json = JSON.stringify(chainFlow(10_000, { name: 'ten-k' }));
    const yaml = chainYaml(10_000, 'ten-k');
    for (const [body, type] of [[json, 'application/json'], [yaml, 'application/yaml']]) {
      expect(body.length).toBeLessThan(1024 * 1024);
      const r = await post('/api/validate', body, type);
      expect(r.status).toBe(200);
      expect(r.json).toEqual({ valid: true, problems: [] });
    }
  });

  it('stores and runs it', async () => {
    expect((await post('/api/flows', chainYaml(10_000, 'ten-k'), 'application/yaml')).status).toBe(201);
    const run = await post('/api/flows/ten-k/runs', JSON.stringify({ inputs: { x: 'over http' } }), 'application/json');
    expect(run.json).toMatchObject({ status: 'succeeded', outputs: { out: 'over http' } });
  });

  it('refuses a 100 000-node flow by its size, naming the cap, and keeps answering', async () => {
    const body = JSON.stringify(chainFlow(100_000, { name: 'hundred-k' }));
    for (const url of ['/api/validate', '/api/flows']) {
      const r = await post(url, body, 'application/json');
      expect(r.status).toBe(413);
      expect(r.json.error).toMatchObject({ code: 'body_too_large', message: 'the body is larger than 1048576 bytes' });
    }
    const list = await fetch(`${server.url}/api/flows`, { headers: { authorization: `Bearer ${ADMIN}` } });
    expect(((await list.json()) as { data: { name: string }[] }).data.map((f) => f.name)).toEqual(['ten-k']);
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
