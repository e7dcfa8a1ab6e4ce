import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FlowDoc, FlowRecord } from '../api/types.ts';
import { connect, renameNode } from '../flow/edit.ts';
import { INPUTS_NODE, NEW_PORT } from '../flow/ports.ts';
import { sampleFlow, TYPES } from '../flow/test-fixtures.ts';
import { useEditor } from './store.ts';

// The store's one edge is HTTP: a recording fetch stands in for the server here (the browser tests
// in test/studio drive the real one). It answers a PUT with the flow it was sent.
const puts: FlowDoc[] = [];
const record = (doc: FlowDoc): FlowRecord => ({ name: doc.name, format: 'yaml', definition: doc, source: '', problems: [], valid: true, created_at: '', updated_at: '' });

beforeEach(() => {
  puts.length = 0;
  vi.stubGlobal('localStorage', { getItem: () => 'token', setItem: () => undefined, removeItem: () => undefined });
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    const doc = JSON.parse(String(init.body)) as FlowDoc;
    puts.push(doc);
    return new Response(JSON.stringify(record(doc)), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  useEditor.getState().load(record(sampleFlow()), Object.values(TYPES));
});
afterEach(() => vi.unstubAllGlobals());

const names = () => useEditor.getState().nodes.map((n) => n.id);

describe('the editor store', () => {
  it('draws the flow: its nodes between the Inputs and Outputs boxes, and an edge per reference', () => {
    expect(names()).toEqual([INPUTS_NODE, 'greet', 'greet2', 'lookup', '__outputs']);
    expect(useEditor.getState().edges).toHaveLength(7);
  });

  it('an edit redraws only what changed, is one undo step, and is saved once typing settles', async () => {
    const s = useEditor.getState();
    const before = s.nodes;
    s.commit(connect(s.doc, { source: INPUTS_NODE, sourceHandle: 'out:question', target: 'greet2', targetHandle: NEW_PORT }).doc);
    const after = useEditor.getState().nodes;
    expect(after[1]).toBe(before[1]); // greet untouched: same object, React Flow skips it
    expect(after[2]).not.toBe(before[2]);
    expect(useEditor.getState().edges).toHaveLength(8);
    await useEditor.getState().flush();
    expect(puts).toHaveLength(1);
    expect(puts[0].nodes[1].inputs).toEqual({ question: '${inputs.question}' });
    expect(useEditor.getState().save).toBe('saved');
    useEditor.getState().undo();
    expect(useEditor.getState().edges).toHaveLength(7);
    useEditor.getState().redo();
    expect(useEditor.getState().edges).toHaveLength(8);
  });

  it('dragging moves the box every frame but writes the layout (and history) once, on drop', async () => {
    const s = useEditor.getState();
    for (let i = 1; i <= 5; i++) s.onNodesChange([{ type: 'position', id: 'greet', position: { x: i * 10, y: 0 }, dragging: true }]);
    expect(useEditor.getState().nodes[1].position).toEqual({ x: 50, y: 0 });
    expect(useEditor.getState().doc.layout!.greet).toEqual([0, 0]);
    expect(useEditor.getState().history.past).toHaveLength(0);
    s.onNodesChange([{ type: 'position', id: 'greet', position: { x: 60, y: 5 }, dragging: false }]);
    expect(useEditor.getState().doc.layout!.greet).toEqual([60, 5]);
    expect(useEditor.getState().history.past).toHaveLength(1);
    useEditor.getState().undo();
    expect(useEditor.getState().nodes[1].position).toEqual({ x: 0, y: 0 });
  });

  it('a document shown for viewing (a version) is read-only and leaves the draft alone', () => {
    const s = useEditor.getState();
    const version = { ...sampleFlow(), nodes: sampleFlow().nodes.slice(0, 1) };
    s.setMarks({ greet: 'changed' }, { label: 'v1', doc: version });
    expect(names()).toEqual([INPUTS_NODE, 'greet', '__outputs']);
    expect(useEditor.getState().nodes[1].data.mark).toBe('changed');
    s.commit({ ...s.doc, description: 'edited while viewing' });
    expect(useEditor.getState().doc.description).toBeUndefined();
    s.setMarks(undefined, undefined);
    expect(names()).toHaveLength(5);
  });

  it('a refused save keeps the edit and says why', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'name_mismatch', message: 'the flow is named "x"' } }), { status: 400 }));
    const s = useEditor.getState();
    s.commit({ ...s.doc, description: 'kept' });
    await useEditor.getState().flush();
    expect(useEditor.getState()).toMatchObject({ save: 'error', saveError: 'the flow is named "x"' });
    expect(useEditor.getState().doc.description).toBe('kept');
  });
});

describe('selection through history', () => {
  it('follows a node whose rename is undone and redone', () => {
    const s = useEditor.getState();
    s.commit(renameNode(s.doc, 'greet2', 'hello'));
    useEditor.getState().select(['hello']);
    useEditor.getState().undo();
    expect(useEditor.getState().nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['greet2']);
    useEditor.getState().redo();
    expect(useEditor.getState().nodes.filter((n) => n.selected).map((n) => n.id)).toEqual(['hello']);
  });
});

describe('a draft the canvas cannot draw', () => {
  it('is kept as it is, drawn as nothing, and drawn once a mended copy comes back from the YAML view', () => {
    const bad = { ...sampleFlow(), nodes: 'oops' } as unknown as FlowDoc;
    useEditor.getState().load(record(bad), Object.values(TYPES));
    expect(useEditor.getState()).toMatchObject({ broken: '`nodes` is not a list', nodes: [], edges: [] });
    useEditor.getState().commit({ ...bad, description: 'x' });
    expect(useEditor.getState().doc).toBe(bad);
    useEditor.getState().adopt(record(sampleFlow()));
    expect(useEditor.getState().broken).toBeUndefined();
    expect(names()).toHaveLength(5);
  });
});

describe('a draft saved elsewhere meanwhile', () => {
  it('stops saving on 412, keeps the edits, and saves over it only when asked', async () => {
    const sent: (string | undefined)[] = [];
    vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
      const ifMatch = (init.headers as Record<string, string>)['if-match'];
      sent.push(ifMatch);
      if (ifMatch) return new Response(JSON.stringify({ error: { code: 'draft_changed', message: 'changed since it was loaded' } }), { status: 412 });
      return new Response(JSON.stringify({ ...record(JSON.parse(String(init.body))), etag: '"new"' }), { status: 200 });
    });
    useEditor.getState().load({ ...record(sampleFlow()), etag: '"loaded"' }, Object.values(TYPES));
    const s = useEditor.getState();
    s.commit({ ...s.doc, description: 'mine' });
    await useEditor.getState().flush();
    expect(useEditor.getState()).toMatchObject({ conflict: true, save: 'error' });
    await useEditor.getState().flush(); // no second try on its own
    expect(sent).toEqual(['"loaded"']);
    await useEditor.getState().overwrite();
    expect(sent).toEqual(['"loaded"', undefined]);
    expect(useEditor.getState()).toMatchObject({ conflict: false, save: 'saved', etag: '"new"' });
    expect(useEditor.getState().doc.description).toBe('mine');
  });
});
