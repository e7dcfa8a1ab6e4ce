/**
 * `skip_when: all_inputs_skipped`, prompt flow's bypass rule, written from its documented behaviour
 * (docs "Add conditional control to a flow" and the executor's DAG manager): a node with `activate`
 * is decided by its condition alone (and is bypassed when the condition reads a bypassed node); a node
 * without is bypassed only when every node it reads was bypassed; a bypassed input arrives as None,
 * or is left out for a node type that fills its own defaults (a Python tool's parameter default).
 */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { compileFlow } from '../flow/compile.ts';
import { validateFlow } from '../flow/validate.ts';
import { defineNode } from '../node-definition.ts';
import { nodeOf, run } from '../../test/helpers/flows.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';

/** Returns what it was given, so a test sees exactly which inputs arrived and how. */
const seen = defineNode({
  type: 'seen', title: 'Seen', category: 'test', description: 'returns its inputs',
  inputs: {}, extraInputs: z.any(), output: z.any(), config: z.object({}).strict(),
  run: (_ctx, inputs) => ({ ...inputs, keys: Object.keys(inputs), undefinedKeys: Object.keys(inputs).filter((k) => inputs[k] === undefined) }),
});
/** Like a Python tool: accepts skipped inputs and fills a default for a missing one. */
const withDefaults = defineNode({
  type: 'with_defaults', title: 'Defaults', category: 'test', description: 'fills defaults', acceptsSkippedInputs: true,
  inputs: {}, extraInputs: z.any(), output: z.any(), config: z.object({}).strict(),
  run: (_ctx, inputs) => ({ a: inputs.a === undefined ? 'default-a' : inputs.a, b: inputs.b === undefined ? null : inputs.b }),
});
const registry = testRegistry([seen, withDefaults]);

const branch = (name: string, is: string) => ({ name, type: 'pass', inputs: { value: `${name} ran` }, activate: { when: '${inputs.intent}', is } });

function plan(nodes: object[], outputs: Record<string, string>, skipWhen?: string) {
  return compileFlow({ weir: 1, name: 'switch', ...(skipWhen ? { skip_when: skipWhen } : {}), inputs: { intent: { type: 'string' } }, outputs, nodes }, { registry });
}

// prompt flow's conditional-flow-for-switch: three branches joined by one node.
const switchNodes = [
  branch('order', 'order'),
  branch('info', 'info'),
  branch('recommend', 'recommend'),
  { name: 'join', type: 'seen', inputs: { order: '${order.output}', info: '${info.output}', recommend: '${recommend.output}' } },
];

