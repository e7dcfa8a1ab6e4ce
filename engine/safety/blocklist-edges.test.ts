/** Blocklists at their edges: every refusal with its words, limits exactly, and what a term matches. */
import { describe, expect, it } from 'vitest';
import { BLOCKLIST_LIMITS, Blocklists, type BlocklistDefinition } from './blocklist.ts';

const list = (items: unknown[], name = 'l'): BlocklistDefinition => ({ name, items: items as BlocklistDefinition['items'] });
const refusal = (defs: BlocklistDefinition[]) => {
  try {
    new Blocklists(defs);
  } catch (e) {
    return { code: (e as { code: string }).code, message: (e as Error).message };
  }
  return undefined;
};

describe('blocklist definitions', () => {
  it('refuse each mistake naming the list and item, in words, and never with the item\'s text', () => {
    const cases: [BlocklistDefinition[], string][] = [
      [[list([], 'bad name!')], 'blocklist "bad name!": a name is 1-64 letters, digits or . _ ~ -'],
      [[list([], 'x'.repeat(65))], `blocklist "${'x'.repeat(64)}": a name is 1-64 letters, digits or . _ ~ -`],
      [[list([], 'a/b')], 'blocklist "a/b": a name is 1-64 letters, digits or . _ ~ -'],
      [[{ name: 'l', items: 'nope' } as unknown as BlocklistDefinition], 'blocklist "l": items must be a list'],
      [[list(Array.from({ length: BLOCKLIST_LIMITS.items + 1 }, (_, i) => ({ id: `i${i}`, term: 'x' })))], 'blocklist "l": has more than 1000 items'],
      [[list([{ id: 'has space', term: 'x' }])], 'blocklist "l": an item id is 1-64 letters, digits or . _ ~ -'],
      [[list([{ id: 7, term: 'x' }])], 'blocklist "l": an item id is 1-64 letters, digits or . _ ~ -'],
      [[list([null])], 'blocklist "l": an item id is 1-64 letters, digits or . _ ~ -'],
      [[list([{ id: 'a', term: 'x' }, { id: 'a', term: 'y' }])], 'blocklist "l" item "a": the id is used twice'],
      [[list([{ id: 'a' }])], 'blocklist "l" item "a": give either a term or a pattern'],
      [[list([{ id: 'a', term: 'x', pattern: 'y' }])], 'blocklist "l" item "a": give either a term or a pattern'],
      [[list([{ id: 'a', term: '   ' }])], 'blocklist "l" item "a": the term or pattern is empty'],
      [[list([{ id: 'a', pattern: 5 }])], 'blocklist "l" item "a": the term or pattern is empty'],
      [[list([{ id: 'a', term: 'y'.repeat(201) }])], 'blocklist "l" item "a": longer than 200 characters'],
      [[list([{ id: 'a', pattern: '(secret' }])], 'blocklist "l" item "a": the pattern is not a valid RE2 expression (missing )'],
      [[list([]), list([])], 'blocklist "l": the name is used twice'],
      [[list(Array.from({ length: 300 }, (_, i) => ({ id: `p${i}`, pattern: `[\\p{L}\\p{N}]{2,9}x${i}[^\\p{L}]{3}` })))], 'blocklist "l": its patterns together are too large for RE2'],
      [Array.from({ length: BLOCKLIST_LIMITS.lists + 1 }, (_, i) => list([], `l${i}`)), 'more than 100 blocklists'],
    ];
    for (const [defs, message] of cases) {
      const r = refusal(defs);
      expect(r?.code, message).toBe('invalid_config');
      expect(r?.message.startsWith(message), `${r?.message} / ${message}`).toBe(true);
      expect(r?.message).not.toContain('secret');
    }
  });

  it('take exactly the limits: 1 000 items, 200 characters, 100 lists, a 64-character name', () => {
    expect(refusal([list(Array.from({ length: BLOCKLIST_LIMITS.items }, (_, i) => ({ id: `i${i}`, term: `w${i}` })), 'x'.repeat(64))])).toBeUndefined();
    expect(refusal([list([{ id: 'a', term: 'y'.repeat(200) }])])).toBeUndefined();
    expect(refusal(Array.from({ length: BLOCKLIST_LIMITS.lists }, (_, i) => list([], `l${i}`)))).toBeUndefined();
  });
});

describe('matching', () => {
  it('a term matches whole words ignoring case, Unicode forms and spacing between its words; its special characters are plain', () => {
    const b = new Blocklists([list([{ id: 'p', term: 'Project  Bluebird' }, { id: 'dot', term: 'a.b' }, { id: 'cafe', term: 'Café' }])]);
    expect(b.match('about PROJECT\tbluebird today', ['l'])).toEqual([{ name: 'l', id: 'p' }]);
    expect(b.match('projectbluebird', ['l'])).toEqual([]);
    expect(b.match('a.b and axb', ['l'])).toEqual([{ name: 'l', id: 'dot' }]);
    expect(b.match('axb', ['l'])).toEqual([]);
    expect(b.match('ＣＡＦÉ time', ['l'])).toEqual([{ name: 'l', id: 'cafe' }]);
    // Spaces around a term are not part of it: it matches at the very start of a text.
    expect(new Blocklists([list([{ id: 't', term: '  foo  ' }])]).match('foo bar', ['l'])).toEqual([{ name: 'l', id: 't' }]);
  });

  it('a pattern is RE2, ignoring case; every matching item is reported once, in list order; an empty list matches nothing', () => {
    const b = new Blocklists([list([{ id: 'z', pattern: 'inc-\\d{3}' }, { id: 'y', term: 'alpha' }, { id: 'x', pattern: 'ALP' }]), list([], 'empty')]);
    expect(b.match('Alpha INC-123', ['l', 'empty'])).toEqual([{ name: 'l', id: 'z' }, { name: 'l', id: 'y' }, { name: 'l', id: 'x' }]);
    expect(b.match('beta', ['l'])).toEqual([]);
    expect(b.match('anything', ['empty'])).toEqual([]);
    expect(b.names).toEqual(['l', 'empty']);
    expect([b.has('l'), b.has('nope')]).toEqual([true, false]);
    expect(() => b.match('x', ['nope'])).toThrow('blocklist "nope": is not defined');
    expect(new Blocklists().names).toEqual([]);
  });
});
