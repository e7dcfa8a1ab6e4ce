import { describe, expect, test } from 'vitest';
import { FIDELITY_CASES } from './fidelity-cases.ts';
import { compileTemplate } from './index.ts';

const render = (template: string, vars: Record<string, unknown> = {}) => compileTemplate(template).render(vars);
const failure = (template: string, vars: Record<string, unknown> = {}) => {
  try {
    render(template, vars);
  } catch (err) {
    return err as Error & { code: string };
  }
  throw new Error('expected an error');
};

describe('prompt flow templates render the text Jinja2 renders', () => {
  test.each(FIDELITY_CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    expect(render(c.template, c.vars)).toBe(c.jinja2);
  });
});

/** Each difference from Jinja2 listed in README-differences.md, as it behaves. */
describe('documented differences from Jinja2', () => {
  test('integers are exact up to 2^53 - 1; past it a clear error, not a big int', () => {
    expect(render('{{ 9007199254740990 + 1 }} {{ 2 ** 52 }}')).toBe('9007199254740991 4503599627370496');
    expect(failure('{{ 2 ** 60 }}').message).toMatch(/integer overflow/);
  });

  test('x.name reads a data key before a method; x.items() still works when there is no "items" key', () => {
    expect(render('{{ x.items }}', { x: { items: [1] } })).toBe('[1]');
    expect(render('{% for k, v in x.items() %}{{ k }}{{ v }}{% endfor %}', { x: { a: 1 } })).toBe('a1');
    expect(render('{{ x | attr("a") }}', { x: { a: 1 } })).toBe('1');
  });

  test('dict views, range() and methods print as lists and <function>', () => {
    expect(render('{{ d.items() }} {{ d.keys() }} {{ range(3) }} {{ "a".upper }}', { d: { a: 1 } })).toBe("[('a', 1)] ['a'] [0, 1, 2] <function>");
  });

  test('`.length` works on strings and lists, as in nunjucks', () => {
    expect(render('{{ "abc".length }} {{ [1, 2].length }}')).toBe('3 2');
  });

  test('break and continue work without the loopcontrols extension', () => {
    expect(render('{% for i in range(9) %}{% if i == 3 %}{% break %}{% endif %}{% if i == 1 %}{% continue %}{% endif %}{{ i }}{% endfor %}')).toBe('02');
  });

  test('the parser\'s limits: tests take no argument after `is`, no 1-tuples, dict literal keys are strings', () => {
    expect(failure('{{ 9 is divisibleby 3 }}').code).toBe('template_syntax');
    expect(render('{{ [9, 4] | select("divisibleby", 3) | list }}')).toBe('[9]');
    expect(failure('{{ (1,) }}').code).toBe('template_syntax');
    expect(failure('{{ {1: "a"} }}').message).toMatch(/keys must be strings/);
  });

  test('statements other than include are refused by name', () => {
    for (const s of ['extends "base.html"', 'block body', 'import "m" as m', 'from "m" import x', 'with', 'do x', 'autoescape true']) {
      expect(failure(`{% ${s} %}`).message).toMatch(/is not supported/);
    }
  });

  test('lists and dicts have no mutating methods (as ImmutableSandboxedEnvironment)', () => {
    expect(failure('{{ xs.append(1) }}', { xs: [] }).message).toMatch(/has no attribute 'append'/);
  });

  test('names starting with "_" are refused as attributes; a data key like "_id" is read as an item', () => {
    expect(failure('{{ x._id }}', { x: { _id: 1 } }).code).toBe('template_unsafe');
    expect(render('{{ x["_id"] }}', { x: { _id: 1 } })).toBe('1');
  });

  test('filters Jinja2 has and this does not are refused when the template compiles', () => {
    for (const f of ['wordwrap', 'filesizeformat', 'xmlattr', 'urlize', 'random', 'dump']) {
      expect(failure(`{{ x | ${f} }}`).code).toBe('template_syntax');
    }
  });

  test('includes see and change the including template\'s variables (they are spliced in)', () => {
    const t = compileTemplate('{% include "part" %}{{ y }}', { load: () => '{% set y = x * 2 %}' });
    expect(t.render({ x: 2 })).toBe('4');
  });
});
