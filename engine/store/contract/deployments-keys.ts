import { beforeEach, describe, expect, it } from 'vitest';
import type { StoreContext } from './index.ts';

const deployment = (name: string) => ({ name, kind: 'flow' as const, flow: 'chat', traffic: [{ version: 1, weight: 100 }], traceSampleRate: 1 });

export function deploymentsContract(ctx: StoreContext): void {
  describe('deployments', () => {
    it('creates, updates traffic and sampling, lists (by name) and deletes', async () => {
      const store = ctx.store;
      const d = await store.deployments.create(deployment('blue'));
      expect(d).toEqual({ ...deployment('blue'), model: null, options: null, createdAt: expect.any(Number), updatedAt: d.createdAt });
      await store.deployments.create({ ...deployment('api'), kind: 'model', flow: null, model: 'use-lite', options: { contextSize: 512 }, traffic: [] });
      expect(await store.deployments.get('api')).toMatchObject({ model: 'use-lite', options: { contextSize: 512 } });
      const canary = [{ version: 1, weight: 90 }, { version: 2, weight: 10 }];
      const updated = await store.deployments.update('blue', { traffic: canary });
      expect(updated).toMatchObject({ traffic: canary, traceSampleRate: 1, createdAt: d.createdAt });
      expect(await store.deployments.update('blue', { traceSampleRate: 0.1 })).toMatchObject({ traffic: canary, traceSampleRate: 0.1 });
      expect(await store.deployments.update('nope', { traceSampleRate: 0 })).toBeUndefined();
      expect((await store.deployments.list()).map((x) => [x.name, x.flow])).toEqual([['api', null], ['blue', 'chat']]);
      expect((await store.deployments.get('blue'))?.traffic).toEqual(canary);
      expect(await store.deployments.delete('blue')).toBe(true);
      expect(await store.deployments.delete('blue')).toBe(false);
      expect(await store.deployments.get('blue')).toBeUndefined();
    });

    it('updates a deployment\'s options (allocation, rate) whole, leaving traffic as it was', async () => {
      const store = ctx.store;
      await store.deployments.create({ ...deployment('api'), kind: 'model', flow: null, model: 'gpt-4o-mini', options: { connection: 'c', tpm: 10_000 }, traffic: [] });
      expect(await store.deployments.update('api', { options: { connection: 'c', tpm: 25_000 } })).toMatchObject({ options: { connection: 'c', tpm: 25_000 } });
      expect((await store.deployments.get('api'))?.options).toEqual({ connection: 'c', tpm: 25_000 });
      await store.deployments.create(deployment('blue'));
      expect(await store.deployments.update('blue', { options: { rpm: 60 } })).toMatchObject({ options: { rpm: 60 }, traffic: deployment('blue').traffic });
    });

    it('refuses a second deployment of the same name with deployment_exists', async () => {
      await ctx.store.deployments.create(deployment('blue'));
      await expect(ctx.store.deployments.create(deployment('blue'))).rejects.toThrow(expect.objectContaining({ code: 'deployment_exists', status: 409 }));
    });
  });
}

