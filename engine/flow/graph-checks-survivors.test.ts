import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { registry, run } from '../../test/helpers/flows.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { defineNode } from '../node-definition.ts';
import { analyzeFlow } from './analyze.ts';
import { compileFlow } from './compile.ts';
import { outputSchemaOf } from './graph-checks.ts';
import { validateFlow } from './validate.ts';

/** Cases around the mutants Stryker left alive in graph-checks.ts (see test/mutation/flow.md). */

type Spec = Record<string, unknown>;
const doc = (nodes: Spec[], outputs: Record<string, string> = {}, inputs: Record<string, unknown> = { q: { type: 'string' } }) => ({ weir: 1, name: 'f', inputs, outputs, nodes });

/** The errors of a flow as `code@node path: message` (warnings such as unused nodes left out). */
function errors(raw: unknown): string[] {
  return validateFlow(raw, { registry })
    .problems.filter((p) => p.severity !== 'warning')
    .map((p) => `${p.code}@${p.node ?? '-'} ${p.path.join('.')}: ${p.message}`);
}

describe('references to flow inputs', () => {
  it('names the missing input and lists the declared ones, or says there are none', () => {
    expect(errors(doc([{ name: 'a', type: 'pass', inputs: { value: '${inputs.nope}' } }], { o: '${a.output}' }, { q: {}, r: {} }))).toEqual([
      'unknown_flow_input@a nodes.0.inputs.value: ${inputs.nope} names flow input "nope", which is not declared (inputs: q, r)',
    ]);
    expect(errors(doc([], { o: '${inputs.nope}' }, {}))).toEqual([
      'unknown_flow_input@- outputs.o: ${inputs.nope} names flow input "nope", which is not declared (inputs: none)',
    ]);
  });

  it('a field of an input has no known type, so it fits any port; the input itself has its declared type', () => {
    const nodes = [{ name: 't', type: 'typed', inputs: { text: 'x', count: '${inputs.q.size}' } }];
    expect(errors(doc(nodes, { o: '${t.output}' }))).toEqual([]);
    const whole = [{ name: 't', type: 'typed', inputs: { text: 'x', count: '${inputs.q}' } }];
    expect(errors(doc(whole, { o: '${t.output}' }))).toEqual([
      'type_mismatch@t nodes.0.inputs.count: node "t" input "count" expects number but ${inputs.q} is string',
    ]);
  });
});

describe('map references', () => {
  const list = { list: { type: 'array' } };

  it('are refused outside a node with map, in a flow output and in map.over itself, with where', () => {
    expect(errors(doc([{ name: 'a', type: 'pass', inputs: { value: '${map.item}' } }], { o: '${a.output}' }))).toEqual([
      'map_reference_outside_map@a nodes.0.inputs.value: ${map.item} can only be used in the inputs of a node with map',
    ]);
    // A flow output has no reading node at all.
    expect(errors(doc([], { o: '${map.index}' }))).toEqual([
      'map_reference_outside_map@- outputs.o: ${map.index} can only be used in the inputs of a node with map',
    ]);
    expect(errors(doc([{ name: 'm', type: 'pass', map: { over: '${map.item}' } }], { o: '${m.output}' }))).toEqual([
      'map_reference_outside_map@m nodes.0.map.over: ${map.item} can only be used in the inputs of a node with map',
    ]);
  });

  it('are refused on a node whose map is null (no map declared)', () => {
    const v = validateFlow(doc([{ name: 'a', type: 'pass', inputs: { value: '${map.item}' }, map: null }], { o: '${a.output}' }), { registry });
    expect(v.problems).toContainEqual(expect.objectContaining({ code: 'map_reference_outside_map', node: 'a', path: ['nodes', 0, 'inputs', 'value'] }));
  });

  it('map.index is an integer and map.item has no known type', () => {
    const mapped = (inputs: Spec) => doc([{ name: 't', type: 'typed', inputs, map: { over: '${inputs.list}' } }], { o: '${t.output}' }, list);
    expect(errors(mapped({ text: '${map.item}', count: '${map.index}' }))).toEqual([]);
    expect(errors(mapped({ text: '${map.index}' }))).toEqual([
      'type_mismatch@t nodes.0.inputs.text: node "t" input "text" expects string but ${map.index} is integer',
    ]);
  });

  it('map.over must be an array: checked once it resolves, with the node, path and type in the message', () => {
    const over = (ref: string, inputs: Record<string, unknown> = list) => doc([{ name: 'm', type: 'pass', inputs: { value: '${map.item}' }, map: { over: ref } }], { o: '${m.output}' }, inputs);
    expect(errors(over('${inputs.list}'))).toEqual([]);
    expect(errors(over('${inputs.q}', { q: { type: 'string' } }))).toEqual([
      'type_mismatch@m nodes.0.map.over: node "m": map.over must be an array but ${inputs.q} is string',
    ]);
    // One that does not resolve is reported once, as what it is, not also as a type mismatch.
    expect(errors(over('${nope.output}'))).toEqual([
      'unknown_node_reference@m nodes.0.map.over: ${nope.output} refers to node "nope", which does not exist',
    ]);
  });
});

