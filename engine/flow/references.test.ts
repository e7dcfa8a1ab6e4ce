import { describe, expect, it } from 'vitest';
import { formatRef, parseBinding, parseRef, ReferenceSyntaxError, rewriteTemplateRefs, type Ref } from './references.ts';

describe('references', () => {
  it('parses the reference forms of prompt flow', () => {
    expect(parseRef('inputs.question')).toEqual({ kind: 'input', name: 'question', path: [] });
    expect(parseRef('answer.output')).toEqual({ kind: 'node', node: 'answer', path: [] });
    expect(parseRef('retrieve.output.citations')).toEqual({ kind: 'node', node: 'retrieve', path: ['citations'] });
    expect(parseRef('r.output.items[0].text')).toEqual({ kind: 'node', node: 'r', path: ['items', 0, 'text'] });
    expect(parseRef('r.output["a key"]')).toEqual({ kind: 'node', node: 'r', path: ['a key'] });
    expect(parseRef(' my-node.output ')).toEqual({ kind: 'node', node: 'my-node', path: [] });
    expect(parseRef('map.item.id')).toEqual({ kind: 'map', field: 'item', path: ['id'] });
  });

  it('rejects malformed references with a reason', () => {
    for (const [src, why] of [
      ['answer', 'reads its output'],
      ['answer.outputs', 'reads its output'],
      ['inputs', 'expected ${inputs.<name>}'],
      ['a.output.[0]', 'expected a name'],
      ['a.output[x]', 'expected an index'],
      ['a.output[0', 'expected ]'],
      ['a.output$', 'unexpected "$"'],
      ['map.value', 'map.item'],
    ]) {
      expect(() => parseRef(src), src).toThrow(ReferenceSyntaxError);
      expect(() => parseRef(src), src).toThrow(why);
    }
  });

  it('turns values into bindings once: literals, whole references, templates and nested structures', () => {
    expect(parseBinding(3)).toEqual({ t: 'lit', v: 3 });
    expect(parseBinding('plain')).toEqual({ t: 'lit', v: 'plain' });
    expect(parseBinding('${inputs.q}')).toEqual({ t: 'ref', ref: { kind: 'input', name: 'q', path: [] } });
    expect(parseBinding('Q: ${inputs.q}!')).toEqual({ t: 'tpl', parts: ['Q: ', { kind: 'input', name: 'q', path: [] }, '!'] });
    expect(parseBinding('costs $${price}')).toEqual({ t: 'lit', v: 'costs ${price}' });
    expect(parseBinding({ a: [1, '${x.output}'], b: 'c' })).toEqual({
      t: 'obj',
      entries: [['a', { t: 'arr', items: [{ t: 'lit', v: 1 }, { t: 'ref', ref: { kind: 'node', node: 'x', path: [] } }] }], ['b', { t: 'lit', v: 'c' }]],
    });
    expect(() => parseBinding('${inputs.q')).toThrow('unclosed reference');
    // Structures without references stay one literal: nothing to resolve during a run.
    expect(parseBinding([1, 'a', { b: '$${x}' }])).toEqual({ t: 'lit', v: [1, 'a', { b: '$${x}' }] });
    expect(parseBinding({ a: [1], b: null })).toEqual({ t: 'lit', v: { a: [1], b: null } });
  });

  it('formats references back the way they are written', () => {
    for (const src of ['${inputs.q}', '${a.output.items[2].x}', '${map.index}']) {
      const b = parseBinding(src);
      expect(b.t === 'ref' && formatRef(b.ref)).toBe(src);
    }
  });
});

describe('rewriteTemplateRefs', () => {
  it('renames, drops and keeps references inside text, leaving literals and bad references as written', () => {
    const rename = (r: Ref) => (r.kind === 'node' && r.node === 'a' ? { ...r, node: 'b' } : r.kind === 'input' ? null : undefined);
    expect(rewriteTemplateRefs('x ${a.output.items[0]} $${a.output} ${inputs.q}!', rename)).toBe('x ${b.output.items[0]} $${a.output} !');
    expect(rewriteTemplateRefs('${a.nope} ${a.output}', rename)).toBe('${a.nope} ${b.output}');
    expect(rewriteTemplateRefs('unclosed ${a.output', rename)).toBe('unclosed ${a.output');
    // A reference it cannot read is kept byte for byte, spaces included, beside one it rewrites.
    expect(rewriteTemplateRefs('${ a.nope } ${ a.output }', rename)).toBe('${ a.nope } ${b.output}');
    expect(rewriteTemplateRefs('${ a.output[01] }!', rename)).toBe('${ a.output[01] }!');
    const same = 'no refs here';
    expect(rewriteTemplateRefs(same, rename)).toBe(same);
  });
});