describe('skip_when: all_inputs_skipped (prompt flow bypass)', () => {
  it('runs a node when only some of the nodes it reads were bypassed, giving it None for those', async () => {
    const { result } = await run(plan(switchNodes, { out: '${join.output}' }, 'all_inputs_skipped'), { intent: 'info' });
    expect(result.status).toBe('succeeded');
    expect(nodeOf(result, 'order').status).toBe('skipped');
    expect(nodeOf(result, 'join').status).toBe('succeeded');
    expect(result.outputs.out).toMatchObject({ order: null, info: 'info ran', recommend: null, undefinedKeys: [] });
  });

  it('under Weir’s own rule the same flow skips the join (it reads a skipped node)', async () => {
    const { result } = await run(plan(switchNodes, { out: '${join.output}' }), { intent: 'info' });
    expect(nodeOf(result, 'join').status).toBe('skipped');
    expect(nodeOf(result, 'join').skipReason).toBe('it reads node "order", which was skipped');
    expect(result.outputs.out).toBeNull();
  });

  it('bypasses a node when every node it reads was bypassed, and the bypass spreads', async () => {
    const { result } = await run(plan([...switchNodes, { name: 'after', type: 'seen', inputs: { j: '${join.output}', lit: 'x' } }], { out: '${after.output}' }, 'all_inputs_skipped'), { intent: 'none' });
    expect(nodeOf(result, 'join').status).toBe('skipped');
    expect(nodeOf(result, 'join').skipReason).toBe('every node it reads was skipped (order, info, recommend)');
    // A literal input is not a node reference: it does not keep the node alive.
    expect(nodeOf(result, 'after').status).toBe('skipped');
    expect(result.outputs.out).toBeNull();
  });

  it('lets a met activate condition decide, even when every input was bypassed', async () => {
    const nodes = [branch('order', 'order'), { name: 'final', type: 'seen', inputs: { o: '${order.output}' }, activate: { when: '${inputs.intent}', is: 'other' } }];
    const { result } = await run(plan(nodes, { out: '${final.output}' }, 'all_inputs_skipped'), { intent: 'other' });
    expect(nodeOf(result, 'final').status).toBe('succeeded');
    expect(result.outputs.out).toMatchObject({ o: null });
  });

  it('bypasses a node whose activate condition reads a bypassed node', async () => {
    const nodes = [branch('order', 'order'), { name: 'final', type: 'seen', inputs: { q: '${inputs.intent}' }, activate: { when: '${order.output}', is: 'order ran' } }];
    const { result } = await run(plan(nodes, { out: '${final.output}' }, 'all_inputs_skipped'), { intent: 'info' });
    expect(nodeOf(result, 'final').status).toBe('skipped');
    expect(nodeOf(result, 'final').skipReason).toBe('activate reads node "order", which was skipped');
  });

  it('runs a node whose activate reads a node that ran, when the value matches (prompt flow’s switch)', async () => {
    const nodes = [
      { name: 'classify', type: 'pass', inputs: { value: '${inputs.intent}' } },
      { name: 'order', type: 'seen', inputs: { q: 'order' }, activate: { when: '${classify.output}', is: 'order' } },
      { name: 'info', type: 'seen', inputs: { q: 'info' }, activate: { when: '${classify.output}', is: 'info' } },
      { name: 'fixed', type: 'seen', inputs: { q: 'fixed' }, activate: { when: 'order', is: 'order' } },
    ];
    const { result } = await run(plan(nodes, { order: '${order.output}', info: '${info.output}', fixed: '${fixed.output}' }, 'all_inputs_skipped'), { intent: 'order' });
    expect(nodeOf(result, 'order').status).toBe('succeeded');
    expect(nodeOf(result, 'info').skipReason).toBe('activate: ${classify.output} is "order", not "info"');
    // A literal condition is not a reference to a skipped node: it is compared as it is.
    expect(nodeOf(result, 'fixed').status).toBe('succeeded');
  });

  it('leaves a bypassed input out for a type that fills its own default (a Python parameter default)', async () => {
    const nodes = [branch('order', 'order'), branch('info', 'info'), { name: 'tool', type: 'with_defaults', inputs: { a: '${order.output}', b: '${info.output}' } }];
    const { result } = await run(plan(nodes, { out: '${tool.output}' }, 'all_inputs_skipped'), { intent: 'info' });
    expect(result.outputs.out).toEqual({ a: 'default-a', b: 'info ran' });
  });

  it('a node can carry its own rule, over the flow’s', async () => {
    const nodes = [...switchNodes.slice(0, 3), { ...switchNodes[3], skip_when: 'all_inputs_skipped' }];
    const { result } = await run(plan(nodes, { out: '${join.output}' }), { intent: 'order' });
    expect(nodeOf(result, 'join').status).toBe('succeeded');
    expect(result.outputs.out).toMatchObject({ order: 'order ran', info: null });
  });

  it('refuses an unknown rule by name and path', () => {
    const r = validateFlow({ weir: 1, name: 'f', skip_when: 'sometimes', nodes: [] }, { registry });
    expect(r.ok).toBe(false);
    expect(r.problems[0].path).toEqual(['skip_when']);
  });
});
