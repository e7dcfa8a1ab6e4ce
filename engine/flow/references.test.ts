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
    const same = 'no refs here';
    expect(rewriteTemplateRefs(same, rename)).toBe(same);
  });
});