export function keysContract(ctx: StoreContext): void {
  describe('keys', () => {
    beforeEach(async () => {
      await ctx.store.deployments.create(deployment('blue'));
      await ctx.store.deployments.create(deployment('green'));
    });

    it('creates a 256-bit secret shown once; only a prefix is listed', async () => {
      const store = ctx.store;
      const { row, secret } = await store.keys.create('blue', 'ci');
      expect(secret).toMatch(/^weir_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret.slice(5), 'base64url')).toHaveLength(32);
      expect(row).toEqual({ id: expect.any(String), deployment: 'blue', name: 'ci', prefix: secret.slice(0, 12), createdAt: expect.any(Number), revokedAt: null, expiresAt: null, lastUsedAt: null, rpm: null, tpm: null });
      expect(await store.keys.list('blue')).toEqual([row]);
      expect(JSON.stringify(await store.keys.list('blue'))).not.toContain(secret.slice(12));
      expect(await store.keys.list('green')).toEqual([]);
    });

    it('verify accepts the right secret and rejects wrong, revoked and malformed ones', async () => {
      const store = ctx.store;
      const a = await store.keys.create('blue', 'a');
      const b = await store.keys.create('green', 'b');
      expect(await store.keys.verify(a.secret)).toEqual({ opens: ['blue'], keyId: a.row.id, expiresAt: null, rpm: null, tpm: null });
      // Another deployment's key verifies as that deployment's, so the caller can refuse it.
      expect(await store.keys.verify(b.secret)).toEqual({ opens: ['green'], keyId: b.row.id, expiresAt: null, rpm: null, tpm: null });
      const flipped = a.secret.slice(0, -1) + (a.secret.endsWith('A') ? 'B' : 'A');
      for (const bad of [flipped, '', 'weir_', a.secret + 'x', a.secret.slice(1), a.row.prefix, ` ${a.secret}`]) {
        expect(await store.keys.verify(bad)).toBeUndefined();
      }
      expect(await store.keys.revoke('green', a.row.id)).toBe(false);
      expect(await store.keys.revoke('blue', a.row.id)).toBe(true);
      expect(await store.keys.revoke('blue', a.row.id)).toBe(false);
      expect(await store.keys.verify(a.secret)).toBeUndefined();
      expect((await store.keys.list('blue'))[0].revokedAt).toEqual(expect.any(Number));
      expect((await store.keys.verify(b.secret))?.opens).toEqual(['green']);
    });

    it('a key with an expiry verifies until then and never after; its last use only moves forward', async () => {
      const store = ctx.store;
      const T = Date.UTC(2027, 0, 1);
      const k = await store.keys.create('blue', 'temp', { expiresAt: T, rpm: 30, tpm: 40_000 });
      expect(k.row).toMatchObject({ expiresAt: T, lastUsedAt: null, rpm: 30, tpm: 40_000 });
      expect(await store.keys.verify(k.secret, T - 1)).toEqual({ opens: ['blue'], keyId: k.row.id, expiresAt: T, rpm: 30, tpm: 40_000 });
      expect(await store.keys.verify(k.secret, T)).toBeUndefined();
      expect(await store.keys.verify(k.secret, T + 86_400_000)).toBeUndefined();
      await store.keys.markUsed(k.row.id, T - 500);
      await store.keys.markUsed(k.row.id, T - 900); // an instance that was behind
      expect((await store.keys.list('blue'))[0]).toMatchObject({ id: k.row.id, lastUsedAt: T - 500, expiresAt: T, rpm: 30, tpm: 40_000 });
      await store.keys.markUsed('no-such-key', T);
      expect(await store.keys.list('blue')).toHaveLength(1);
    });

    it('keys survive a reopen and go away with their deployment', async () => {
      const { secret } = await ctx.store.keys.create('blue', 'a');
      const store = await ctx.reopen();
      expect((await store.keys.verify(secret))?.opens).toEqual(['blue']);
      await store.deployments.delete('blue');
      expect(await store.keys.verify(secret)).toBeUndefined();
      expect(await store.keys.list('blue')).toEqual([]);
    });

    it('shared keys open the deployments they name, or all; revoked, expired and listed like the others', async () => {
      const store = ctx.store;
      const T = Date.UTC(2027, 0, 1);
      const some = await store.keys.createShared('rag app', { deployments: ['blue', 'not-yet'] });
      const all = await store.keys.createShared('ops', { deployments: '*', expiresAt: T, rpm: 600, tpm: 90_000 });
      expect(some.secret).toMatch(/^weir_[A-Za-z0-9_-]{43}$/);
      expect(some.row).toEqual({ id: expect.any(String), name: 'rag app', prefix: some.secret.slice(0, 12), deployments: ['blue', 'not-yet'], createdAt: expect.any(Number), revokedAt: null, expiresAt: null, lastUsedAt: null, rpm: null, tpm: null });
      expect(await store.keys.verify(some.secret)).toEqual({ keyId: some.row.id, opens: ['blue', 'not-yet'], expiresAt: null, rpm: null, tpm: null });
      expect(await store.keys.verify(all.secret, T - 1)).toEqual({ keyId: all.row.id, opens: '*', expiresAt: T, rpm: 600, tpm: 90_000 });
      expect(await store.keys.verify(all.secret, T)).toBeUndefined();
      // Made in the same millisecond, so in either order.
      expect(new Set(await store.keys.listShared())).toEqual(new Set([some.row, all.row]));
      // Not a deployment's own key: its list does not show them.
      expect(await store.keys.list('blue')).toEqual([]);
      await store.keys.markUsed(some.row.id, T - 5);
      expect((await store.keys.listShared()).find((k) => k.id === some.row.id)?.lastUsedAt).toBe(T - 5);
      expect(await store.keys.revokeShared(some.row.id)).toBe(true);
      expect(await store.keys.revokeShared(some.row.id)).toBe(false);
      expect(await store.keys.revokeShared('nope')).toBe(false);
      expect(await store.keys.verify(some.secret)).toBeUndefined();
      // A deployment deleted and made again: a key naming it opens it again (names, as Azure resource keys).
      await store.deployments.delete('blue');
      expect((await store.keys.verify(all.secret, T - 1))?.opens).toBe('*');
      expect((await store.keys.listShared()).map((k) => k.name).sort()).toEqual(['ops', 'rag app']);
    });

    it('refuses a key for a deployment that does not exist with deployment_not_found', async () => {
      await expect(ctx.store.keys.create('no-such-deployment', 'k')).rejects.toThrow(expect.objectContaining({ code: 'deployment_not_found' }));
      expect(await ctx.store.keys.list('no-such-deployment')).toEqual([]);
    });
  });
}

