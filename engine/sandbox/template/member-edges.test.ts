import { describe, expect, test } from 'vitest';
import { WeirError } from '../../errors.ts';
import { compileTemplate, type RenderLimits } from './index.ts';
import { getSlice } from './member.ts';
import { int, list, str } from './runtime-values.ts';

/**
 * Cases around the mutants Stryker left alive in member.ts and safety.ts (see test/mutation/guards.md).
 * Expected outputs are what Python and Jinja2 give.
 */
const render = (template: string, vars: Record<string, unknown> = {}, limits?: RenderLimits) => compileTemplate(template).render(vars, limits);
const failure = (template: string, vars: Record<string, unknown> = {}) => {
  try {
    render(template, vars);
  } catch (err) {
    expect(err).toBeInstanceOf(WeirError);
    return err as WeirError;
  }
  throw new Error(`expected ${template} to fail`);
};

describe('attribute lookups', () => {
  test('an attribute of None names None, as Jinja2 does', () => {
    expect(failure('{{ n.a.b }}', { n: null }).message).toMatch(/'None' has no attribute 'a'/);
    expect(render('{{ n.a is defined }}', { n: null })).toBe('False');
  });

  test('grouper and list are read only on groupby groups, and only those two names', () => {
    const people = [{ n: 'a', c: 'x' }, { n: 'b', c: 'x' }];
    expect(render('{% for g in p | groupby("c") %}{{ g.grouper }}:{{ g.list | length }} {{ g.foo is defined }}{% endfor %}', { p: people })).toBe('x:2 False');
    expect(render('{{ d.list is defined }} {{ d.grouper is defined }} {{ [1, 2].list is defined }} {{ "ab".grouper is defined }}', { d: {} })).toBe(
      'False False False False',
    );
  });
});

describe('item lookups', () => {
  test('an item of an undefined value is an error naming the undefined variable', () => {
    expect(failure('{{ u[1] }}').message).toMatch(/'u' is undefined/);
    expect(failure('{{ u["a"] }}').message).toMatch(/'u' is undefined/);
  });

  test('a string key on a string or list falls back to its methods', () => {
    expect(render('{{ s["upper"]() }} {{ l["count"](1) }}', { s: 'abc', l: [1, 1] })).toBe('ABC 2');
  });

  test('a string key on None is undefined and says None has no such attribute', () => {
    expect(render('{{ n["a"] is defined }}', { n: null })).toBe('False');
    expect(failure('{{ n["a"].b }}', { n: null }).message).toMatch(/'None' has no attribute 'a'/);
  });

  test('integer keys index lists and strings only; elsewhere they are undefined, with the reason', () => {
    expect(render('{{ d[1] is defined }} {{ l[1.5] is defined }} {{ l[none] is defined }}', { d: { 1: 2 }, l: [1, 2] })).toBe('False False False');
    expect(failure('{{ d[1].x }}', { d: { 1: 2 } }).message).toMatch(/'dict object' has no attribute '1'/);
    expect(failure('{{ n[1].x }}', { n: null }).message).toMatch(/'None' has no attribute '1'/);
    expect(failure('{{ 5[1].x }}').message).toMatch(/'int object' has no attribute '1'/);
  });

  test('a list item keeps its type (a number stays a number)', () => {
    expect(render('{{ l[0] + 1 }} {{ l[1] is integer }} {{ l[1] is string }} {{ l[true] }}', { l: [1, 2] })).toBe('2 True False 2');
  });

  test('an index past the end is undefined, and says which index', () => {
    expect(render('{{ s[9] is defined }} {{ l[9] is defined }}', { s: 'abc', l: [1] })).toBe('False False');
    expect(failure('{{ s[9].x }}', { s: 'abc' }).message).toMatch(/string index 9 out of range/);
    expect(failure('{{ l[9].x }}', { l: [1] }).message).toMatch(/list object has no element 9/);
  });

  test('a string made only of astral characters is indexed and counted by code point', () => {
    expect(render('{{ e[1] }} {{ e | length }} {{ e.length }} {{ e[::-1] }}', { e: '😀😁' })).toBe('😁 2 2 😁😀');
  });
});

