import { beforeEach, describe, expect, it } from 'vitest';
import { openStore } from './open.ts';
import { useTempStore } from './test-store.ts';
import type { Store } from './types.ts';

const temp = useTempStore();
let store: Store;
beforeEach(() => (store = temp.store));

const draft = (name: string, n = 1) => ({ name, source: `# v${n}\nweir: 1\nname: ${name}\n`, format: 'yaml' as const, definition: { weir: 1, name, n } });
const version = (flow: string, hash: string) => ({ flow, hash, message: `publish ${hash}`, author: 'ada', source: 'src', definition: { hash } });

describe('flows', () => {
  it('puts, replaces, lists and deletes drafts', () => {
    const created = store.flows.put(draft('b'));
    expect(created).toEqual({ ...draft('b'), createdAt: expect.any(Number), updatedAt: created.createdAt });
    store.flows.put(draft('a'));
    const replaced = store.flows.put(draft('b', 2));
    expect(replaced.createdAt).toBe(created.createdAt);
    expect(replaced.source).toContain('# v2');
    expect(replaced.definition).toEqual({ weir: 1, name: 'b', n: 2 });
    expect(store.flows.list().map((f) => f.name)).toEqual(['a', 'b']);
    expect(store.flows.get('b')).toEqual(replaced);
    expect(store.flows.get('zzz')).toBeUndefined();
    expect(store.flows.delete('a')).toBe(true);
    expect(store.flows.delete('a')).toBe(false);
    expect(store.flows.list().map((f) => f.name)).toEqual(['b']);
  });

  it('keeps JSON drafts and unicode intact', () => {
    const row = { name: 'j', source: '{"name":"j","x":"😀\\u0000"}', format: 'json' as const, definition: { name: 'j', x: '😀\u0000', deep: [[[{}]]] } };
    store.flows.put(row);
    store = temp.reopen();
    expect(store.flows.get('j')).toMatchObject(row);
  });

  it('deleting a flow deletes its versions with it', () => {
    store.flows.put(draft('f'));
    store.versions.create(version('f', 'h1'));
    store.flows.put(draft('g'));
    store.versions.create(version('g', 'h1'));
    store.flows.delete('f');
    expect(store.versions.list('f')).toEqual([]);
    expect(store.versions.list('g')).toHaveLength(1);
  });
});

describe('versions', () => {
  it('numbers versions 1, 2, 3 per flow', () => {
    const a1 = store.versions.create(version('a', 'h1'));
    const a2 = store.versions.create(version('a', 'h2'));
    const b1 = store.versions.create(version('b', 'h1'));
    const a3 = store.versions.create(version('a', 'h3'));
    expect([a1.number, a2.number, a3.number, b1.number]).toEqual([1, 2, 3, 1]);
    expect(a2).toEqual({ ...version('a', 'h2'), number: 2, createdAt: expect.any(Number) });
    expect(store.versions.list('a').map((v) => v.number)).toEqual([1, 2, 3]);
    expect(store.versions.get('a', 2)).toEqual(a2);
    expect(store.versions.get('a', 4)).toBeUndefined();
    expect(store.versions.get('c', 1)).toBeUndefined();
  });

  it('byHash finds the version to reuse when content is unchanged', () => {
    store.versions.create(version('a', 'h1'));
    store.versions.create(version('a', 'h2'));
    // Rolling content back to h1 and publishing anyway is allowed; byHash keeps pointing at the first.
    store.versions.create(version('a', 'h1'));
    expect(store.versions.byHash('a', 'h1')?.number).toBe(1);
    expect(store.versions.byHash('a', 'h2')?.number).toBe(2);
    expect(store.versions.byHash('a', 'nope')).toBeUndefined();
    expect(store.versions.byHash('b', 'h1')).toBeUndefined();
  });

  it('two stores on one file never hand out the same number', () => {
    const other = openStore({ dataDir: temp.dataDir });
    try {
      const numbers = [];
      for (let i = 0; i < 10; i++) numbers.push(store.versions.create(version('a', `x${i}`)).number, other.versions.create(version('a', `y${i}`)).number);
      expect(numbers).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    } finally {
      other.close();
    }
  });
});
