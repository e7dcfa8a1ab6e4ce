import { describe, expect, it } from 'vitest';
import { sampleFlow, TYPES } from '../flow/test-fixtures.ts';
import { buildNodes, defaultPositions } from './rf-graph.ts';

describe('where boxes go when the flow file does not say', () => {
  it('puts each unplaced node in a column by its depth behind the inputs, and keeps given positions', () => {
    const { layout: _none, ...doc } = sampleFlow();
    const p = defaultPositions(doc);
    // greet2 feeds greet and lookup; greet feeds lookup
    expect(p.get('greet2')).toEqual([0, 0]);
    expect(p.get('greet')).toEqual([300, 0]);
    expect(p.get('lookup')).toEqual([600, 0]);
    expect(defaultPositions(sampleFlow()).get('greet2')).toEqual([0, 200]);
  });

  it('places the flow inputs left of every node and the outputs right of them, overlapping none', () => {
    const { layout: _none, ...doc } = sampleFlow();
    const nodes = buildNodes(doc, TYPES, new Map(), { problems: [] });
    const xs = nodes.map((n) => n.position.x);
    expect(xs[0]).toBeLessThan(Math.min(...xs.slice(1)));
    expect(xs[xs.length - 1]).toBeGreaterThan(Math.max(...xs.slice(0, -1)));
  });
});