describe('references to nodes', () => {
  it('an unknown node is reported with the reference, the node it names and where it was read', () => {
    expect(errors(doc([], { o: '${nope.output.x}' }))).toEqual([
      'unknown_node_reference@- outputs.o: ${nope.output.x} refers to node "nope", which does not exist',
    ]);
  });

  it('activate.when references are checked, on the node and its activate.when path', () => {
    const nodes = [{ name: 'a', type: 'pass', inputs: { value: '${inputs.q}' }, activate: { when: '${nope.output}', is: 'x' } }];
    expect(errors(doc(nodes, { o: '${a.output}' }))).toEqual([
      'unknown_node_reference@a nodes.0.activate.when: ${nope.output} refers to node "nope", which does not exist',
    ]);
  });

  it('a field missing from the output shape is unknown_output_field', () => {
    expect(errors(doc([{ name: 't', type: 'typed', inputs: { text: 'x' } }], { o: '${t.output.nope}' }))).toEqual([
      'unknown_output_field@- outputs.o: ${t.output.nope}: no field "nope" (known fields: text, items, meta)',
    ]);
  });

  it('a node of an unknown type is reported once; references into it are not checked and fit any port', () => {
    const nodes = [
      { name: 'u', type: 'nope', inputs: { x: '${inputs.q}', y: 'n: ${inputs.missing}' } },
      { name: 't', type: 'typed', inputs: { text: '${u.output}', count: '${u.output.deep[0].x}' } },
    ];
    expect(errors(doc(nodes, { o: '${t.output}', p: '${u.output.any.path}' })).map((e) => e.split(':')[0])).toEqual([
      'unknown_node_type@u nodes.0.type',
      'unknown_flow_input@u nodes.0.inputs.y',
    ]);
  });

  it('a mapped node outputs an array of its type output', () => {
    const nodes = [
      { name: 'm', type: 'typed', inputs: { text: '${map.item}' }, map: { over: '${inputs.list}' } },
      { name: 't', type: 'typed', inputs: { text: '${m.output}' } },
      { name: 'u', type: 'typed', inputs: { text: '${m.output[0].text}' } },
    ];
    expect(errors(doc(nodes, { o: '${t.output}', p: '${u.output}' }, { list: { type: 'array' } }))).toEqual([
      'type_mismatch@t nodes.1.inputs.text: node "t" input "text" expects string but ${m.output} is array',
    ]);
  });
});

describe('on_error: continue', () => {
  const nodes = (onError: Spec) => [
    { name: 't', type: 'typed', inputs: { text: 'x' }, ...onError },
    { name: 'r', type: 'pass', inputs: { value: '${t.output.error.message}' } },
  ];

  it('lets readers reach the error value, and only with continue', () => {
    expect(errors(doc(nodes({ on_error: 'continue' }), { o: '${r.output}' }))).toEqual([]);
    expect(errors(doc(nodes({}), { o: '${r.output}' }))).toEqual([
      'unknown_output_field@r nodes.1.inputs.value: ${t.output.error.message}: no field "error" (known fields: text, items, meta)',
    ]);
  });

  it('still types the output as an object (the type output or the error value)', () => {
    const raw = doc([{ name: 't', type: 'typed', inputs: { text: 'x' }, on_error: 'continue' }, { name: 'u', type: 'typed', inputs: { text: '${t.output}' } }], { o: '${u.output}' });
    expect(errors(raw)).toEqual(['type_mismatch@u nodes.1.inputs.text: node "u" input "text" expects string but ${t.output} is object']);
  });

  it('its output schema names the fields of the error value a run really gives', async () => {
    const raw = doc([{ name: 'b', type: 'boom', on_error: 'continue' }], { o: '${b.output}' }, {});
    const [node] = analyzeFlow(raw, { registry }).nodes;
    const schema = outputSchemaOf(node) as { anyOf: unknown[] };
    const errorValue = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, node: { type: 'string' } } } } };
    expect(schema).toEqual({ anyOf: [node.reg!.output, errorValue] });
    const { result } = await run(compileFlow(raw, { registry }));
    const error = (result.outputs.o as { error: Record<string, unknown> }).error;
    for (const [field, s] of Object.entries(errorValue.properties.error.properties)) expect(typeof error[field], field).toBe(s.type);
    expect(error).toMatchObject({ code: 'boom', node: 'b' });
  });
});

