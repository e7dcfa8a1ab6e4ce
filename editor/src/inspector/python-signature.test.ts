import { describe, expect, it } from 'vitest';
import { paramText } from './python-signature.tsx';

describe('paramText: a parameter as the port list reads', () => {
  it('names the type Python-style, the default as Python writes it, … for a default that is not a literal', () => {
    expect(paramText({ name: 'a', type: 'string', has_default: false })).toBe('a: string');
    expect(paramText({ name: 'k', type: 'int', has_default: true, default: 2 })).toBe('k: int = 2');
    expect(paramText({ name: 'x', type: 'double', has_default: true, default: 0.5 })).toBe('x: float = 0.5');
    expect(paramText({ name: 'd', type: 'object', has_default: true, default: null })).toBe('d: dict = None');
    expect(paramText({ name: 'b', type: 'bool', has_default: true, default: false })).toBe('b: bool = False');
    expect(paramText({ name: 'e', type: 'any', has_default: true })).toBe('e: any = …');
    expect(paramText({ name: 'c', type: 'connection', connection_class: 'AzureOpenAIConnection', has_default: false })).toBe('c: AzureOpenAIConnection');
  });
});
