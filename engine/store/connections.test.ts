/**
 * Connection secrets at rest in the SQLite store: the master key file beside weir.db, and no
 * plaintext in the database files. What connections do through the port is in contract/connections.ts.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from './open.ts';
import { useTempDirs } from '../../test/helpers/temp-store.ts';
import { loadOrCreateMasterKey, parseMasterKey } from './secrets.ts';

const { tempDir, open } = useTempDirs();

const openai = { name: 'openai', type: 'openai', settings: { base_url: 'https://api.example.com/v1' } };

describe('master key', () => {
  it('is created on first open as dataDir/master.key with mode 0600 and reused after', async () => {
    const dataDir = tempDir();
    const a = await open({ dataDir });
    const file = join(dataDir, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8');
    expect(parseMasterKey(key)).toHaveLength(32);
    await a.connections.put({ ...openai, secrets: { api_key: 'sk-first' } });
    await a.close();
    const b = await open({ dataDir });
    expect(readFileSync(file, 'utf8')).toBe(key);
    expect((await b.connections.resolve('openai'))?.secrets).toEqual({ api_key: 'sk-first' });
  });

  it('narrows an existing key file with looser permissions to 0600', async () => {
    const dataDir = tempDir();
    await (await open({ dataDir })).close();
    const file = join(dataDir, 'master.key');
    chmodSync(file, 0o644);
    await open({ dataDir });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('two creators agree on one key', () => {
    const dataDir = tempDir();
    expect(loadOrCreateMasterKey(dataDir).equals(loadOrCreateMasterKey(dataDir))).toBe(true);
  });

  it('can be given instead (WEIR_MASTER_KEY), as hex or base64, and then no key file is written', async () => {
    const raw = randomBytes(32);
    for (const masterKey of [raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')]) {
      const dataDir = tempDir();
      const a = await open({ dataDir, masterKey });
      await a.connections.put({ ...openai, secrets: { api_key: 'sk-given' } });
      await a.close();
      expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
      expect((await (await open({ dataDir, masterKey: raw.toString('hex') })).connections.resolve('openai'))?.secrets).toEqual({ api_key: 'sk-given' });
    }
  });

  it('rejects a key that is not 32 bytes with invalid_master_key', async () => {
    for (const masterKey of ['', 'short', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), 'g'.repeat(64)]) {
      await expect(openStore({ dataDir: tempDir(), masterKey })).rejects.toThrow(expect.objectContaining({ code: 'invalid_master_key' }));
    }
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'master.key'), 'not a key\n');
    await expect(openStore({ dataDir })).rejects.toThrow(expect.objectContaining({ code: 'invalid_master_key' }));
  });

  it('a wrong key gives master_key_mismatch naming the connection, never garbage', async () => {
    const dataDir = tempDir();
    const a = await open({ dataDir });
    await a.connections.put({ ...openai, secrets: { api_key: 'sk-secret' } });
    await a.close();
    const b = await open({ dataDir, masterKey: randomBytes(32).toString('hex') });
    // Listing needs no key.
    expect((await b.connections.list()).map((c) => c.secretNames)).toEqual([['api_key']]);
    await expect(b.connections.resolve('openai')).rejects.toThrow(expect.objectContaining({ code: 'master_key_mismatch', message: expect.stringContaining('"openai"') }));
    // Merging into secrets it cannot read is refused too...
    await expect(b.connections.put({ ...openai, secrets: { other: 'x' } })).rejects.toThrow(expect.objectContaining({ code: 'master_key_mismatch' }));
    // ...but replacing every secret repairs the connection under the new key.
    await b.connections.put({ ...openai, secrets: { api_key: 'sk-new' } });
    expect((await b.connections.resolve('openai'))?.secrets).toEqual({ api_key: 'sk-new' });
  });
});

describe('connection secrets on disk', () => {
  it('the plaintext of a secret appears nowhere in the database files', async () => {
    const dataDir = tempDir();
    const store = await open({ dataDir });
    const plaintext = `sk-${randomBytes(24).toString('hex')}`;
    await store.connections.put({ ...openai, secrets: { api_key: plaintext } });
    await store.connections.put({ ...openai, secrets: { org: 'org-1' } });
    const files = ['weir.db', 'weir.db-wal'].map((f) => join(dataDir, f)).filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(1);
    const needle = Buffer.from(plaintext);
    for (const f of files) expect(readFileSync(f).includes(needle)).toBe(false);
    // The search itself works: the (not secret) settings are there in plain text.
    expect(files.some((f) => readFileSync(f).includes('api.example.com'))).toBe(true);
    await store.close();
    expect(readFileSync(join(dataDir, 'weir.db')).includes(needle)).toBe(false);
  });
});
