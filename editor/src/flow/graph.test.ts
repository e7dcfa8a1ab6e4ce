import { describe, expect, it } from 'vitest';
import { flowEdges } from './graph.ts';
import { INPUTS_NODE, nodeView, OUTPUTS_NODE } from './ports.ts';
import { sampleFlow, TYPES } from './test-fixtures.ts';

const fields = (node: string) => (node === 'lookup' ? new Set(['chunks', 'found']) : new Set<string>());

describe('references become edges', () => {
  it('draws one edge per reference, from the field handle when the output has one', () => {
    const edges = flowEdges(sampleFlow(), fields);
    const key = (e: { source: string; sourceHandle: string; target: string; targetHandle: string }) => `${e.source}/${e.sourceHandle} -> ${e.target}/${e.targetHandle}`;
    expect(edges.map(key).sort()).toEqual([
      `${INPUTS_NODE}/out:n -> lookup/in:top_k`,
      `${INPUTS_NODE}/out:question -> greet/in:intro`,
      `${INPUTS_NODE}/out:question -> greet/in:q`,
      'greet/out -> lookup/in:query',
      'greet2/out -> greet/in:intro',
      'greet2/out -> lookup/activate',
      `lookup/out:chunks -> ${OUTPUTS_NODE}/in:answer`,
    ].sort());
  });

  it('labels the part of a path past the handle and skips references to missing nodes', () => {
    const doc = sampleFlow();
    doc.nodes[1].inputs = { a: '${lookup.output.chunks[0].text}', b: '${ghost.output}' };
    const edges = flowEdges(doc, fields).filter((e) => e.target === 'greet2');
    expect(edges).toHaveLength(1);
    expect(edges[0]).toMatchObject({ sourceHandle: 'out:chunks', label: '[0].text', ref: '${lookup.output.chunks[0].text}' });
  });

  it('an edited reference redraws its edge: the edge follows the text', () => {
    const doc = sampleFlow();
    doc.nodes[2].inputs = { query: '${greet2.output}' };
    const q = flowEdges(doc, fields).find((e) => e.targetHandle === 'in:query')!;
    expect(q.source).toBe('greet2');
  });
});

describe('node ports', () => {
  it('lists declared inputs with types, bound extra inputs, and field outputs', () => {
    const v = nodeView(sampleFlow().nodes[2], TYPES.lookup);
    expect(v.inputs.map((p) => [p.name, p.tag, !!p.required])).toEqual([['query', 'string', true], ['top_k', 'integer', false]]);
    expect(v.outputs.map((p) => p.id)).toEqual(['out', 'out:chunks', 'out:found']);
    expect(v.acceptsNew).toBe(false);
    const p = nodeView(sampleFlow().nodes[0], TYPES.prompt);
    expect(p.inputs.map((x) => x.name)).toEqual(['q', 'intro']);
    expect(p.acceptsNew).toBe(true);
  });
});
