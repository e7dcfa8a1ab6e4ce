import { describe, expect, test } from 'vitest';
import { WeirError } from '../../errors.ts';
import {
  DEFAULT_MAX_OUTPUT, DEFAULT_MAX_STEPS, MAX_RANGE, TemplateBudgetError, compileTemplate, type BudgetLimit, type RenderLimits,
} from './index.ts';

/** Renders and returns the budget that stopped it (failing the test on any other outcome). */
function stoppedBy(template: string, limits?: RenderLimits, vars: Record<string, unknown> = {}): BudgetLimit {
  try {
    compileTemplate(template).render(vars, limits);
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateBudgetError);
    expect(err).toBeInstanceOf(WeirError);
    expect((err as WeirError).code).toBe('template_budget');
    return (err as TemplateBudgetError).limit;
  }
  throw new Error('the render was not stopped');
}

describe('budgets', () => {
  test('the defaults are Jinja2 sandbox MAX_RANGE, 5 000 000 steps and 1 MiB of output', () => {
    expect([MAX_RANGE, DEFAULT_MAX_STEPS, DEFAULT_MAX_OUTPUT]).toEqual([100_000, 5_000_000, 1_048_576]);
  });

  test('range() past MAX_RANGE is refused before it makes a list', () => {
    expect(stoppedBy('{% for i in range(0, 40000000) %}x{% endfor %}')).toBe('range');
    expect(stoppedBy('{{ range(100001) | length }}')).toBe('range');
    expect(stoppedBy('{{ range(0, 1000000, 2) | length }}')).toBe('range');
    expect(compileTemplate('{{ range(100000) | length }} {{ range(0, 1000000, 10) | length }}').render({})).toBe('100000 100000');
  });

  test('the range error names the cap', () => {
    expect(() => compileTemplate('{{ range(40000000) }}').render({})).toThrow(/range\(\) of 40000000 items is refused: at most 100000/);
  });

  test('loops under the range cap that would run for hours stop at the step budget', () => {
    expect(stoppedBy('{% for a in range(100000) %}{% for b in range(100000) %}{% set x = a * b %}{% endfor %}{% endfor %}')).toBe('steps');
  });

  test('an empty loop body is not free: iterating is charged per item', () => {
    const empty = '{% for a in range(50000) %}{% endfor %}';
    expect(stoppedBy(empty, { maxSteps: 50_000 })).toBe('steps');
    expect(compileTemplate(empty).render({}, { maxSteps: 200_000 })).toBe('');
    expect(stoppedBy('{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}')).toBe('steps');
  });

  test('redefining a big macro in a loop is charged by its size', () => {
    const body = '{{ x }}'.repeat(2000);
    expect(stoppedBy(`{% for i in range(100000) %}{% macro m(x) %}${body}{% endmacro %}{% endfor %}`, { maxSteps: 1_000_000 })).toBe('steps');
  });

  test('maxSteps is the caller\'s to set', () => {
    const t = compileTemplate('{% for i in range(10) %}{{ i }}{% endfor %}');
    expect(t.render({})).toBe('0123456789');
    expect(() => t.render({}, { maxSteps: 5 })).toThrow(TemplateBudgetError);
  });

  test('a deadline stops a long render', () => {
    const long = '{% for a in range(100000) %}{% for b in range(100000) %}{{ b }}{% endfor %}{% endfor %}';
    expect(stoppedBy(long, { deadline: performance.now() - 1 })).toBe('deadline');
    // With steps out of the way, only the deadline can end it.
    expect(stoppedBy(long, { deadline: performance.now() + 20, maxSteps: Number.MAX_SAFE_INTEGER - 1 })).toBe('deadline');
  });

  test('the output cap fires on what is printed', () => {
    expect(stoppedBy('{% for i in range(100000) %}{{ line }}{% endfor %}', undefined, { line: 'x'.repeat(100) })).toBe('output');
    expect(stoppedBy('hello world', { maxOutputChars: 10 })).toBe('output');
    expect(compileTemplate('hello worl').render({}, { maxOutputChars: 10 })).toBe('hello worl');
    expect(() => compileTemplate('{{ "x" * 2000000 }}').render({})).toThrow(/exceed 1048576 characters \(maxOutputChars\)/);
  });

  test('the output cap also holds strings and lists built on the way, before they grow', () => {
    const strings = '{% set ns = namespace(s="x") %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s | length }}';
    expect(stoppedBy(strings)).toBe('output');
    const lists = '{% set ns = namespace(l=[1]) %}{% for i in range(64) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l | length }}';
    expect(stoppedBy(lists)).toBe('output');
    expect(stoppedBy('{% set s %}{% for i in range(1000) %}{{ big }}{% endfor %}{% endset %}{{ s | length }}', undefined, { big: 'y'.repeat(2000) })).toBe('output');
    expect(stoppedBy('{{ "ab" | replace("a", big) }}', { maxOutputChars: 1000 }, { big: 'z'.repeat(2000) })).toBe('output');
    const macro = `{% macro m() %}${'{{ big }}'.repeat(10)}{% endmacro %}{% set x = m() %}{{ x | length }}`;
    expect(stoppedBy(macro, { maxOutputChars: 5000 }, { big: 'm'.repeat(1000) })).toBe('output');
  });

  // Each of these took minutes before it was made linear (a backtracking regex, a rescan per item).
  test('work on big inputs stays linear: number parsing, splitting, slicing', () => {
    const digits = '1'.repeat(200_000);
    expect(compileTemplate('{{ (d ~ "x") | float }} {{ (d ~ "x") | int }}').render({ d: digits })).toBe('0.0 0');
    const words = 'a '.repeat(200_000);
    expect(compileTemplate('{{ w.split(none, 100000) | length }}').render({ w: words })).toBe('100001');
    const big = 'b'.repeat(1_000_000);
    expect(compileTemplate('{% for i in range(2000) %}{{ big[i:i + 1] }}{% endfor %}').render({ big })).toBe('b'.repeat(2000));
  });

  test('a budget error is not a render error: a broken template is template_render', () => {
    expect(() => compileTemplate('{{ 1 + "a" }}').render({})).toThrow(expect.objectContaining({ code: 'template_render' }));
    expect(() => compileTemplate('{{ 1 + "a" }}').render({})).not.toThrow(TemplateBudgetError);
  });

  test('a render after a stopped one starts with a fresh budget', () => {
    const t = compileTemplate('{% for i in range(n) %}.{% endfor %}');
    expect(() => t.render({ n: 100_000 }, { maxSteps: 1000 })).toThrow(TemplateBudgetError);
    expect(t.render({ n: 3 })).toBe('...');
  });
});
