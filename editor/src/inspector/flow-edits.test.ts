import { describe, expect, it } from 'vitest';
import type { FlowDoc } from '../api/types.ts';
import { defaultText, parseDefault, removeFlowInput, renameFlowInput, renameOutput, retype, setOutputRef } from './flow-edits.ts';

const doc: FlowDoc = {
  weir: 1,
  name: 'f',
  inputs: { q: { type: 'string' }, n: { type: 'integer', default: 3 } },
  outputs: { answer: '${a.output}', full: { reference: '${a.output}', type: 'string' } },
  nodes: [{ name: 'a', type: 'prompt', inputs: { question: '${inputs.q}', text: 'Q: ${inputs.q.x} (${inputs.n})' } }],
};

describe('flow inputs', () => {
  it('renames an input with every reference to it, in place', () => {
    const next = renameFlowInput(doc, 'q', 'question');
    expect(Object.keys(next.inputs!)).toEqual(['question', 'n']);
    expect(next.nodes[0].inputs).toEqual({ question: '${inputs.question}', text: 'Q: ${inputs.question.x} (${inputs.n})' });
  });
  it('removes an input', () => {
    expect(Object.keys(removeFlowInput(doc, 'q').inputs!)).toEqual(['n']);
  });
  it('parses defaults by type', () => {
    expect(parseDefault('hi', 'string')).toEqual({ value: 'hi' });
    expect(parseDefault('', 'string')).toEqual({});
    expect(parseDefault('4', 'integer')).toEqual({ value: 4 });
    expect(parseDefault('4.5', 'integer').error).toMatch(/whole/);
    expect(parseDefault('[]', 'chat_history')).toEqual({ value: [] });
    expect(parseDefault('{}', 'chat_history').error).toMatch(/array/);
    expect(parseDefault('yes', 'boolean').error).toBeDefined();
    expect(parseDefault('"x"', 'any')).toEqual({ value: 'x' });
  });
  it('shows defaults as typed', () => {
    expect(defaultText('hi', 'string')).toBe('hi');
    expect(defaultText([], 'list')).toBe('[]');
    expect(defaultText(undefined, 'list')).toBe('');
  });
  it('drops a default the new type cannot hold', () => {
    expect(retype({ type: 'string', default: 'x' }, 'number')).toEqual({ type: 'number' });
    expect(retype({ type: 'integer', default: 3 }, 'number')).toEqual({ type: 'number', default: 3 });
  });
});

describe('flow outputs', () => {
  it('sets a reference, keeping the object form', () => {
    expect(setOutputRef(doc, 'answer', '${b.output}').outputs!.answer).toBe('${b.output}');
    expect(setOutputRef(doc, 'full', '${b.output}').outputs!.full).toEqual({ reference: '${b.output}', type: 'string' });
  });
  it('renames in place', () => {
    expect(Object.keys(renameOutput(doc, 'answer', 'reply').outputs!)).toEqual(['reply', 'full']);
  });
});
