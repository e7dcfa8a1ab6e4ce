import { applyEdgeChanges, applyNodeChanges, type EdgeChange, type NodeChange } from '@xyflow/react';
import { create } from 'zustand';
import { api, ApiError } from '../api/client.ts';
import type { FlowDoc, FlowRecord, NodeTypeInfo, Problem } from '../api/types.ts';
import { moveNodes } from '../flow/edit.ts';
import * as hist from '../flow/history.ts';
import { shapeProblem } from '../flow/shape.ts';
import type { RunView } from '../flow/run-state.ts';
import { buildEdges, buildNodes, type Mark, type WeirEdge, type WeirNode } from './rf-graph.ts';

export type SaveState = 'saved' | 'pending' | 'saving' | 'error';

export interface EditorState {
  name: string;
  types: Record<string, NodeTypeInfo>;
  history: hist.History;
  doc: FlowDoc;
  nodes: WeirNode[];
  edges: WeirEdge[];
  problems: Problem[];
  save: SaveState;
  saveError?: string;
  run?: RunView;
  /** Nodes highlighted by a version diff shown on the canvas. */
  marks?: Record<string, Mark>;
  /** A read-only document shown instead of the draft (a version, a past run's flow). */
  viewing?: { label: string; doc: FlowDoc };
  /** Asks the canvas to fit the view (a counter, so each request is seen). */
  fitRequest: number;
  /** The tag of the draft as this editor last loaded or saved it (If-Match on save). */
  etag?: string;
  /** Someone else saved the draft since: saving stops until the user reloads or overwrites. */
  conflict?: boolean;
  /** Why the draft cannot be drawn (a structural problem): it opens in the YAML view until mended. */
  broken?: string;

  load(record: FlowRecord, types: NodeTypeInfo[]): void;
  /** Applies an edit: one undo step (edits with the same key in quick succession merge). */
  commit(next: FlowDoc, key?: string): void;
  /** Takes a draft the server already holds (saved from the YAML view) as one undo step. */
  adopt(record: FlowRecord): void;
  undo(): void;
  redo(): void;
  onNodesChange(changes: NodeChange<WeirNode>[]): void;
  onEdgesChange(changes: EdgeChange<WeirEdge>[]): void;
  select(names: string[]): void;
  setRun(run: RunView | undefined): void;
  setMarks(marks: Record<string, Mark> | undefined, viewing?: { label: string; doc: FlowDoc }): void;
  requestFit(): void;
  /** Saves now (before a run or a publish), resolving when the server holds the current draft. */
  flush(): Promise<void>;
  /** After a conflict: saves this draft over the other one. */
  overwrite(): Promise<void>;
  /** After a conflict: drops this editor's unsaved edits and loads the draft as it is now. */
  reload(): Promise<void>;
}

const empty: FlowDoc = { weir: 1, name: '', nodes: [] };
const flowUrl = (name: string) => `/api/flows/${encodeURIComponent(name)}`;
let timer: ReturnType<typeof setTimeout> | undefined;
let saving: Promise<void> | undefined;

const byId = <T extends { id: string }>(xs: T[]) => new Map(xs.map((x) => [x.id, x]));

