import { describe, expect, it } from 'vitest';
import type { StoreContext } from './index.ts';

const openai = { name: 'openai', type: 'openai', settings: { base_url: 'https://api.example.com/v1' } };

export function connectionsContract(ctx: StoreContext): void {
  describe('connections', () => {
    it('never returns secret values from list or get, only their names', async () => {
      const store = ctx.store;
      const row = await store.connections.put({ ...openai, secrets: { api_key: 'sk-1', org: 'o-1' } });
      expect(row).toEqual({ ...openai, secretNames: ['api_key', 'org'], createdAt: expect.any(Number), updatedAt: expect.any(Number) });
      expect(JSON.stringify(await store.connections.list())).not.toContain('sk-1');
      expect(JSON.stringify(await store.connections.get('openai'))).not.toContain('sk-1');
      expect(await store.connections.get('missing')).toBeUndefined();
      expect(await store.connections.resolve('missing')).toBeUndefined();
    });

    it('put merges secrets: a value replaces, null removes, absent keeps', async () => {
      const store = ctx.store;
      await store.connections.put({ ...openai, secrets: { api_key: 'sk-1', org: 'o-1', project: 'p-1' } });
      const row = await store.connections.put({ ...openai, settings: { base_url: 'http://other' }, secrets: { api_key: 'sk-2', org: null } });
      expect(row.secretNames).toEqual(['api_key', 'project']);
      expect(row.settings).toEqual({ base_url: 'http://other' });
      expect((await store.connections.resolve('openai'))?.secrets).toEqual({ api_key: 'sk-2', project: 'p-1' });
      await store.connections.put(openai);
      expect((await store.connections.resolve('openai'))?.secrets).toEqual({ api_key: 'sk-2', project: 'p-1' });
      await store.connections.put({ ...openai, secrets: { api_key: null, project: null } });
      expect((await store.connections.get('openai'))?.secretNames).toEqual([]);
      expect((await store.connections.resolve('openai'))?.secrets).toEqual({});
      expect(await store.connections.delete('openai')).toBe(true);
      expect(await store.connections.delete('openai')).toBe(false);
    });

    it('secret names that look like object internals stay plain data', async () => {
      const store = ctx.store;
      await store.connections.put({ ...openai, secrets: { ['__proto__']: 'p', toString: 't' } });
      await store.connections.put({ ...openai, secrets: { constructor: 'c' } });
      const { secrets } = (await store.connections.resolve('openai'))!;
      expect(Object.keys(secrets).sort()).toEqual(['__proto__', 'constructor', 'toString']);
      expect(Object.getPrototypeOf(secrets)).toBe(Object.prototype);
    });

    it('lists by name, and secrets survive a reopen', async () => {
      await ctx.store.connections.put({ ...openai, name: 'zeta', secrets: { api_key: 'sk-z' } });
      await ctx.store.connections.put({ ...openai, secrets: { api_key: 'sk-first' } });
      const store = await ctx.reopen();
      expect((await store.connections.list()).map((c) => [c.name, c.secretNames])).toEqual([['openai', ['api_key']], ['zeta', ['api_key']]]);
      expect((await store.connections.resolve('openai'))?.secrets).toEqual({ api_key: 'sk-first' });
      expect((await store.connections.resolve('zeta'))?.secrets).toEqual({ api_key: 'sk-z' });
    });
  });
}
