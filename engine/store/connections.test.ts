import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStore } from './open.ts';
import { useTempDirs } from './test-store.ts';
import { loadOrCreateMasterKey, parseMasterKey } from './secrets.ts';

const { tempDir, open } = useTempDirs();

const openai = { name: 'openai', type: 'openai', settings: { base_url: 'https://api.example.com/v1' } };

describe('master key', () => {
  it('is created on first open as dataDir/master.key with mode 0600 and reused after', () => {
    const dataDir = tempDir();
    const a = open({ dataDir });
    const file = join(dataDir, 'master.key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const key = readFileSync(file, 'utf8');
    expect(parseMasterKey(key)).toHaveLength(32);
    a.connections.put({ ...openai, secrets: { api_key: 'sk-first' } });
    a.close();
    const b = open({ dataDir });
    expect(readFileSync(file, 'utf8')).toBe(key);
    expect(b.connections.resolve('openai')?.secrets).toEqual({ api_key: 'sk-first' });
  });

  it('narrows an existing key file with looser permissions to 0600', () => {
    const dataDir = tempDir();
    open({ dataDir }).close();
    const file = join(dataDir, 'master.key');
    chmodSync(file, 0o644);
    open({ dataDir });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('two creators agree on one key', () => {
    const dataDir = tempDir();
    expect(loadOrCreateMasterKey(dataDir).equals(loadOrCreateMasterKey(dataDir))).toBe(true);
  });

  it('can be given instead (WEIR_MASTER_KEY), as hex or base64, and then no key file is written', () => {
    const raw = randomBytes(32);
    for (const masterKey of [raw.toString('hex'), raw.toString('base64'), raw.toString('base64url')]) {
      const dataDir = tempDir();
      const a = open({ dataDir, masterKey });
      a.connections.put({ ...openai, secrets: { api_key: 'sk-given' } });
      a.close();
      expect(existsSync(join(dataDir, 'master.key'))).toBe(false);
      expect(open({ dataDir, masterKey: raw.toString('hex') }).connections.resolve('openai')?.secrets).toEqual({ api_key: 'sk-given' });
    }
  });

  it('rejects a key that is not 32 bytes with invalid_master_key', () => {
    for (const masterKey of ['', 'short', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), 'g'.repeat(64)]) {
      expect(() => openStore({ dataDir: tempDir(), masterKey })).toThrow(expect.objectContaining({ code: 'invalid_master_key' }));
    }
    const dataDir = tempDir();
    writeFileSync(join(dataDir, 'master.key'), 'not a key\n');
    expect(() => openStore({ dataDir })).toThrow(expect.objectContaining({ code: 'invalid_master_key' }));
  });

  it('a wrong key gives master_key_mismatch naming the connection, never garbage', () => {
    const dataDir = tempDir();
    const a = open({ dataDir });
    a.connections.put({ ...openai, secrets: { api_key: 'sk-secret' } });
    a.close();
    const b = open({ dataDir, masterKey: randomBytes(32).toString('hex') });
    // Listing needs no key.
    expect(b.connections.list().map((c) => c.secretNames)).toEqual([['api_key']]);
    expect(() => b.connections.resolve('openai')).toThrow(expect.objectContaining({ code: 'master_key_mismatch', message: expect.stringContaining('"openai"') }));
    // Merging into secrets it cannot read is refused too...
    expect(() => b.connections.put({ ...openai, secrets: { other: 'x' } })).toThrow(expect.objectContaining({ code: 'master_key_mismatch' }));
    // ...but replacing every secret repairs the connection under the new key.
    b.connections.put({ ...openai, secrets: { api_key: 'sk-new' } });
    expect(b.connections.resolve('openai')?.secrets).toEqual({ api_key: 'sk-new' });
  });
});

describe('connections', () => {
  it('never returns secret values from list or get, only their names', () => {
    const store = open({ dataDir: tempDir() });
    const row = store.connections.put({ ...openai, secrets: { api_key: 'sk-1', org: 'o-1' } });
    expect(row).toEqual({ ...openai, secretNames: ['api_key', 'org'], createdAt: expect.any(Number), updatedAt: expect.any(Number) });
    expect(JSON.stringify(store.connections.list())).not.toContain('sk-1');
    expect(JSON.stringify(store.connections.get('openai'))).not.toContain('sk-1');
    expect(store.connections.get('missing')).toBeUndefined();
    expect(store.connections.resolve('missing')).toBeUndefined();
  });

  it('put merges secrets: a value replaces, null removes, absent keeps', () => {
    const store = open({ dataDir: tempDir() });
    store.connections.put({ ...openai, secrets: { api_key: 'sk-1', org: 'o-1', project: 'p-1' } });
    const row = store.connections.put({ ...openai, settings: { base_url: 'http://other' }, secrets: { api_key: 'sk-2', org: null } });
    expect(row.secretNames).toEqual(['api_key', 'project']);
    expect(row.settings).toEqual({ base_url: 'http://other' });
    expect(store.connections.resolve('openai')?.secrets).toEqual({ api_key: 'sk-2', project: 'p-1' });
    store.connections.put(openai);
    expect(store.connections.resolve('openai')?.secrets).toEqual({ api_key: 'sk-2', project: 'p-1' });
    store.connections.put({ ...openai, secrets: { api_key: null, project: null } });
    expect(store.connections.get('openai')?.secretNames).toEqual([]);
    expect(store.connections.resolve('openai')?.secrets).toEqual({});
    expect(store.connections.delete('openai')).toBe(true);
    expect(store.connections.delete('openai')).toBe(false);
  });

  it('secret names that look like object internals stay plain data', () => {
    const store = open({ dataDir: tempDir() });
    store.connections.put({ ...openai, secrets: { ['__proto__']: 'p', toString: 't' } });
    store.connections.put({ ...openai, secrets: { constructor: 'c' } });
    const { secrets } = store.connections.resolve('openai')!;
    expect(Object.keys(secrets).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.getPrototypeOf(secrets)).toBe(Object.prototype);
  });

  it('the plaintext of a secret appears nowhere in the database files', () => {
    const dataDir = tempDir();
    const store = open({ dataDir });
    const plaintext = `sk-${randomBytes(24).toString('hex')}`;
    store.connections.put({ ...openai, secrets: { api_key: plaintext } });
    store.connections.put({ ...openai, secrets: { org: 'org-1' } });
    const files = ['weir.db', 'weir.db-wal'].map((f) => join(dataDir, f)).filter((f) => existsSync(f));
    expect(files.length).toBeGreaterThan(1);
    const needle = Buffer.from(plaintext);
    for (const f of files) expect(readFileSync(f).includes(needle)).toBe(false);
    // The search itself works: the (not secret) settings are there in plain text.
    expect(files.some((f) => readFileSync(f).includes('api.example.com'))).toBe(true);
    store.close();
    expect(readFileSync(join(dataDir, 'weir.db')).includes(needle)).toBe(false);
  });
});