describe('malformed references at the edges of the grammar', () => {
  it('refuses a trailing dot, an empty segment, unclosed brackets and quotes, padded indexes and inner spaces', () => {
    for (const [src, why] of [
      ['a.output.', 'expected a name at position 10'],
      ['inputs.q.', 'expected a name at position 10'],
      ['map.item.', 'expected a name'],
      ['a.output.x.', 'expected a name'],
      ['a..output', 'expected a name at position 3'],
      ['a.output..x', 'expected a name at position 10'],
      ['.a.output', 'expected a name at position 1'],
      ['', 'expected a name at position 1'],
      ['   ', 'expected a name at position 1'],
      ['a.output["a key', 'unclosed quote'],
      ["a.output['a key", 'unclosed quote'],
      ['a.output["a"', 'expected ]'],
      ['a.output["a"x]', 'expected ]'],
      ['a.output[', 'expected an index'],
      ['a.output[]', 'expected an index'],
      ['a.output[-1]', 'expected an index'],
      ['a.output[01]', 'no leading zero'],
      ['a.output[007]', 'no leading zero'],
      ['a.output[9007199254740992]', 'index too large'],
      ['a.output[99999999999999999999]', 'index too large'],
      ['a.output[ 0]', 'expected an index'],
      ['a.output[0 ]', 'expected ]'],
      ['a. output', 'expected a name at position 3'],
      ['a .output', 'unexpected " "'],
      ['a.output .x', 'unexpected " "'],
      ['a.out put', 'unexpected " "'],
      ['inputs.', 'expected a name'],
      ['inputs[0]', 'expected ${inputs.<name>}'],
    ]) {
      expect(() => parseRef(src), src).toThrow(ReferenceSyntaxError);
      expect(() => parseRef(src), src).toThrow(why);
    }
  });

  it('accepts the neighbours of those mistakes: one index of zero, empty and odd quoted keys, padding around the whole reference', () => {
    expect(parseRef('a.output[0]').path).toEqual([0]);
    expect(parseRef('a.output[10]').path).toEqual([10]);
    expect(parseRef('a.output[9007199254740991]').path).toEqual([Number.MAX_SAFE_INTEGER]);
    expect(parseRef('a.output[""]').path).toEqual(['']);
    expect(parseRef('a.output["a.b"]').path).toEqual(['a.b']);
    expect(parseRef('a.output["x[0]"]').path).toEqual(['x[0]']);
    expect(parseRef(`a.output['say "hi"']`).path).toEqual(['say "hi"']);
    expect(parseRef(`a.output["it's"]`).path).toEqual(["it's"]);
    expect(parseRef('  inputs.q  ')).toEqual({ kind: 'input', name: 'q', path: [] });
  });

  it('refuses a trailing dot inside a template too, so a flow with it fails to load', () => {
    expect(() => parseBinding('Q: ${inputs.q.}')).toThrow('expected a name');
    expect(() => parseBinding('${a.output.}')).toThrow(ReferenceSyntaxError);
  });
});

describe('formatRef round-trips every key the parser accepts', () => {
  const keys = ['a key', 'a.b', 'x[0]', '[', ']', '"quoted"', "it's", 'say "hi"', '', '${x', '{', 'plain', 'with-dash_1', ' ', 'é'];

  it('writes a key the short way only when it reads back the same, else quoted', () => {
    expect(formatRef({ kind: 'node', node: 'a', path: ['a key'] })).toBe('${a.output["a key"]}');
    expect(formatRef({ kind: 'node', node: 'a', path: ['a.b', 0, 'c'] })).toBe('${a.output["a.b"][0].c}');
    expect(formatRef({ kind: 'node', node: 'a', path: ['say "hi"'] })).toBe(`\${a.output['say "hi"']}`);
    expect(formatRef({ kind: 'input', name: 'a b', path: [] })).toBe('${inputs["a b"]}');
    expect(formatRef({ kind: 'map', field: 'item', path: [''] })).toBe('${map.item[""]}');
  });

  it('parse(format(ref)) is ref for every kind of reference and every awkward key', () => {
    for (const key of keys) {
      for (const ref of [
        { kind: 'node', node: 'n-1', path: [key, 2, key] },
        { kind: 'input', name: key === '' ? 'q' : key, path: [key] },
        { kind: 'map', field: 'index', path: [0, key] },
      ] as Ref[]) {
        const text = formatRef(ref);
        const b = parseBinding(text);
        expect(b, text).toEqual({ t: 'ref', ref });
      }
    }
  });

  it('refuses, rather than corrupts, a key holding both kinds of quote (the grammar has no escapes)', () => {
    expect(() => formatRef({ kind: 'node', node: 'a', path: [`"it's"`] })).toThrow(ReferenceSyntaxError);
    // `}` ends the reference in a template, whatever the quotes around it.
    expect(() => formatRef({ kind: 'node', node: 'a', path: ['a}b'] })).toThrow(ReferenceSyntaxError);
    expect(() => parseBinding('${a.output["a}b"]}')).toThrow(ReferenceSyntaxError);
  });

  it('a rename through rewriteTemplateRefs keeps quoted keys quoted, in whole references and in templates', () => {
    const rename = (r: Ref) => (r.kind === 'node' && r.node === 'a' ? { ...r, node: 'b' } : undefined);
    expect(rewriteTemplateRefs('${a.output["a key"]}', rename)).toBe('${b.output["a key"]}');
    expect(rewriteTemplateRefs(`x \${a.output['say "hi"'][0]} y \${a.output["a.b"].c}`, rename)).toBe(`x \${b.output['say "hi"'][0]} y \${b.output["a.b"].c}`);
    expect(rewriteTemplateRefs('${a.output["x[0]"]} ${c.output["x[0]"]}', rename)).toBe('${b.output["x[0]"]} ${c.output["x[0]"]}');
    // Every rewritten text must still parse to the renamed reference.
    const out = rewriteTemplateRefs('${a.output["a key"]["it\'s"]}', rename);
    expect(parseBinding(out)).toEqual({ t: 'ref', ref: { kind: 'node', node: 'b', path: ['a key', "it's"] } });
  });
});
