/** The SQLite data repository's own piece: search text to an FTS5 query. The port's behaviour is in contract/data.ts. */
import { describe, expect, it } from 'vitest';
import { ftsQuery } from './sqlite/data-repo.ts';

describe('FTS5 query from search text', () => {
  it('quotes every word, so search text never reaches FTS5 syntax', () => {
    expect(ftsQuery('Hello, "world" -x')).toBe('"hello" OR "world" OR "x"');
    expect(ftsQuery('!!!')).toBeUndefined();
    expect(ftsQuery('NEAR(a b) text:foo *')).toBe('"near" OR "a" OR "b" OR "text" OR "foo"');
    expect(ftsQuery('')).toBeUndefined();
  });
});
