import { describe, expect, it } from 'vitest';
import type { FlowDoc, NodeTypeInfo } from '../api/types.ts';
import { bindingText, inputRows, parseBindingText, parseDuration, portNameProblem, setBinding, unknownInputs, unknownNodes } from './bindings.ts';

const info = (over: Partial<NodeTypeInfo>): NodeTypeInfo => ({
  type: 't', title: 'T', category: 'x', inputs: {}, required_inputs: [], extra_inputs: null, output: {}, config: {}, streams: false, accepts_skipped_inputs: false, ...over,
});

describe('inputRows', () => {
  it('lists declared inputs first, then extra names from the flow', () => {
    const t = info({ inputs: { query: { type: 'string' }, k: { type: 'number' } }, required_inputs: ['query'], extra_inputs: {} });
    const rows = inputRows({ name: 'n', type: 't', inputs: { extra: '${a.output}', query: 'hi' } }, t);
    expect(rows.map((r) => [r.name, r.declared, r.required, r.bound])).toEqual([
      ['query', true, true, true], ['k', true, false, false], ['extra', false, false, true],
    ]);
  });
  it('shows bound inputs of an unknown type as extra ones', () => {
    expect(inputRows({ name: 'n', type: 'gone', inputs: { a: 1 } }, undefined)).toEqual([{ name: 'a', declared: false, required: false, schema: undefined, bound: true, value: 1 }]);
  });
});

describe('binding text', () => {
  it('shows strings as written and other values as JSON', () => {
    expect(bindingText('${greet.output}')).toBe('${greet.output}');
    expect(bindingText(42)).toBe('42');
    expect(bindingText({ a: ['${x.output}'] })).toBe('{"a":["${x.output}"]}');
    expect(bindingText(undefined)).toBe('');
  });
  it('reads values like YAML does, strings otherwise', () => {
    expect(parseBindingText('42')).toEqual({ value: 42 });
    expect(parseBindingText('true')).toEqual({ value: true });
    expect(parseBindingText('"42"')).toEqual({ value: '42' });
    expect(parseBindingText('[1, "${a.output}"]')).toEqual({ value: [1, '${a.output}'] });
    expect(parseBindingText('{{ name }}')).toEqual({ value: '{{ name }}' });
    expect(parseBindingText('1st place')).toEqual({ value: '1st place' });
    expect(parseBindingText('')).toEqual({});
  });
  it('keeps text as text for inputs that only take strings', () => {
    expect(parseBindingText('42', { type: 'string' })).toEqual({ value: '42' });
  });
  it('refuses references that do not parse', () => {
    expect(parseBindingText('${greet.}').error).toMatch(/bad reference/);
    expect(parseBindingText('Hello ${inputs.name}!')).toEqual({ value: 'Hello ${inputs.name}!' });
  });
});

describe('dangling names', () => {
  const doc: FlowDoc = { weir: 1, name: 'f', inputs: { q: {} }, nodes: [{ name: 'a', type: 't' }] };
  it('names nodes and flow inputs that do not exist', () => {
    expect(unknownNodes('${a.output} ${b.output} ${b.output.x}', doc)).toEqual(['b']);
    expect(unknownInputs('${inputs.q} ${inputs.r}', doc)).toEqual(['r']);
    expect(unknownNodes('${bad.', doc)).toEqual([]);
  });
});

describe('small rules', () => {
  it('checks port names', () => {
    expect(portNameProblem('question', ['a'])).toBeNull();
    expect(portNameProblem('a', ['a'])).toMatch(/already exists/);
    expect(portNameProblem('2x', [])).toMatch(/letters/);
  });
  it('sets and removes one binding', () => {
    const n = { name: 'n', type: 't', inputs: { a: 1, b: 2 } };
    expect(setBinding(n, 'a', 5).inputs).toEqual({ a: 5, b: 2 });
    expect(setBinding(n, 'a', undefined).inputs).toEqual({ b: 2 });
    expect(Object.keys(setBinding(n, 'a', 5).inputs!)).toEqual(['a', 'b']);
  });
  it('parses durations as the flow schema takes them', () => {
    expect(parseDuration('500ms')).toEqual({ value: '500ms' });
    expect(parseDuration('2000')).toEqual({ value: 2000 });
    expect(parseDuration('soon').error).toMatch(/duration/);
    expect(parseDuration('0').error).toMatch(/more than 0/);
    expect(parseDuration('')).toEqual({});
  });
});
