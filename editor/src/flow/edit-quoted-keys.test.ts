/**
 * Rename, paste, delete and disconnect rewrite `${…}` references through formatRef. A key that is not
 * a plain name (spaces, dots, brackets, quotes) must come out quoted, or the studio would turn a
 * valid flow into one that no longer loads, or drop the wrong edge.
 */
import { describe, expect, it } from 'vitest';
import type { FlowDoc } from '../api/types.ts';
import { connect, disconnect, insertCopies, removeNodes, renameNode } from './edit.ts';
import { NEW_PORT } from './ports.ts';
import { parseRef, refsIn } from './refs.ts';

const SPACE = '${src.output["a key"]}';
const DOT = '${src.output["a.b"].c}';
const BRACKET = '${src.output["x[0]"][1]}';
const DQUOTE = `\${src.output['say "hi"']}`;
const SQUOTE = `\${src.output["it's"]}`;
const ALL = [SPACE, DOT, BRACKET, DQUOTE, SQUOTE];

function quotedFlow(): FlowDoc {
  return {
    weir: 1,
    name: 'quoted',
    inputs: { 'odd name': { type: 'string' } },
    outputs: { whole: SPACE, obj: { reference: DOT } as never, plain: '${src.output.a.b}' },
    nodes: [
      { name: 'src', type: 'prompt', inputs: { q: '${inputs["odd name"]}' } },
      {
        name: 'use', type: 'prompt',
        inputs: { space: SPACE, dot: DOT, bracket: BRACKET, dquote: DQUOTE, squote: SQUOTE, tpl: `${SPACE} and ${DQUOTE} and \${src.output.a.b}`, nested: { list: [BRACKET, SQUOTE] } },
        activate: { when: SPACE, is: true },
        map: { over: BRACKET },
      } as never,
    ],
    layout: { src: [0, 0], use: [0, 200] },
  };
}

/** Every string in a value, each of whose `${…}` must parse. */
function strings(v: unknown, out: string[] = []): string[] {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => strings(x, out));
  else if (v && typeof v === 'object') Object.values(v).forEach((x) => strings(x, out));
  return out;
}
const insides = (doc: FlowDoc) => strings([doc.nodes, doc.outputs]).flatMap((s) => [...s.matchAll(/\$\{([^}]*)\}/g)].map((m) => m[1]));

describe('quoted keys through the studio rewrites', () => {
  it('rename keeps every quoted key quoted, in whole references, templates, structures, conditions, map and outputs', () => {
    const next = renameNode(quotedFlow(), 'src', 'origin');
    const use = next.nodes.find((n) => n.name === 'use')! as any;
    const to = (s: string) => s.replaceAll('${src.', '${origin.');
    expect(use.inputs).toEqual({
      space: to(SPACE), dot: to(DOT), bracket: to(BRACKET), dquote: to(DQUOTE), squote: to(SQUOTE),
      tpl: to(`${SPACE} and ${DQUOTE} and \${src.output.a.b}`), nested: { list: [to(BRACKET), to(SQUOTE)] },
    });
    expect(use.activate.when).toBe(to(SPACE));
    expect(use.map.over).toBe(to(BRACKET));
    expect(next.outputs).toEqual({ whole: to(SPACE), obj: { reference: to(DOT) }, plain: '${origin.output.a.b}' });
    // A flow input with an odd name is untouched, and every reference still reads as it did, renamed.
    expect(next.nodes[0].inputs).toEqual({ q: '${inputs["odd name"]}' });
    for (const inner of insides(next)) expect(() => parseRef(inner), inner).not.toThrow();
    expect(refsIn(use.inputs.dot)).toEqual([{ kind: 'node', node: 'origin', path: ['a.b', 'c'] }]);
    expect(refsIn(use.inputs.dquote)).toEqual([{ kind: 'node', node: 'origin', path: ['say "hi"'] }]);
  });

  it('paste points copies at each other with their quoted keys intact', () => {
    const doc = quotedFlow();
    const { doc: next, names } = insertCopies(doc, doc.nodes, { src: [0, 0], use: [0, 200] }, [10, 10]);
    expect(names).toEqual(['src_2', 'use_2']);
    const copy = next.nodes.find((n) => n.name === 'use_2')! as any;
    const to = (s: string) => s.replaceAll('${src.', '${src_2.');
    expect(copy.inputs.space).toBe(to(SPACE));
    expect(copy.inputs.squote).toBe(to(SQUOTE));
    expect(copy.inputs.tpl).toBe(to(`${SPACE} and ${DQUOTE} and \${src.output.a.b}`));
    expect(copy.inputs.nested).toEqual({ list: [to(BRACKET), to(SQUOTE)] });
    expect(copy.activate.when).toBe(to(SPACE));
    // The originals are left as they were.
    expect(next.nodes.find((n) => n.name === 'use')).toBe(doc.nodes[1]);
    for (const inner of insides(next)) expect(() => parseRef(inner), inner).not.toThrow();
  });

  it('delete takes out only the deleted node\'s references and leaves others\' quoted keys as written', () => {
    const doc = quotedFlow();
    doc.nodes.push({ name: 'keep', type: 'prompt', inputs: { t: `x ${SPACE} y ${SPACE.replace('src', 'use')} z` } });
    const next = removeNodes(doc, new Set(['src']));
    const use = next.nodes.find((n) => n.name === 'use')! as any;
    expect(use.inputs).toEqual({ tpl: ' and  and ', nested: { list: ['', ''] } });
    expect(use.activate).toBeUndefined();
    expect(use.map).toBeUndefined();
    expect(next.nodes.find((n) => n.name === 'keep')!.inputs!.t).toBe('x  y ${use.output["a key"]} z');
  });

  it('disconnect tells a key with a dot from a path of two keys', () => {
    const doc = quotedFlow();
    doc.nodes[1].inputs = { t: '${src.output["a.b"]} | ${src.output.a.b}' };
    const one = disconnect(doc, 'use', 'in:t', parseRef('src.output["a.b"]'));
    expect(one.nodes[1].inputs!.t).toBe(' | ${src.output.a.b}');
    const other = disconnect(doc, 'use', 'in:t', parseRef('src.output.a.b'));
    expect(other.nodes[1].inputs!.t).toBe('${src.output["a.b"]} | ');
  });

  it('connect from an output field that is not a plain name writes a quoted reference', () => {
    const r = connect(quotedFlow(), { source: 'src', sourceHandle: 'out:a key', target: 'use', targetHandle: NEW_PORT });
    expect(r.doc.nodes[1].inputs![r.port]).toBe('${src.output["a key"]}');
    expect(refsIn(r.doc.nodes[1].inputs![r.port])).toEqual([{ kind: 'node', node: 'src', path: ['a key'] }]);
  });

  it('every reference in the fixture is valid to begin with', () => {
    for (const s of ALL) expect(refsIn(s), s).toHaveLength(1);
  });
});
