import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { WeirError } from '../../errors.ts';
import { MAX_INCLUDE_DEPTH, MAX_SOURCE_CHARS, TemplateSyntaxError, compileTemplate } from './index.ts';

const syntaxError = (source: string, load?: (name: string) => string | undefined) => {
  try {
    compileTemplate(source, { load });
  } catch (err) {
    expect(err).toBeInstanceOf(WeirError);
    return err as TemplateSyntaxError;
  }
  throw new Error('expected a syntax error');
};

describe('compileTemplate', () => {
  test('parses once; each render takes its own variables', () => {
    const t = compileTemplate('Hi {{ name }}');
    expect(['a', 'b'].map((name) => t.render({ name }))).toEqual(['Hi a', 'Hi b']);
    expect(t.source).toBe('Hi {{ name }}');
  });

  test.each([
    ['an unclosed expression', 'line1\n{% for x in items %}\n{{ x }', 3, 1, /unclosed tag/],
    ['a block never closed', 'a\n  {% for x in xs %}\nx', 2, 6, /\{% for %\} is never closed/],
    ['an end tag that closes the wrong block', 'a\n{% if x %}\n{% for y in z %}\n{% endif %}', 4, 4, /endif %\} does not close the \{% for %\} at line 3/],
    ['an unexpected token', '{% for x in %}{% endfor %}', 1, 13, /Unexpected token/],
    ['an unknown filter', 'ok\n{{ name | shout }}', 2, 11, /no filter named 'shout'/],
    ['an unknown test', '{% if x is tall %}{% endif %}', 1, 12, /no test named 'tall'/],
    ['an unterminated string', '{{ "abc }}', 1, 4, /unterminated string/],
    ['an unclosed comment', 'a {# note', 1, 3, /unclosed comment/],
    ['an unclosed raw block', '{% raw %}x', 1, 1, /unclosed \{% raw %\}/],
    ['a stray character', '{{ a ; b }}', 1, 6, /unexpected character ";"/],
  ])('reports %s as template_syntax with line and column', (_what, source, line, col, message) => {
    const err = syntaxError(source);
    expect(err).toBeInstanceOf(TemplateSyntaxError);
    expect(err).toMatchObject({ code: 'template_syntax', line, col });
    expect(err.message).toMatch(message);
    expect(err.message).toMatch(new RegExp(`^line ${line}, col ${col}: `));
    expect(err.message).not.toContain('\n');
  });

  test('refuses a template past the size limit', () => {
    expect(syntaxError('x'.repeat(MAX_SOURCE_CHARS + 1)).message).toMatch(/exceeds 1048576 characters/);
  });

  test('lexes in linear time: 400 000 spaces in a row compile (the library lexer took 5.4 s for 80 000)', () => {
    const spaces = ' '.repeat(400_000);
    expect(compileTemplate(`a${spaces}{{ x }}${spaces}b`).render({ x: 1 })).toBe(`a${spaces}1${spaces}b`);
  });
});

describe('whitespace, as prompt flow sets Jinja2 (trim_blocks, keep_trailing_newline)', () => {
  test.each([
    ['the newline after a block tag is dropped', '{% if true %}\nyes\n{% endif %}\n', 'yes\n'],
    ['the newline after a comment is dropped', 'a{# c #}\nb', 'ab'],
    ['only a newline right after the tag', '{% if true %}  \nx{% endif %}', '  \nx'],
    ['the trailing newline is kept', 'line {{ 1 }}\n', 'line 1\n'],
    ['expressions keep their newline', '{{ 1 }}\n{{ 2 }}', '1\n2'],
    ['- strips around a tag', 'a  {%- if true -%}  \n b {%- endif %}', 'ab'],
    ['+%} keeps the newline', '{% if true +%}\nx{% endif %}', '\nx'],
    ['{{- and -}} strip too', 'a \n {{- 1 -}} \n b', 'a1b'],
    ['raw keeps its text as is', '{% raw %}\n{{ x }} {% if %}\n{% endraw %}\nb', '\n{{ x }} {% if %}\nb'],
    ['CRLF newlines become \\n', 'a\r\n{% if true %}\r\nb\r\n{% endif %}\r\n', 'a\nb\n'],
    ['"%}" in text is text', '100%}\nnext', '100%}\nnext'],
    ['braces inside strings in tags', '{{ "}}" ~ \'{{\' }}{% set s = "%}" %}{{ s }}', '}}{{%}'],
  ])('%s', (_what, source, expected) => {
    expect(compileTemplate(source).render({})).toBe(expected);
  });
});

