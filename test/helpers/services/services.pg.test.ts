import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { portIsFree } from './free-port.ts';
import { holdInChild } from './hold.ts';
import { createDatabase, startPostgres, type RunningService } from './postgres.ts';

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

const portOf = (url: string) => Number(new URL(url).port);

describe('startPostgres', () => {
  let server: RunningService;
  beforeAll(async () => {
    server = await startPostgres();
  });
  afterAll(() => server?.stop());

  it('serves the weir database to the weir user on 127.0.0.1', async () => {
    expect(server.url).toMatch(/^postgres:\/\/weir@127\.0\.0\.1:\d+\/weir$/);
    expect(await query(server.url, 'select 1 as one, current_user as who, current_database() as db')).toEqual([
      { one: 1, who: 'weir', db: 'weir' },
    ]);
  });

  it('runs with durability off (tests only)', async () => {
    const rows = await query<{ name: string; setting: string }>(
      server.url,
      "select name, setting from pg_settings where name in ('fsync', 'full_page_writes', 'synchronous_commit') order by name",
    );
    expect(rows).toEqual([
      { name: 'fsync', setting: 'off' },
      { name: 'full_page_writes', setting: 'off' },
      { name: 'synchronous_commit', setting: 'off' },
    ]);
  });

  it('creates extra databases that do not share tables', async () => {
    const a = await createDatabase(server.url, 'isolated_a');
    const b = await createDatabase(server.url, 'isolated_b');
    expect(a).toBe(server.url.replace(/\/weir$/, '/isolated_a'));
    await query(a, 'create table only_in_a (x int)');
    expect(await query(a, "select to_regclass('only_in_a')::text as t")).toEqual([{ t: 'only_in_a' }]);
    expect(await query(b, "select to_regclass('only_in_a')::text as t")).toEqual([{ t: null }]);
  });
});

describe('stopping Postgres', () => {
  it('frees the port, and a second stop is harmless', async () => {
    const server = await startPostgres();
    await server.stop();
    expect(await portIsFree(portOf(server.url))).toBe(true);
    await expect(query(server.url, 'select 1')).rejects.toThrow();
    await server.stop();
  });

  it('happens when the test process is killed without stopping it', async () => {
    const held = await holdInChild('postgres');
    expect(await query(held.url.replace(/\/weir$/, '/postgres'), 'select 1 as one')).toEqual([{ one: 1 }]);
    held.kill();
    await vi.waitFor(async () => expect(await portIsFree(portOf(held.url))).toBe(true), { timeout: 15_000, interval: 100 });
  });
});
