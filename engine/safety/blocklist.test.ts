import { describe, expect, it } from 'vitest';
import { WeirError } from '../errors.ts';
import { BLOCKLIST_LIMITS, Blocklists, type BlocklistItem } from './blocklist.ts';

const lists = new Blocklists([
  { name: 'competitors', items: [{ id: 'c1', term: 'Globex' }, { id: 'c2', term: 'Initech Systems' }, { id: 'c3', term: 'C++' }] },
  { name: 'codes', items: [{ id: 'project', pattern: 'project[- ]?(falcon|eagle)' }, { id: 'ssn', pattern: '\\b\\d{3}-\\d{2}-\\d{4}\\b' }] },
]);

describe('Blocklists', () => {
  it('matches terms as whole words, ignoring case and spacing', () => {
    expect(lists.match('we beat GLOBEX and initech   systems', ['competitors'])).toEqual([
      { name: 'competitors', id: 'c1' }, { name: 'competitors', id: 'c2' },
    ]);
    expect(lists.match('globexes and subglobex', ['competitors'])).toEqual([]);
    expect(lists.match('I write C++ daily', ['competitors'])).toEqual([{ name: 'competitors', id: 'c3' }]);
  });

  it('matches RE2 patterns, ignoring case', () => {
    expect(lists.match('About Project-Falcon: 123-45-6789', ['codes'])).toEqual([
      { name: 'codes', id: 'project' }, { name: 'codes', id: 'ssn' },
    ]);
  });

  it('checks only the lists asked for, and refuses unknown names', () => {
    expect(lists.match('globex', ['codes'])).toEqual([]);
    expect(() => lists.match('globex', ['missing'])).toThrow(/blocklist "missing": is not defined/);
  });

  const refused = (items: BlocklistItem[]) => {
    try {
      new Blocklists([{ name: 'l', items }]);
    } catch (err) {
      expect(err).toBeInstanceOf(WeirError);
      expect((err as WeirError).code).toBe('invalid_config');
      return (err as Error).message;
    }
    throw new Error('not refused');
  };

  it('refuses invalid patterns, naming the item but not echoing the pattern', () => {
    const msg = refused([{ id: 'bad', pattern: 'secret(unclosed' }]);
    expect(msg).toMatch(/blocklist "l" item "bad": the pattern is not a valid RE2 expression/);
    expect(msg).not.toContain('secret');
  });

  it('refuses backreferences and lookaround (RE2 cannot run them in linear time)', () => {
    expect(refused([{ id: 'br', pattern: '(a)\\1' }])).toMatch(/item "br"/);
    expect(refused([{ id: 'la', pattern: 'a(?=b)' }])).toMatch(/item "la"/);
  });

  it('refuses over-long items, too many items, duplicate ids and ambiguous items', () => {
    expect(refused([{ id: 'long', term: 'x'.repeat(BLOCKLIST_LIMITS.itemLength + 1) }])).toMatch(/item "long": longer than 200/);
    const many = Array.from({ length: BLOCKLIST_LIMITS.items + 1 }, (_, i) => ({ id: `i${i}`, term: `t${i}` }));
    expect(refused(many)).toMatch(/more than 1000 items/);
    expect(refused([{ id: 'd', term: 'a' }, { id: 'd', term: 'b' }])).toMatch(/item "d": the id is used twice/);
    expect(refused([{ id: 'both', term: 'a', pattern: 'b' }])).toMatch(/either a term or a pattern/);
    expect(refused([{ id: 'empty', term: '  ' }])).toMatch(/empty/);
  });

  it('runs a catastrophic-backtracking pattern on RE2 (a backtracking engine would not return here)', () => {
    const l = new Blocklists([{ name: 'redos', items: [{ id: 'r', pattern: '(a+)+$' }] }]);
    expect(l.match(`${'a'.repeat(50_000)}!`, ['redos'])).toEqual([]);
  });
});
