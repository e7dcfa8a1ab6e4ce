import { describe, expect, it } from 'vitest';
import { registry } from '../../test/helpers/flows.ts';
import { compileFlow } from './compile.ts';
import { validateFlow } from './validate.ts';

const base = { weir: 1, name: 'f', inputs: { q: { type: 'string' } } };
const codes = (raw: unknown) => validateFlow(raw, { registry }).problems.map((p) => `${p.code}@${p.node ?? '-'}`);

describe('validation as a whole', () => {
  it('reports every problem at once, each with its code, node and path', () => {
    const raw = {
      ...base,
      outputs: { a: '${nope.output}', b: '${t.output.items[0].id}' },
      nodes: [
        { name: 't', type: 'typed', inputs: { text: '${inputs.q}' }, config: { mode: 'c' } },
        { name: 'u', type: 'unknown-type' },
        { name: 'w', type: 'typed', inputs: { text: '${t.output.items}' } },
        { name: 'x', type: 'pass', inputs: { value: '${inputs.missing}' } },
        { name: 'x', type: 'pass' },
        { name: 'y', type: 'pass', inputs: { value: '${z.output}' } },
        { name: 'z', type: 'pass', inputs: { value: '${y.output}' } },
      ],
    };
    const result = validateFlow(raw, { registry });
    expect(result.ok).toBe(false);
    expect(codes(raw)).toEqual(expect.arrayContaining([
      'invalid_config@t', 'unknown_node_type@u', 'type_mismatch@w', 'unknown_flow_input@x', 'duplicate_node_name@x',
      'cycle@y', 'unknown_node_reference@-',
    ]));
    expect(result.problems.find((p) => p.code === 'invalid_config')?.path).toEqual(['nodes', 0, 'config', 'mode']);
    expect(result.problems.find((p) => p.code === 'type_mismatch')?.message).toBe('node "w" input "text" expects string but ${t.output.items} is array');
  });

  it('checks reference paths against the output shape of the node type', () => {
    const raw = { ...base, outputs: { a: '${t.output.meta.anything}', b: '${t.output.text.length}', c: '${t.output.items.x}' }, nodes: [{ name: 't', type: 'typed', inputs: { text: 'x' } }] };
    expect(validateFlow(raw, { registry }).problems.map((p) => p.message)).toEqual([
      '${t.output.text.length}: a string has no field "length"',
      '${t.output.items.x}: a array has no field "x"',
    ]);
  });

  it('checks literal values against the port, required ports and unknown fields', () => {
    const raw = { ...base, outputs: { a: '${t.output}' }, nodes: [{ name: 't', type: 'typed', inputs: { text: 5 }, activte: {} }, { name: 'm', type: 'typed' }] };
    expect(codes(raw)).toEqual(expect.arrayContaining(['invalid_input_value@t', 'unknown_field@t', 'missing_required_input@m']));
  });

  it('refuses map references outside a mapped node and non-array map sources', () => {
    const raw = { ...base, outputs: { a: '${a.output}', b: '${b.output}' }, nodes: [{ name: 'a', type: 'pass', inputs: { value: '${map.item}' } }, { name: 'b', type: 'pass', inputs: { value: '${map.item}' }, map: { over: '${inputs.q}' } }] };
    expect(codes(raw)).toEqual(['map_reference_outside_map@a', 'type_mismatch@b']);
  });

  it('finds outputs that can never have a value, and warns about unused nodes without failing', () => {
    const never = { ...base, outputs: { a: '${b.output}' }, nodes: [{ name: 'a', type: 'pass', activate: { when: 'x', is: 'y' } }, { name: 'b', type: 'pass', inputs: { value: '${a.output}' } }] };
    expect(codes(never)).toContain('unreachable_output@b');
    const unused = { ...base, outputs: { a: '${a.output}' }, nodes: [{ name: 'a', type: 'pass' }, { name: 'b', type: 'pass' }] };
    const v = validateFlow(unused, { registry });
    expect(v.ok).toBe(true);
    expect(v.problems).toEqual([expect.objectContaining({ code: 'unused_node', node: 'b', severity: 'warning' })]);
  });

  it('compiles a valid flow into an integer-indexed plan with dependency counts', () => {
    const plan = compileFlow({ ...base, outputs: { o: '${c.output}' }, nodes: [{ name: 'a', type: 'pass' }, { name: 'b', type: 'pass', inputs: { value: '${a.output}' } }, { name: 'c', type: 'pass', inputs: { x: '${a.output}', y: '${b.output}' } }] }, { registry });
    expect([...plan.depCounts]).toEqual([0, 1, 2]);
    expect(plan.nodes.map((n) => n.dependents)).toEqual([[1, 2], [2], []]);
    expect(plan.nodes[2].inputs[1]).toEqual(['y', { t: 'ref', ref: { kind: 'node', idx: 1, node: 'b', path: [] } }]);
    expect(() => compileFlow({ ...base, nodes: [{ name: 'a', type: 'nope' }] }, { registry })).toThrow('flow "f" is invalid: node "a" has unknown type "nope"');
  });
});
