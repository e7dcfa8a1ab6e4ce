import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, weir } from '../helpers/cli.ts';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.ts';

const ADMIN = 'e2e-admin-token';
const CORPUS = path.join(ROOT, 'test/fixtures/corpus');
const spec = JSON.parse(readFileSync(path.join(CORPUS, 'questions.json'), 'utf8')) as {
  questions: { question: string; source: string; expect: string }[];
  unsupported: string[];
  broken: string[];
};

/**
 * The newcomer's path, as the README tells it: `weir data add` a folder of mixed documents,
 * `weir data chat-flow`, start the server, publish and deploy the flow, ask over HTTP — every
 * question must come back citing the document that holds its answer.
 */
describe('add your data, end to end', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-e2e-data-'));
  const docs = path.join(dir, 'my-docs');
  const dataDir = path.join(dir, '.weir');
  const masterKey = process.env.WEIR_MASTER_KEY;
  process.env.WEIR_MASTER_KEY = Buffer.alloc(32, 9).toString('base64');
  let server: ServerProcess | undefined;
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    process.env.WEIR_MASTER_KEY = masterKey;
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes a folder, reports the files it skipped, and the generated chat flow answers with citations', async () => {
    cpSync(CORPUS, docs, { recursive: true });
    const added = await weir('data', 'add', docs, '--index', 'handbook', '--data-dir', dataDir);
    // Exit 1: done, but some files were skipped (each named, with why).
    expect(added.code, added.stderr + added.stdout).toBe(1);
    for (const name of [...spec.unsupported, ...spec.broken]) expect(added.stdout).toMatch(new RegExp(`skipped ${name.replace('.', '\\.')}: `));
    expect(added.stdout).toMatch(/100\.0%/);
    expect(added.stdout).toMatch(/succeeded: \d+ file\(s\) indexed/);

    const shown = await weir('data', 'show', 'handbook', '--data-dir', dataDir);
    for (const q of spec.questions) expect(shown.stdout).toContain(q.source);

    const again = await weir('data', 'add', docs, '--index', 'handbook', '--data-dir', dataDir);
    expect(again.stdout).not.toMatch(/^added /m);
    expect(again.stdout).toMatch(/^unchanged +pto-policy\.md/m);

    const gen = await weir('data', 'chat-flow', 'handbook', '--data-dir', dataDir);
    expect(gen.code, gen.stderr).toBe(0);
    expect(gen.stdout).toContain('saved flow "chat-handbook"');

    server = await startServerProcess(dataDir, ADMIN);
    const call = async (method: string, url: string, body?: unknown, auth = ADMIN) => {
      const res = await fetch(server!.url + url, { method, headers: { authorization: `Bearer ${auth}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as any };
    };
    expect((await call('POST', '/api/flows/chat-handbook/publish', { message: 'first' })).status).toBe(201);
    expect((await call('POST', '/api/deployments', { name: 'handbook-chat', flow: 'chat-handbook' })).status).toBe(201);
    const key = (await call('POST', '/api/deployments/handbook-chat/keys', { name: 'app' })).json.key;

    const misses: string[] = [];
    for (const q of spec.questions) {
      const r = await call('POST', '/deployments/handbook-chat/score', { question: q.question }, key);
      expect(r.status).toBe(200);
      const cited = r.json.citations.filter((c: { source: string }) => c.source === q.source);
      if (!cited.length || !cited.some((c: { text: string }) => c.text.includes(q.expect))) {
        misses.push(`${q.question} → ${JSON.stringify(r.json.citations.map((c: { source: string }) => c.source))}`);
      }
      // Every [n] in the answer names a returned citation.
      for (const m of r.json.answer.matchAll(/\[(\d+)\]/g)) expect(r.json.citations.map((c: { n: number }) => c.n)).toContain(Number(m[1]));
    }
    expect(misses).toEqual([]);
  }, 240_000);
});