describe('include', () => {
  const files: Record<string, string> = {
    'footer.jinja2': '-- {{ signature | upper }}',
    'nested.jinja2': '[{% include "footer.jinja2" %}]',
    'self.jinja2': '{% include "self.jinja2" %}',
    'broken.jinja2': 'ok\n{{ oops ',
  };
  const load = (name: string) => files[name];

  test('splices the named template in, with the same variables', () => {
    const t = compileTemplate('Q: {{ q }}\n{% include "nested.jinja2" %}\n', { load });
    expect(t.render({ q: 'why?', signature: 'weir' })).toBe('Q: why?\n[-- WEIR]');
  });

  test('lists the files it read, enough to compile the template again without a loader', () => {
    const t = compileTemplate('{% include "nested.jinja2" %}', { load });
    expect(t.files).toEqual({ 'nested.jinja2': files['nested.jinja2'], 'footer.jinja2': files['footer.jinja2'] });
    const again = compileTemplate(t.source, { load: (n) => t.files[n] });
    expect(again.render({ signature: 's' })).toBe('[-- S]');
  });

  test('a missing template is template_not_found, at compile time; "ignore missing" skips it', () => {
    expect(() => compileTemplate('x\n{% include "nope.jinja2" %}', { load })).toThrow(
      expect.objectContaining({ code: 'template_not_found', message: 'line 2, col 4: included template "nope.jinja2" was not found' }),
    );
    expect(() => compileTemplate('{% include "footer.jinja2" %}')).toThrow(expect.objectContaining({ code: 'template_not_found' }));
    expect(compileTemplate('a{% include "nope.jinja2" ignore missing %}b', { load }).render({})).toBe('ab');
  });

  test('a syntax error inside an included file names that file', () => {
    expect(syntaxError('{% include "broken.jinja2" %}', load)).toMatchObject({ file: 'broken.jinja2', line: 2, col: 1 });
  });

  test('refuses an include of itself, includes nested too deep, and names that are not literals', () => {
    expect(syntaxError('{% include "self.jinja2" %}', load).message).toMatch(/includes itself/);
    const chain = (n: number) => (name: string) => (Number(name) < n ? `{% include "${Number(name) + 1}" %}` : 'end');
    expect(compileTemplate('{% include "1" %}', { load: chain(MAX_INCLUDE_DEPTH) }).render({})).toBe('end');
    expect(syntaxError('{% include "1" %}', chain(MAX_INCLUDE_DEPTH + 1)).message).toMatch(/nest more than 10 deep/);
    expect(syntaxError('{% include name %}', load).message).toMatch(/quoted template name/);
  });

  test('many includes of a big file are held to the size limit', () => {
    const big = 'x'.repeat(300_000);
    expect(syntaxError('{% include "b" %}{% include "b" %}{% include "b" %}{% include "b" %}', () => big).message).toMatch(/exceed 1048576 characters/);
  });
});

describe('inputs', () => {
  test('are read as data: own properties, no getters run, Dates and Maps as text and dicts', () => {
    let ran = false;
    const o = { a: 1, get b() { ran = true; return 2; } };
    const out = compileTemplate('{{ o }} {{ when }} {{ m }} {{ s }}').render({ o, when: new Date(Date.UTC(2024, 0, 2)), m: new Map([['k', 1]]), s: new Set([1]) });
    expect(out).toBe("{'a': 1} 2024-01-02T00:00:00.000Z {'k': 1} [1]");
    expect(ran).toBe(false);
  });

  test('a missing variable prints nothing; using it says which', () => {
    expect(compileTemplate('[{{ nope }}]').render({})).toBe('[]');
    expect(() => compileTemplate('{{ nope.x }}').render({})).toThrow(/'nope' is undefined/);
    expect(() => compileTemplate('{{ user.profile.name }}').render({ user: {} })).toThrow(/'dict object' has no attribute 'profile'/);
  });

  test('binary data is refused with a clear error', () => {
    expect(() => compileTemplate('{{ b }}').render({ b: Buffer.from('x') })).toThrow(expect.objectContaining({ code: 'template_render' }));
  });
});

test('the engine does no I/O of its own (it must run as is inside a worker thread)', () => {
  const dir = new URL('.', import.meta.url);
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts') && !n.endsWith('.test.ts'))) {
    const src = readFileSync(new URL(f, dir), 'utf8');
    expect(src, f).not.toMatch(/from ['"](node:)?(fs|fs\/promises|child_process|net|http|https|worker_threads)['"]/);
  }
});
