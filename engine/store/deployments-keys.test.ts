import { beforeEach, describe, expect, it } from 'vitest';
import { useTempStore } from './test-store.ts';
import type { Store } from './types.ts';

const temp = useTempStore();
let store: Store;
beforeEach(() => (store = temp.store));

const deployment = (name: string) => ({ name, kind: 'flow' as const, flow: 'chat', traffic: [{ version: 1, weight: 100 }], traceSampleRate: 1 });

describe('deployments', () => {
  it('creates, updates traffic and sampling, lists and deletes', () => {
    const d = store.deployments.create(deployment('blue'));
    expect(d).toEqual({ ...deployment('blue'), model: null, options: null, createdAt: expect.any(Number), updatedAt: d.createdAt });
    store.deployments.create({ ...deployment('api'), kind: 'model', flow: null, model: 'use-lite', options: { contextSize: 512 }, traffic: [] });
    expect(store.deployments.get('api')).toMatchObject({ model: 'use-lite', options: { contextSize: 512 } });
    const canary = [{ version: 1, weight: 90 }, { version: 2, weight: 10 }];
    const updated = store.deployments.update('blue', { traffic: canary });
    expect(updated).toMatchObject({ traffic: canary, traceSampleRate: 1, createdAt: d.createdAt });
    expect(store.deployments.update('blue', { traceSampleRate: 0.1 })).toMatchObject({ traffic: canary, traceSampleRate: 0.1 });
    expect(store.deployments.update('nope', { traceSampleRate: 0 })).toBeUndefined();
    expect(store.deployments.list().map((x) => [x.name, x.flow])).toEqual([['api', null], ['blue', 'chat']]);
    expect(store.deployments.get('blue')?.traffic).toEqual(canary);
    expect(store.deployments.delete('blue')).toBe(true);
    expect(store.deployments.delete('blue')).toBe(false);
    expect(store.deployments.get('blue')).toBeUndefined();
  });

  it('refuses a second deployment of the same name with deployment_exists', () => {
    store.deployments.create(deployment('blue'));
    expect(() => store.deployments.create(deployment('blue'))).toThrow(expect.objectContaining({ code: 'deployment_exists', status: 409 }));
  });
});

describe('keys', () => {
  beforeEach(() => {
    store.deployments.create(deployment('blue'));
    store.deployments.create(deployment('green'));
  });

  it('creates a 256-bit secret shown once; only a prefix is listed', () => {
    const { row, secret } = store.keys.create('blue', 'ci');
    expect(secret).toMatch(/^weir_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.slice(5), 'base64url')).toHaveLength(32);
    expect(row).toEqual({ id: expect.any(String), deployment: 'blue', name: 'ci', prefix: secret.slice(0, 12), createdAt: expect.any(Number), revokedAt: null });
    expect(store.keys.list('blue')).toEqual([row]);
    expect(JSON.stringify(store.keys.list('blue'))).not.toContain(secret.slice(12));
    expect(store.keys.list('green')).toEqual([]);
  });

  it('verify accepts the right secret and rejects wrong, revoked and malformed ones', () => {
    const a = store.keys.create('blue', 'a');
    const b = store.keys.create('green', 'b');
    expect(store.keys.verify(a.secret)).toEqual({ deployment: 'blue', keyId: a.row.id });
    // Another deployment's key verifies as that deployment's, so the caller can refuse it.
    expect(store.keys.verify(b.secret)).toEqual({ deployment: 'green', keyId: b.row.id });
    const flipped = a.secret.slice(0, -1) + (a.secret.endsWith('A') ? 'B' : 'A');
    for (const bad of [flipped, '', 'weir_', a.secret + 'x', a.secret.slice(1), a.row.prefix, ` ${a.secret}`]) {
      expect(store.keys.verify(bad)).toBeUndefined();
    }
    expect(store.keys.revoke('green', a.row.id)).toBe(false);
    expect(store.keys.revoke('blue', a.row.id)).toBe(true);
    expect(store.keys.revoke('blue', a.row.id)).toBe(false);
    expect(store.keys.verify(a.secret)).toBeUndefined();
    expect(store.keys.list('blue')[0].revokedAt).toEqual(expect.any(Number));
    expect(store.keys.verify(b.secret)?.deployment).toBe('green');
  });

  it('keys survive a reopen and go away with their deployment', () => {
    const { secret } = store.keys.create('blue', 'a');
    store = temp.reopen();
    expect(store.keys.verify(secret)?.deployment).toBe('blue');
    store.deployments.delete('blue');
    expect(store.keys.verify(secret)).toBeUndefined();
    expect(store.keys.list('blue')).toEqual([]);
  });
});

describe('usage', () => {
  it('adds each call to its deployment, key and minute row', () => {
    const t = Date.UTC(2026, 0, 1, 12, 0, 5);
    const minute = Math.floor(t / 60_000);
    store.usage.record('blue', 'k1', { prompt_tokens: 10, completion_tokens: 5, cost: 0.01 }, t);
    store.usage.record('blue', 'k1', { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }, t + 50_000);
    store.usage.record('blue', null, { prompt_tokens: 1 }, t);
    store.usage.record('blue', 'k1', {}, t + 60_000);
    store.usage.record('green', 'k1', { prompt_tokens: 100 }, t);
    store.usage.record('blue', 'k1', { prompt_tokens: Number.NaN, completion_tokens: -4 }, t);
    expect(store.usage.list('blue')).toEqual([
      { minute, keyId: null, requests: 1, promptTokens: 1, completionTokens: 0, cost: 0 },
      { minute, keyId: 'k1', requests: 3, promptTokens: 13, completionTokens: 7, cost: 0.01 },
      { minute: minute + 1, keyId: 'k1', requests: 1, promptTokens: 0, completionTokens: 0, cost: 0 },
    ]);
    expect(store.usage.list('blue', minute + 1)).toHaveLength(1);
    expect(store.usage.list('nobody')).toEqual([]);
  });
});
