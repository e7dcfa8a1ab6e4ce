import { describe, expect, it } from 'vitest';
import { INPUTS_NODE, NEW_PORT, OUTPUTS_NODE } from '../flow/ports.ts';
import { sampleFlow, TYPES } from '../flow/test-fixtures.ts';
import { connectionProblem } from './connect-rules.ts';

const check = (source: string, sourceHandle: string, target: string, targetHandle: string) =>
  connectionProblem(sampleFlow(), TYPES, { source, sourceHandle, target, targetHandle });

describe('which connections the canvas refuses, and why', () => {
  it('refuses a type mismatch naming both ends and their types', () => {
    expect(check('lookup', 'out:found', 'lookup2', 'in:query')).toBeNull(); // unknown target node: the validator says so
    const doc = sampleFlow();
    doc.nodes.push({ name: 'lookup2', type: 'lookup', inputs: {} });
    expect(connectionProblem(doc, TYPES, { source: 'lookup', sourceHandle: 'out:found', target: 'lookup2', targetHandle: 'in:query' }))
      .toBe('lookup.found gives a boolean, but lookup2.query takes a string');
    expect(connectionProblem(doc, TYPES, { source: INPUTS_NODE, sourceHandle: 'out:n', target: 'lookup2', targetHandle: 'in:query' }))
      .toBe('flow input "n" gives an integer, but lookup2.query takes a string');
  });

  it('accepts compatible and open types', () => {
    expect(check('greet', 'out', 'lookup', 'in:query')).toBeNull();
    expect(check(INPUTS_NODE, 'out:n', 'greet2', NEW_PORT)).toBeNull();
    expect(check('lookup', 'out', OUTPUTS_NODE, NEW_PORT)).toBeNull();
  });

  it('refuses cycles and wires into the flow inputs', () => {
    expect(check('lookup', 'out', 'greet', NEW_PORT)).toBe('greet already feeds lookup: this edge would make a cycle');
    expect(check('greet', 'out', 'greet', NEW_PORT)).toBe('a node cannot feed itself');
    expect(check('greet', 'out', INPUTS_NODE, 'in:x')).toBe('the flow inputs only give values');
  });
});

describe('union ports', () => {
  it('takes a value fitting any member and refuses one fitting none', () => {
    const doc = sampleFlow();
    doc.nodes.push({ name: 'emb', type: 'embed', inputs: {} });
    const to = { target: 'emb', targetHandle: 'in:text' };
    expect(connectionProblem(doc, TYPES, { source: 'greet', sourceHandle: 'out', ...to })).toBeNull();
    expect(connectionProblem(doc, TYPES, { source: 'lookup', sourceHandle: 'out:chunks', ...to })).toBeNull();
    expect(connectionProblem(doc, TYPES, { source: 'lookup', sourceHandle: 'out:found', ...to })).toBe('lookup.found gives a boolean, but emb.text takes a string or array');
  });
});
