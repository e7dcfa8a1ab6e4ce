import { describe, expect, it } from 'vitest';
import type { FlowDoc, FlowVersion } from '../api/types.ts';
import { INPUTS_NODE, OUTPUTS_NODE } from '../flow/ports.ts';
import { defaultRange, diffCounts, diffLabel, diffView, isEmptyDiff } from './diff-view.ts';
import type { FlowDiffResult } from './publish-api.ts';

const v1: FlowDoc = {
  weir: 1, name: 'hello',
  inputs: { q: { type: 'string' } },
  outputs: { a: '${answer.text}' },
  nodes: [
    { name: 'retrieve', type: 'vector_lookup', inputs: { query: '${inputs.q}' } },
    { name: 'answer', type: 'llm', inputs: { ctx: '${retrieve}' }, config: { temperature: 0.2 } },
  ],
  layout: { retrieve: [0, 0], answer: [300, 0] },
};
const v2: FlowDoc = {
  weir: 1, name: 'hello',
  inputs: { q: { type: 'string' } },
  outputs: { a: '${answer.text}' },
  nodes: [
    { name: 'answer', type: 'llm', inputs: { q: '${inputs.q}' }, config: { temperature: 0.7 } },
    { name: 'check', type: 'transform', inputs: { x: '${answer}' } },
  ],
  layout: { answer: [300, 0], check: [600, 40] },
};
const diff: FlowDiffResult = {
  from: 1, to: 2,
  nodes: {
    added: ['check'], removed: ['retrieve'],
    changed: [{ name: 'answer', fields: [{ field: 'config.temperature', from: 0.2, to: 0.7 }] }],
  },
  inputs: { added: [], removed: [], changed: [] },
  outputs: { added: [], removed: [], changed: [] },
};

/** Freezes a document all the way down, so any write to it throws. */
function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object') {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}

describe('diffView', () => {
  it('adds the removed nodes from the "from" side at their old positions', () => {
    const { doc } = diffView(diff, v1, v2);
    expect(doc.nodes.map((n) => n.name)).toEqual(['answer', 'check', 'retrieve']);
    expect(doc.nodes[2]).toBe(v1.nodes[0]);
    expect(doc.layout).toEqual({ answer: [300, 0], check: [600, 40], retrieve: [0, 0] });
    expect(doc.name).toBe('hello');
  });

  it('marks added, changed and removed nodes', () => {
    expect(diffView(diff, v1, v2).marks).toEqual({ check: 'added', answer: 'changed', retrieve: 'removed' });
  });

  it('leaves the draft untouched and reuses its node objects', () => {
    const draft = deepFreeze(structuredClone(v2));
    const from = deepFreeze(structuredClone(v1));
    const { doc } = diffView(diff, from, draft);
    expect(doc).not.toBe(draft);
    expect(draft.nodes.map((n) => n.name)).toEqual(['answer', 'check']);
    expect(Object.keys(draft.layout!)).toEqual(['answer', 'check']);
    expect(doc.nodes[0]).toBe(draft.nodes[0]);
    expect(doc.nodes[1]).toBe(draft.nodes[1]);
  });

  it('returns the "to" document itself when nothing was removed', () => {
    const d = { ...diff, nodes: { ...diff.nodes, removed: [] } };
    const { doc, marks } = diffView(d, v1, v2);
    expect(doc).toBe(v2);
    expect(marks.retrieve).toBeUndefined();
  });

  it('places a removed node without a saved position below the others', () => {
    const from: FlowDoc = { ...v1, layout: { answer: [300, 0] } };
    const { doc } = diffView(diff, from, v2);
    expect(doc.layout!.retrieve).toEqual([0, 260]);
  });

  it('works when neither side has a layout', () => {
    const { doc } = diffView(diff, { ...v1, layout: undefined }, { ...v2, layout: undefined });
    expect(doc.layout).toEqual({ retrieve: [0, 220] });
  });

  it('marks the inputs and outputs boxes when they changed', () => {
    const d: FlowDiffResult = { ...diff, inputs: { added: ['k'], removed: [], changed: [] }, outputs: { added: [], removed: [], changed: ['a'] } };
    const { marks } = diffView(d, v1, v2);
    expect(marks[INPUTS_NODE]).toBe('changed');
    expect(marks[OUTPUTS_NODE]).toBe('changed');
  });
});

const ver = (version: number): FlowVersion => ({ flow: 'hello', version, hash: 'abc', message: '', author: 'admin', created_at: '2026-01-01T00:00:00Z' });

describe('defaultRange', () => {
  it('compares the previous version with the latest', () => {
    expect(defaultRange([ver(1), ver(3), ver(2)])).toEqual({ from: 2, to: 3 });
  });
  it('compares the only version with the draft', () => {
    expect(defaultRange([ver(1)])).toEqual({ from: 1, to: 'draft' });
  });
  it('has nothing to compare before the first publish', () => {
    expect(defaultRange([])).toBeUndefined();
  });
});

describe('labels', () => {
  it('names both sides', () => {
    expect(diffLabel(1, 2)).toBe('v1 → v2');
    expect(diffLabel(2, 'draft')).toBe('v2 → draft');
  });
  it('counts changes', () => {
    expect(diffCounts(diff)).toBe('1 added · 1 changed · 1 removed');
    const none: FlowDiffResult = { ...diff, nodes: { added: [], removed: [], changed: [] } };
    expect(isEmptyDiff(none)).toBe(true);
    expect(diffCounts(none)).toBe('no changes');
    expect(isEmptyDiff(diff)).toBe(false);
  });
});