describe('slices', () => {
  test('a list sliced backwards, with bounds past either end (as Python)', () => {
    const l = [1, 2, 3];
    expect(render('{{ l[::-1] }}|{{ l[5::-1] }}|{{ l[:-9:-1] }}|{{ l[-9::-1] }}|{{ l[:5:-1] }}|{{ l[::-2] }}|{{ l[-2::-1] }}', { l })).toBe(
      '[3, 2, 1]|[3, 2, 1]|[3, 2, 1]|[]|[]|[3, 1]|[2, 1]',
    );
    expect(render('{{ l[true:] }} {{ s[true:] }}', { l, s: 'abc' })).toBe('[2, 3] bc');
  });

  test('a bound that is not an integer or None is refused, naming which bound', () => {
    const l = [1];
    for (const [t, what] of [['l["a":]', 'start'], ['l[:"a"]', 'stop'], ['l[::"a"]', 'step'], ['l["a"::-1]', 'start'], ['l[:"a":-1]', 'stop']]) {
      const err = failure(`{{ ${t} }}`, { l });
      expect(err.code, t).toBe('template_render');
      expect(err.message, t).toContain(`slice ${what} must be an integer or None`);
    }
  });

  test('a zero step, an undefined value and a value that is not a sequence are refused', () => {
    expect(failure('{{ l[::0] }}', { l: [1] }).message).toContain('slice step cannot be zero');
    expect(failure('{{ u[1:] }}').message).toMatch(/'u' is undefined/);
    expect(failure('{{ 5[1:2] }}').message).toContain("'int' object is not subscriptable");
    expect(failure('{{ d[1:2] }}', { d: {} }).message).toContain("'dict' object is not subscriptable");
  });

  test('getSlice with bounds left out, as its signature allows, takes the whole sequence', () => {
    expect(getSlice(list([int(1), int(2)]), int(1)).value).toEqual([int(2)]);
    expect((getSlice(str('abc')) as { value: string }).value).toBe('abc');
  });

  test('slicing is charged per item, so copying a big list in a loop runs out of steps', () => {
    const xs = Array.from({ length: 16_000 }, (_, i) => i);
    const budgetOf = (template: string) => {
      try {
        return render(template, { xs }, { maxSteps: 40_000 });
      } catch (err) {
        return (err as WeirError).code;
      }
    };
    expect(budgetOf('{% for i in range(50) %}{% set y = xs %}{% endfor %}ok')).toBe('ok');
    expect(budgetOf('{% for i in range(50) %}{% set y = xs[:1] %}{% endfor %}ok')).toBe('ok');
    expect(budgetOf('{% for i in range(50) %}{% set y = xs[:] %}{% endfor %}ok')).toBe('template_budget');
  });
});

describe('unsafe names', () => {
  test('items are refused when they start with "__"; a name only ending in "__" is data', () => {
    expect(failure('{{ x["__secret"] }}', { x: { __secret: 1 } }).code).toBe('template_unsafe');
    expect(render('{{ x["secret__"] }}', { x: { secret__: 1 } })).toBe('1');
  });

  test('the refusal says which rule applies: attribute or item', () => {
    expect(failure('{{ x._a }}', { x: { _a: 1 } }).message).toBe(
      'access to attribute "_a" is refused: attributes starting with "_", "constructor" and "prototype" are unsafe in a template',
    );
    expect(failure('{{ x["__a"] }}', { x: {} }).message).toBe(
      'access to item "__a" is refused: items named with "__", "constructor" and "prototype" are unsafe in a template',
    );
    expect(failure('{{ x["constructor"] }}', { x: {} }).message).toMatch(/^access to item "constructor" is refused: items named with "__"/);
  });
});
