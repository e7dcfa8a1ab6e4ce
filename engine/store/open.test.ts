import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DB_FILE, migrationsFolder, openStore } from './open.ts';

import { useTempDirs } from './test-store.ts';
import type { Store } from './types.ts';

const migrationCount = () => JSON.parse(readFileSync(join(migrationsFolder(), 'meta', '_journal.json'), 'utf8')).entries.length as number;

const temp = useTempDirs();
const tempDir = temp.tempDir;
const open = (dataDir: string): Store => temp.open({ dataDir });

describe('openStore', () => {
  it('creates the data folder and applies the migrations to a fresh database', () => {
    const dataDir = join(tempDir(), 'nested', '.weir');
    const store = open(dataDir);
    expect(statSync(join(dataDir, DB_FILE)).isFile()).toBe(true);
    expect(store.flows.list()).toEqual([]);
    store.close();
    const raw = new Database(join(dataDir, DB_FILE), { readonly: true });
    const tables = raw.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    expect(tables).toEqual(expect.arrayContaining(['flows', 'flow_versions', 'deployments', 'deployment_keys', 'runs', 'node_traces', 'run_events', 'connections', 'usage_records']));
    expect(raw.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(migrationCount());
    raw.close();
  });

  it('is idempotent on reopen: migrations are not applied twice and data survives', () => {
    const dataDir = tempDir();
    const a = open(dataDir);
    a.flows.put({ name: 'hello', source: 'weir: 1\nname: hello\n', format: 'yaml', definition: { weir: 1, name: 'hello' } });
    a.deployments.create({ name: 'd', kind: 'flow', flow: 'hello', traffic: [{ version: 1, weight: 100 }], traceSampleRate: 0.5 });
    a.close();
    const b = open(dataDir);
    expect(b.flows.get('hello')?.definition).toEqual({ weir: 1, name: 'hello' });
    expect(b.deployments.get('d')?.traffic).toEqual([{ version: 1, weight: 100 }]);
    b.close();
    const raw = new Database(join(dataDir, DB_FILE), { readonly: true });
    expect(raw.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(migrationCount());
    raw.close();
  });

  it('runs in WAL mode with foreign keys on', () => {
    const dataDir = tempDir();
    open(dataDir);
    // A second connection sees the persistent journal mode in the file itself.
    const raw = new Database(join(dataDir, DB_FILE));
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    const store = open(dataDir);
    expect(() => store.keys.create('no-such-deployment', 'k')).toThrow(expect.objectContaining({ code: 'deployment_not_found' }));
  });

  it('finds its migrations folder from source', () => {
    expect(migrationsFolder()).toMatch(/engine[/\\]store[/\\]migrations[/\\]$/);
  });

  it('close is idempotent and flushes queued runs', () => {
    const dataDir = tempDir();
    const a = openStore({ dataDir, batchMs: 60_000 });
    a.runs.enqueue({ run: { id: 'r1', flow: 'f', version: 1, deployment: 'd', mode: 'sync', status: 'succeeded', inputs: {}, outputs: { a: 1 }, error: null, usage: null, startedAt: 1, endedAt: 2, durationMs: 1 } });
    a.close();
    a.close();
    const b = open(dataDir);
    expect(b.runs.get('r1')?.outputs).toEqual({ a: 1 });
  });
});