export function usageContract(ctx: StoreContext): void {
  describe('usage', () => {
    it('adds each call to its deployment, key and minute row', async () => {
      const store = ctx.store;
      const t = Date.UTC(2026, 0, 1, 12, 0, 5);
      const minute = Math.floor(t / 60_000);
      await store.usage.record('blue', 'k1', { prompt_tokens: 10, completion_tokens: 5, cost: 0.01 }, t);
      await store.usage.record('blue', 'k1', { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 }, t + 50_000);
      await store.usage.record('blue', null, { prompt_tokens: 1 }, t);
      await store.usage.record('blue', 'k1', {}, t + 60_000);
      await store.usage.record('green', 'k1', { prompt_tokens: 100 }, t);
      await store.usage.record('blue', 'k1', { prompt_tokens: Number.NaN, completion_tokens: -4 }, t);
      // Rows come by minute; within a minute the port promises no order of keys (databases sort NULL differently).
      const rows = await store.usage.list('blue');
      expect(rows.map((r) => r.minute)).toEqual([minute, minute, minute + 1]);
      expect(rows).toEqual(
        expect.arrayContaining([
          { minute, keyId: null, requests: 1, promptTokens: 1, completionTokens: 0, cost: 0 },
          { minute, keyId: 'k1', requests: 3, promptTokens: 13, completionTokens: 7, cost: 0.01 },
          { minute: minute + 1, keyId: 'k1', requests: 1, promptTokens: 0, completionTokens: 0, cost: 0 },
        ]),
      );
      expect(await store.usage.list('blue', minute + 1)).toHaveLength(1);
      expect(await store.usage.list('nobody')).toEqual([]);
    });

    it('counts several requests at once, and concurrent records from two connections add up in one row', async () => {
      const store = ctx.store;
      const other = await ctx.another();
      const t = Date.UTC(2026, 0, 1, 12, 0, 5);
      const minute = Math.floor(t / 60_000);
      await store.usage.record('blue', 'k1', { prompt_tokens: 4 }, t, 3);
      await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? other : store).usage.record('blue', 'k1', { prompt_tokens: 1, cost: 0.5 }, t)));
      // Calls without a key share one row too.
      await Promise.all(Array.from({ length: 4 }, (_, i) => (i % 2 ? other : store).usage.record('blue', null, { completion_tokens: 2 }, t + 1)));
      const rows = await store.usage.list('blue');
      expect(rows).toHaveLength(2);
      expect(rows).toEqual(
        expect.arrayContaining([
          { minute, keyId: 'k1', requests: 13, promptTokens: 14, completionTokens: 0, cost: 5 },
          { minute, keyId: null, requests: 4, promptTokens: 0, completionTokens: 8, cost: 0 },
        ]),
      );
    });
  });
}

export function usageQueryContract(ctx: StoreContext): void {
  describe('usage query', () => {
    it('gives the minutes in [from, to) of every deployment, or of one deployment and one key (null: calls without a key)', async () => {
      const store = ctx.store;
      const m = Math.floor(Date.UTC(2026, 0, 1, 12, 0, 5) / 60_000);
      await store.usage.record('blue', 'k1', { prompt_tokens: 10, cost: 0.5 }, m * 60_000);
      await store.usage.record('green', null, { completion_tokens: 3 }, m * 60_000 + 59_999);
      await store.usage.record('blue', null, { prompt_tokens: 2 }, (m + 1) * 60_000);
      await store.usage.record('blue', 'k1', { prompt_tokens: 7 }, (m + 2) * 60_000);
      const all = await store.usage.query({ fromMinute: m, toMinute: m + 2 });
      expect(all.map((r) => [r.minute, r.deployment, r.keyId])).toEqual([[m, 'blue', 'k1'], [m, 'green', null], [m + 1, 'blue', null]]);
      expect(all[0]).toEqual({ deployment: 'blue', keyId: 'k1', minute: m, requests: 1, promptTokens: 10, completionTokens: 0, cost: 0.5 });
      expect((await store.usage.query({ fromMinute: m, toMinute: m + 3, deployment: 'blue', keyId: 'k1' })).map((r) => r.minute)).toEqual([m, m + 2]);
      expect((await store.usage.query({ fromMinute: m, toMinute: m + 3, deployment: 'blue', keyId: null })).map((r) => r.minute)).toEqual([m + 1]);
      expect(await store.usage.query({ fromMinute: m + 3, toMinute: m + 10 })).toEqual([]);
    });
  });
}

