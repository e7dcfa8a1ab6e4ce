import { chmodSync, existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StagedFiles } from '../data/staged-files.ts';
import { VectorIndex } from '../data/vector-index.ts';
import { DB_FILE } from './open.ts';
import { useTempDirs } from '../../test/helpers/temp-store.ts';

const temp = useTempDirs();
const mode = (file: string) => statSync(file).mode & 0o777;
const files = (dir: string) => [DB_FILE, `${DB_FILE}-wal`, `${DB_FILE}-shm`].map((f) => join(dir, f));

// The usual umask, which leaves new files 0644: the modes below come from Weir, not from the umask.
let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});

describe('database file modes', () => {
  it('creates weir.db, its -wal and its -shm readable by their owner only', async () => {
    expect(process.umask()).toBe(0o022);
    const dir = temp.tempDir();
    const store = await temp.open({ dataDir: dir });
    // A write, so SQLite has made its WAL files (it makes them lazily).
    await store.flows.put({ name: 'f', source: 'weir: 1\nname: f\n', format: 'yaml', definition: { weir: 1, name: 'f' } });
    for (const f of files(dir)) {
      expect(existsSync(f), f).toBe(true);
      expect(mode(f).toString(8), f).toBe('600');
    }
    expect(mode(join(dir, 'master.key')).toString(8)).toBe('600');
  });

  it('narrows files an older version left 0644 when it opens them', async () => {
    const dir = temp.tempDir();
    // What an older Weir left: a database in WAL mode, with its files 0644.
    const old = new Database(join(dir, DB_FILE));
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE t (x)');
    for (const f of files(dir)) if (existsSync(f)) chmodSync(f, 0o644);
    expect(mode(join(dir, DB_FILE)).toString(8)).toBe('644');
    // Still open, so its -wal and -shm are there to be narrowed too.
    const store = await temp.open({ dataDir: dir });
    await store.flows.put({ name: 'f', source: 'weir: 1\nname: f\n', format: 'yaml', definition: { weir: 1, name: 'f' } });
    old.close();
    for (const f of files(dir)) {
      expect(existsSync(f), f).toBe(true);
      expect(mode(f).toString(8), f).toBe('600');
    }
  });

  it('narrows a loose empty database file made by hand before the first start', async () => {
    const dir = temp.tempDir();
    writeFileSync(join(dir, DB_FILE), '', { mode: 0o666 });
    chmodSync(join(dir, DB_FILE), 0o666);
    const store = await temp.open({ dataDir: dir });
    expect(await store.flows.list()).toEqual([]);
    for (const f of files(dir)) expect(mode(f).toString(8), f).toBe('600');
  });
});

describe('data index file modes', () => {
  it('keeps uploaded documents and saved vectors readable by their owner only', async () => {
    const dir = temp.tempDir();
    const staged = new StagedFiles(join(dir, 'files'));
    const hash = await staged.put(new TextEncoder().encode('a private document'));
    expect(mode(join(dir, 'files')).toString(8)).toBe('700');
    expect(mode(join(dir, 'files', hash)).toString(8)).toBe('600');

    const vectors = VectorIndex.create(join(dir, 'vectors'), 4);
    vectors.add([{ id: 1, vector: [1, 0, 0, 0] }]);
    await vectors.saveAsync();
    vectors.add([{ id: 2, vector: [0, 1, 0, 0] }]);
    vectors.save();
    expect(mode(join(dir, 'vectors')).toString(8)).toBe('700');
    const written = readdirSync(join(dir, 'vectors'));
    expect(written.some((f) => f.endsWith('.hnsw'))).toBe(true);
    for (const f of written) expect(mode(join(dir, 'vectors', f)).toString(8), f).toBe('600');
  });
});
