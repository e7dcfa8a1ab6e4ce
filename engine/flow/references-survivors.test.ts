import { describe, expect, it } from 'vitest';
import { formatRef, parseBinding, parseRef, ReferenceSyntaxError, refsOf } from './references.ts';

/** Cases around the mutants Stryker left alive in references.ts (see README, Mutation testing). */
describe('reference names and indexes at the edges of their character classes', () => {
  it('reads names with every boundary letter and digit, and stops at the characters just outside', () => {
    for (const name of ['A', 'Z', 'a', 'z', 'n0', 'n9', 'AZ_az-09']) {
      expect(parseRef(`${name}.output`), name).toEqual({ kind: 'node', node: name, path: [] });
      expect(parseRef(`inputs.${name}`), name).toEqual({ kind: 'input', name, path: [] });
    }
    // '@' and '[' sit just outside A-Z, '/' and ':' just outside 0-9, '`' and '{' outside a-z.
    for (const bad of ['@', '/', ':', '`', '{']) {
      expect(() => parseRef(`inputs.a${bad}b`), bad).toThrow(ReferenceSyntaxError);
    }
  });

  it('reads indexes with every digit, 0 through 9', () => {
    expect(parseRef('a.output[9]').path).toEqual([9]);
    expect(parseRef('a.output[1234567890]').path).toEqual([1234567890]);
    expect(parseRef('a.output[0]').path).toEqual([0]);
    expect(() => parseRef('a.output[:]')).toThrow('expected an index');
  });
});

describe('bindings whose parts are all references', () => {
  it('an array of references is not a literal: each is resolved and listed', () => {
    const b = parseBinding(['${a.output}', '${inputs.q}']);
    expect(b.t).toBe('arr');
    expect(refsOf(b)).toEqual([{ kind: 'node', node: 'a', path: [] }, { kind: 'input', name: 'q', path: [] }]);
  });

  it('an object of references is not a literal: each is resolved and listed', () => {
    const b = parseBinding({ x: '${a.output.k}', y: { z: '${b.output}' } });
    expect(b.t).toBe('obj');
    expect(refsOf(b)).toEqual([{ kind: 'node', node: 'a', path: ['k'] }, { kind: 'node', node: 'b', path: [] }]);
  });

  it('a mixed structure keeps its literals and lists only its references', () => {
    const b = parseBinding({ n: 1, list: ['x', '${a.output}'], t: 'q: ${inputs.q}' });
    expect(refsOf(b)).toEqual([{ kind: 'node', node: 'a', path: [] }, { kind: 'input', name: 'q', path: [] }]);
  });
});

describe('templates that start with a reference', () => {
  it('a reference followed by text is a template, not the bare reference', () => {
    expect(parseBinding('${inputs.q}!')).toEqual({ t: 'tpl', parts: [{ kind: 'input', name: 'q', path: [] }, '!'] });
    expect(parseBinding('${a.output}${b.output}')).toEqual({ t: 'tpl', parts: [{ kind: 'node', node: 'a', path: [] }, { kind: 'node', node: 'b', path: [] }] });
  });
});

describe('values a flow built in code can hold', () => {
  it('an undefined value is a literal, alone or beside a reference, not an error', () => {
    expect(parseBinding(undefined)).toEqual({ t: 'lit', v: undefined });
    expect(parseBinding({ a: undefined, b: '${x.output}' })).toEqual({
      t: 'obj',
      entries: [['a', { t: 'lit', v: undefined }], ['b', { t: 'ref', ref: { kind: 'node', node: 'x', path: [] } }]],
    });
  });
});

describe('keys formatRef cannot write', () => {
  it('names the key and the reason in its error', () => {
    expect(() => formatRef({ kind: 'node', node: 'a', path: ['a}b'] })).toThrow('the key "a}b" holds "}" and cannot be written in a reference');
    expect(() => formatRef({ kind: 'input', name: `"it's"`, path: [] })).toThrow(`the key "\\"it's\\"" holds both kinds of quote and cannot be written in a reference`);
  });
});