export function quotasContract(ctx: StoreContext): void {
  describe('quota pools', () => {
    it('sets a model\'s pool, replaces it, lists pools by model and keeps them over a reopen', async () => {
      const store = ctx.store;
      expect(await store.quotas.get('gpt-4o')).toBeUndefined();
      expect(await store.quotas.put('gpt-4o', 450_000)).toEqual({ model: 'gpt-4o', tpm: 450_000, updatedAt: expect.any(Number) });
      await store.quotas.put('gpt-4o-mini', 2_000_000);
      const replaced = await store.quotas.put('gpt-4o', 300_000);
      expect(replaced.tpm).toBe(300_000);
      expect((await store.quotas.list()).map((p) => [p.model, p.tpm])).toEqual([['gpt-4o', 300_000], ['gpt-4o-mini', 2_000_000]]);
      const again = await ctx.reopen();
      expect(await again.quotas.get('gpt-4o')).toEqual(replaced);
    });
  });
}

export function pricesContract(ctx: StoreContext): void {
  describe('prices', () => {
    it('keeps each model\'s prices by effective date, replaces one set for the same time, and lists them by model then date', async () => {
      const store = ctx.store;
      const T = Date.UTC(2027, 0, 1);
      const later = { model: 'gpt-4o', effectiveFrom: T + 1000, inputPer1k: 0.002, outputPer1k: null, perHour: null };
      expect(await store.prices.put(later)).toEqual(later);
      await store.prices.put({ model: 'gpt-4o', effectiveFrom: T, inputPer1k: 0.0025, outputPer1k: 0.01, perHour: null });
      await store.prices.put({ model: 'use-lite', effectiveFrom: T, inputPer1k: null, outputPer1k: null, perHour: 0.25 });
      const replaced = { ...later, inputPer1k: 0.0015, outputPer1k: 0.006 };
      expect(await store.prices.put(replaced)).toEqual(replaced);
      expect((await store.prices.list()).map((p) => [p.model, p.effectiveFrom, p.inputPer1k])).toEqual([['gpt-4o', T, 0.0025], ['gpt-4o', T + 1000, 0.0015], ['use-lite', T, null]]);
      expect(await store.prices.list('use-lite')).toEqual([{ model: 'use-lite', effectiveFrom: T, inputPer1k: null, outputPer1k: null, perHour: 0.25 }]);
      expect(await store.prices.list('nothing')).toEqual([]);
    });
  });
}

export function safetyContract(ctx: StoreContext): void {
  describe('safety settings', () => {
    it('keeps policies and blocklists apart by kind, replaces by name, lists by name and deletes', async () => {
      const store = ctx.store;
      const row = await store.safety.put('policy', 'strict', { prompt: { violence: 'low' } });
      expect(row).toEqual({ kind: 'policy', name: 'strict', body: { prompt: { violence: 'low' } }, updatedAt: expect.any(Number) });
      await store.safety.put('policy', 'open', { jailbreak: false });
      await store.safety.put('blocklist', 'strict', { items: [{ id: 'a', term: 'x' }] });
      await store.safety.put('policy', 'strict', { prompt: { violence: 'high' } });
      expect((await store.safety.list('policy')).map((r) => [r.name, r.body])).toEqual([['open', { jailbreak: false }], ['strict', { prompt: { violence: 'high' } }]]);
      expect((await store.safety.get('blocklist', 'strict'))?.body).toEqual({ items: [{ id: 'a', term: 'x' }] });
      expect(await store.safety.get('blocklist', 'open')).toBeUndefined();
      expect(await store.safety.delete('policy', 'strict')).toBe(true);
      expect(await store.safety.delete('policy', 'strict')).toBe(false);
      expect((await store.safety.list('blocklist')).map((r) => r.name)).toEqual(['strict']);
    });
  });
}
