import { describe, expect, it } from 'vitest';
import { addNode, connect, disconnect, insertCopies, removeNodes, renameNode } from './edit.ts';
import { INPUTS_NODE, NEW_PORT, OUTPUTS_NODE } from './ports.ts';
import { parseRef } from './refs.ts';
import { sampleFlow } from './test-fixtures.ts';

describe('editing a flow document', () => {
  it('connecting writes the reference into the target input; a new port is named after its source', () => {
    const doc = sampleFlow();
    let r = connect(doc, { source: 'lookup', sourceHandle: 'out:found', target: 'greet2', targetHandle: NEW_PORT });
    expect(r.port).toBe('found');
    expect(r.doc.nodes[1].inputs).toEqual({ found: '${lookup.output.found}' });
    r = connect(r.doc, { source: INPUTS_NODE, sourceHandle: 'out:question', target: 'lookup', targetHandle: 'in:query' });
    expect(r.doc.nodes[2].inputs!.query).toBe('${inputs.question}');
    r = connect(r.doc, { source: 'greet', sourceHandle: 'out', target: OUTPUTS_NODE, targetHandle: NEW_PORT });
    expect(r.doc.outputs).toEqual({ answer: '${lookup.output.chunks}', greet: '${greet.output}' });
    // untouched nodes keep their identity (the canvas reuses their boxes)
    expect(r.doc.nodes[0]).toBe(doc.nodes[0]);
  });

  it('disconnecting drops a whole binding, or only the reference inside a template', () => {
    const doc = sampleFlow();
    let next = disconnect(doc, 'lookup', 'in:query', parseRef('greet.output'));
    expect(next.nodes[2].inputs).toEqual({ top_k: '${inputs.n}' });
    next = disconnect(doc, 'greet', 'in:intro', parseRef('greet2.output'));
    expect(next.nodes[0].inputs!.intro).toBe('Q: ${inputs.question} (from )');
    next = disconnect(doc, 'lookup', 'activate', parseRef('greet2.output'));
    expect(next.nodes[2].activate).toBeUndefined();
  });

  it('removing nodes removes their edges, positions and the outputs they fed', () => {
    const next = removeNodes(sampleFlow(), new Set(['greet2', 'lookup']));
    expect(next.nodes.map((n) => n.name)).toEqual(['greet']);
    expect(next.nodes[0].inputs!.intro).toBe('Q: ${inputs.question} (from )');
    expect(next.outputs).toEqual({});
    expect(Object.keys(next.layout!)).toEqual(['greet']);
  });

  it('renaming a node rewrites every reference to it', () => {
    const next = renameNode(sampleFlow(), 'greet2', 'hello');
    expect(next.nodes[1].name).toBe('hello');
    expect(next.nodes[0].inputs!.intro).toBe('Q: ${inputs.question} (from ${hello.output})');
    expect(next.nodes[2].activate!.when).toBe('${hello.output}');
    expect(next.layout!.hello).toEqual([0, 200]);
  });

  it('pasted copies get free names and point at each other, not at the originals', () => {
    const doc = sampleFlow();
    const { doc: next, names } = insertCopies(doc, [doc.nodes[0], doc.nodes[2]], { greet: [0, 0], lookup: [300, 0] }, [40, 40]);
    expect(names).toEqual(['greet_2', 'lookup_2']);
    const copy = next.nodes.find((n) => n.name === 'lookup_2')!;
    expect(copy.inputs!.query).toBe('${greet_2.output}');
    expect(copy.activate!.when).toBe('${greet2.output}');
    expect(next.layout!.lookup_2).toEqual([340, 40]);
  });

  it('adds a node with a free name at the drop point', () => {
    const { doc, name } = addNode(sampleFlow(), 'prompt', [10, 20]);
    expect(name).toBe('prompt');
    expect(addNode(doc, 'prompt', [0, 0]).name).toBe('prompt_2');
    expect(doc.layout!.prompt).toEqual([10, 20]);
  });
});