describe('values given to a port', () => {
  it('a template is a string, an object with references an object, an array with references an array', () => {
    const nodes = [
      { name: 'a', type: 'typed', inputs: { text: 'n: ${inputs.n}', count: 'n: ${inputs.n}' } },
      { name: 'b', type: 'typed', inputs: { text: { n: '${inputs.n}' } } },
      { name: 'c', type: 'typed', inputs: { text: ['${inputs.n}'] } },
    ];
    expect(errors(doc(nodes, { a: '${a.output}', b: '${b.output}', c: '${c.output}' }, { n: { type: 'number' } }))).toEqual([
      'type_mismatch@a nodes.0.inputs.count: node "a" input "count" expects number but this value is string',
      'type_mismatch@b nodes.1.inputs.text: node "b" input "text" expects string but this value is object',
      'type_mismatch@c nodes.2.inputs.text: node "c" input "text" expects string but this value is array',
    ]);
  });

  it('a template whose reference does not resolve is reported once, not also as a type mismatch', () => {
    expect(errors(doc([{ name: 'a', type: 'typed', inputs: { text: 'x', count: 'n: ${nope.output}' } }], { o: '${a.output}' }))).toEqual([
      'unknown_node_reference@a nodes.0.inputs.count: ${nope.output} refers to node "nope", which does not exist',
    ]);
  });

  it('a literal given to an extra input is checked against the type of the extra inputs', () => {
    const labels = defineNode({
      type: 'labels', title: 'Labels', category: 'test', description: 'string extra inputs', inputs: {}, extraInputs: z.string(),
      output: z.any(), config: z.object({}).strict(), run: () => null,
    });
    const v = validateFlow(doc([{ name: 'l', type: 'labels', inputs: { a: 'x', b: 5 } }], { o: '${l.output}' }), { registry: testRegistry([labels]) });
    expect(v.problems.map((p) => [p.code, p.node, p.path.join('.'), p.message])).toEqual([
      ['type_mismatch', 'l', 'nodes.0.inputs.b', 'node "l" input "b" expects string but this value is integer'],
    ]);
  });

  it('a literal that the port refuses names the node, the input and the reason', () => {
    const [e] = errors(doc([{ name: 't', type: 'typed', inputs: { text: 5 } }], { o: '${t.output}' }));
    expect(e).toMatch(/^invalid_input_value@t nodes\.0\.inputs\.text: node "t" input "text": .*expected string, received number/);
  });
});

describe('defaults of flow inputs', () => {
  const withInput = (spec: Record<string, unknown>) => errors(doc([], { o: '${inputs.i}' }, { i: spec }));

  it('a default of another type is invalid_default, naming the input and both types, on its default', () => {
    expect(withInput({ type: 'string', default: 3 })).toEqual(['invalid_default@- inputs.i.default: flow input "i" is string but its default is integer']);
    expect(withInput({ type: 'number', default: 'x' })).toEqual(['invalid_default@- inputs.i.default: flow input "i" is number but its default is string']);
    expect(withInput({ type: 'integer', default: 1.5 })).toEqual(['invalid_default@- inputs.i.default: flow input "i" is integer but its default is number']);
  });

  it('a default of the declared type, an integer for a number, or no default at all, is fine', () => {
    expect(withInput({ type: 'string', default: 'x' })).toEqual([]);
    expect(withInput({ type: 'number', default: 3 })).toEqual([]);
    expect(withInput({ type: 'array', default: [] })).toEqual([]);
    expect(withInput({ type: 'string' })).toEqual([]);
  });
});
