/**
 * A process that is writing runs gets SIGKILLed; the database it leaves must reopen cleanly with
 * every run either complete with its trace or absent, and everything published before intact.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_FILE, openStore } from './open.ts';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const openModule = pathToFileURL(fileURLToPath(new URL('./open.ts', import.meta.url))).href;

// The child enqueues runs of 5 traces as fast as it can (big batches, so the kill lands inside a
// transaction more often than not) and also finishes async runs directly.
const child = `
import { openStore } from ${JSON.stringify(openModule)};
const store = await openStore({ dataDir: process.argv[2], batchMs: 1 });
await store.flows.put({ name: 'chat', source: 'weir: 1', format: 'yaml', definition: { name: 'chat' } });
await store.versions.create({ flow: 'chat', hash: 'h1', message: '', author: 'a', source: 'weir: 1', definition: { name: 'chat' } });
await store.deployments.create({ name: 'blue', kind: 'flow', flow: 'chat', traffic: [{ version: 1, weight: 100 }], traceSampleRate: 1 });
const { secret } = await store.keys.create('blue', 'k');
await store.runs.start({ id: 'async-1', flow: 'chat', version: 1, deployment: 'blue', mode: 'async', status: 'running', inputs: {}, outputs: null, error: null, usage: null, startedAt: Date.now(), endedAt: null, durationMs: null });
const trace = (runId) => Array.from({ length: 5 }, (_, idx) => ({ runId, idx, node: 'n' + idx, type: 't', status: 'succeeded', startMs: idx, endMs: idx + 1, attempts: 1, inputs: { pad: 'x'.repeat(200) }, output: { idx }, error: null, skipReason: null, usage: null }));
const run = (id, mode) => ({ id, flow: 'chat', version: 1, deployment: 'blue', mode, status: 'succeeded', inputs: { id }, outputs: { ok: true }, error: null, usage: null, startedAt: Date.now(), endedAt: Date.now(), durationMs: 1 });
let n = 0;
process.stdout.write(JSON.stringify({ secret }) + '\\n');
async function burst() {
  for (let i = 0; i < 300; i++, n++) store.runs.enqueue({ run: run('s' + n, 'sync'), trace: trace('s' + n) });
  await store.runs.finish({ run: run('a' + n, 'async'), trace: trace('a' + n) });
  setImmediate(burst);
}
burst();
`;

let dataDir: string;
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('crash safety', () => {
  it('a SIGKILLed writer leaves no half-written run and loses nothing published', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'weir-store-crash-'));
    const script = join(dataDir, 'child.mts');
    writeFileSync(script, child);
    const proc = spawn(process.execPath, ['--import', 'tsx', script, dataDir], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const secret = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const line = out.split('\n')[0];
        if (out.includes('\n')) resolve((JSON.parse(line) as { secret: string }).secret);
      });
      proc.on('exit', (code) => reject(new Error(`child exited early (${code}): ${stderr}`)));
    });
    // Let it write for a while, until a good number of runs are committed.
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && countRuns() < 2_000) await new Promise((r) => setTimeout(r, 20));
    const exited = new Promise((r) => proc.on('exit', r));
    proc.kill('SIGKILL');
    await exited;
    expect(proc.signalCode).toBe('SIGKILL');

    const raw = new Database(join(dataDir, DB_FILE));
    expect(raw.pragma('integrity_check', { simple: true })).toBe('ok');
    const partial = raw.prepare(`
      SELECT r.id, count(t.idx) AS traces FROM runs r LEFT JOIN node_traces t ON t.run_id = r.id
      WHERE r.status = 'succeeded' GROUP BY r.id HAVING traces <> 5`).all();
    expect(partial).toEqual([]);
    const total = raw.prepare(`SELECT count(*) FROM runs WHERE status = 'succeeded'`).pluck().get() as number;
    expect(total).toBeGreaterThan(300);
    // No orphan traces either.
    expect(raw.prepare('SELECT count(*) FROM node_traces WHERE run_id NOT IN (SELECT id FROM runs)').pluck().get()).toBe(0);
    raw.close();

    const store = await openStore({ dataDir });
    try {
      expect(await store.runs.markInterrupted()).toBe(1);
      expect((await store.runs.get('async-1'))?.status).toBe('interrupted');
      expect((await store.versions.get('chat', 1))?.hash).toBe('h1');
      expect(await store.keys.verify(secret)).toMatchObject({ opens: ['blue'] });
      store.runs.enqueue({ run: { id: 'after', flow: 'chat', version: 1, deployment: 'blue', mode: 'sync', status: 'succeeded', inputs: {}, outputs: {}, error: null, usage: null, startedAt: 1, endedAt: 2, durationMs: 1 } });
      await store.runs.flush();
      expect((await store.runs.get('after'))?.status).toBe('succeeded');
    } finally {
      await store.close();
    }

    function countRuns(): number {
      const db = new Database(join(dataDir, DB_FILE), { readonly: true, fileMustExist: true });
      try {
        return db.prepare('SELECT count(*) FROM runs').pluck().get() as number;
      } catch {
        return 0;
      } finally {
        db.close();
      }
    }
  });
});