export const useEditor = create<EditorState>((set, get) => {
  /** Rebuilds what the canvas draws from the document shown, reusing every unchanged object. */
  const redraw = (patch: Partial<EditorState> = {}) => {
    const s = { ...get(), ...patch };
    if (s.broken && !s.viewing) return set({ ...patch, nodes: [], edges: [] });
    const doc = s.viewing?.doc ?? s.doc;
    const deco = { run: s.run?.nodes, problems: s.viewing ? [] : s.problems, marks: s.marks };
    set({ ...patch, nodes: buildNodes(doc, s.types, byId(s.nodes), deco), edges: buildEdges(doc, s.types, byId(s.edges), s.marks) });
  };

  const save = async (): Promise<void> => {
    const { name, doc, etag } = get();
    set({ save: 'saving' });
    try {
      const rec = await api<FlowRecord>(flowUrl(name), { method: 'PUT', body: doc, headers: etag ? { 'if-match': etag } : {} });
      if (get().doc === doc) redraw({ save: 'saved', saveError: undefined, problems: rec.problems, etag: rec.etag });
      else set({ save: 'pending', etag: rec.etag });
    } catch (err) {
      set({ save: 'error', saveError: (err as Error).message, conflict: err instanceof ApiError && err.status === 412 });
    }
  };

  /**
   * Moves through history. Nodes are keyed by name, so undoing a rename would drop the selection:
   * when exactly one selected name goes and one new name comes, the selection follows it.
   */
  const travel = (history: hist.History) => {
    const before = get();
    const selected = before.nodes.filter((n) => n.selected).map((n) => n.id);
    redraw({ history, doc: history.present });
    const names = new Set(history.present.nodes.map((n) => n.name));
    const gone = selected.filter((id) => !get().nodes.some((n) => n.id === id));
    const came = [...names].filter((n) => !before.doc.nodes.some((x) => x.name === n));
    if (gone.length === 1 && came.length === 1) get().select([...selected.filter((id) => id !== gone[0]), came[0]]);
    schedule();
  };

  const schedule = () => {
    set({ save: 'pending' });
    clearTimeout(timer);
    timer = setTimeout(() => void get().flush(), 400);
  };

  return {
    name: '', types: {}, history: hist.start(empty), doc: empty, nodes: [], edges: [], problems: [], save: 'saved', fitRequest: 0,

    load(record, types) {
      clearTimeout(timer);
      const doc = record.definition;
      set({
        name: record.name, types: Object.fromEntries(types.map((t) => [t.type, t])), history: hist.start(doc), doc, nodes: [], edges: [],
        run: undefined, marks: undefined, viewing: undefined, broken: shapeProblem(doc) ?? undefined, etag: record.etag, conflict: false,
      });
      redraw({ problems: record.problems, save: 'saved', saveError: undefined });
    },

    commit(next, key) {
      const s = get();
      if (s.viewing || s.broken || next === s.doc) return;
      const history = hist.record(s.history, next, key);
      redraw({ history, doc: history.present });
      schedule();
    },

    adopt(record) {
      const s = get();
      if (s.viewing) return;
      clearTimeout(timer);
      const history = hist.record(s.history, record.definition);
      redraw({ history, doc: history.present, problems: record.problems, save: 'saved', saveError: undefined, broken: shapeProblem(record.definition) ?? undefined, etag: record.etag });
    },

    undo() {
      const s = get();
      if (s.viewing || s.broken || !s.history.past.length) return;
      travel(hist.undo(s.history));
    },

    redo() {
      const s = get();
      if (s.viewing || s.broken || !s.history.future.length) return;
      travel(hist.redo(s.history));
    },

    onNodesChange(changes) {
      const s = get();
      // Dragging moves the boxes frame by frame; the flow's layout (and history) changes once, on drop.
      const nodes = applyNodeChanges(changes.filter((c) => c.type !== 'remove'), s.nodes);
      const dropped: Record<string, [number, number]> = {};
      for (const c of changes) {
        if (c.type === 'position' && c.dragging === false) {
          const n = nodes.find((x) => x.id === c.id);
          if (n) dropped[c.id] = [Math.round(n.position.x), Math.round(n.position.y)];
        }
      }
      set({ nodes });
      if (Object.keys(dropped).length && !s.viewing) get().commit(moveNodes(s.doc, dropped), undefined);
    },

    onEdgesChange(changes) {
      set({ edges: applyEdgeChanges(changes.filter((c) => c.type === 'select'), get().edges) });
    },

    select(names) {
      const want = new Set(names);
      set({ nodes: get().nodes.map((n) => (n.selected === want.has(n.id) ? n : { ...n, selected: want.has(n.id) })) });
    },

    setRun(run) {
      redraw({ run });
    },

    setMarks(marks, viewing) {
      redraw({ marks, viewing });
    },

    async overwrite() {
      set({ etag: undefined, conflict: false, save: 'pending' });
      await get().flush();
    },

    async reload() {
      const s = get();
      const record = await api<FlowRecord>(flowUrl(s.name));
      get().load(record, Object.values(s.types));
    },

    requestFit() {
      set({ fitRequest: get().fitRequest + 1 });
    },

    async flush() {
      clearTimeout(timer);
      while (saving) await saving;
      if (get().save === 'saved' || get().conflict) return;
      saving = save().finally(() => (saving = undefined));
      await saving;
      if (get().save === 'pending') await get().flush();
    },
  };
});
