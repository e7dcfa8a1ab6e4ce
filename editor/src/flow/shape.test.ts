import { describe, expect, it } from 'vitest';
import { shapeProblem } from './shape.ts';
import { sampleFlow } from './test-fixtures.ts';

describe('drafts the canvas can draw', () => {
  it('accepts a well-formed flow', () => {
    expect(shapeProblem(sampleFlow())).toBeNull();
    expect(shapeProblem({ weir: 1, name: 'x', nodes: [] })).toBeNull();
  });

  it('names what keeps a malformed draft off the canvas', () => {
    const f = sampleFlow() as unknown as Record<string, unknown>;
    expect(shapeProblem({ ...f, nodes: 5 })).toBe('`nodes` is not a list');
    expect(shapeProblem({ ...f, nodes: [7] })).toBe('nodes[0] is not a mapping');
    expect(shapeProblem({ ...f, nodes: [{ type: 'prompt' }] })).toBe('nodes[0] has no name');
    expect(shapeProblem({ ...f, nodes: [{ name: 'a', type: 'prompt', inputs: [1] }] })).toBe('node "a": `inputs` is not a mapping');
    expect(shapeProblem({ ...f, nodes: [{ name: 'a', type: 'p' }, { name: 'a', type: 'p' }] })).toBe('two nodes have the same name');
    expect(shapeProblem({ ...f, inputs: { q: null } })).toBe('`inputs` is not a mapping of input definitions');
    expect(shapeProblem({ ...f, outputs: [1] })).toBe('`outputs` is not a mapping of references');
    expect(shapeProblem({ ...f, layout: { greet: [1] } })).toBe('`layout` is not a mapping of [x, y] positions');
  });
});
