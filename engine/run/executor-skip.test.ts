/**
 * The skip rule at its boundary: a node that accepts skipped inputs (a coalesce) runs while any input
 * can still have a value, and is skipped itself once every input comes from a skipped node — else it
 * would run on nothing and hide from the nodes after it that the whole branch was off.
 */
import { describe, expect, it } from 'vitest';
import { coalesceNode } from '../../nodes/coalesce.ts';
import { compileFlow } from '../flow/compile.ts';
import { flow, nodeOf, plan, run } from '../../test/helpers/flows.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';

const off = (name: string, value: unknown = name) => ({ name, type: 'pass', inputs: { value }, activate: { when: '${inputs.on}', is: true } });
const flowInputs = { on: { type: 'boolean', default: false } };

describe('a node that accepts skipped inputs', () => {
  it('is skipped when every input comes from a skipped node, with the reason, and the skip spreads past it', async () => {
    const p = plan(
      [off('a'), off('b'), { name: 'pick', type: 'coalesce_t', inputs: { x: '${a.output}', y: '${b.output}' } }, { name: 'after', type: 'pass', inputs: { value: '${pick.output}' } }],
      { picked: '${pick.output}', after: '${after.output}' },
      flowInputs,
    );
    const { result, events } = await run(p);
    expect(result.status).toBe('succeeded');
    expect(nodeOf(result, 'pick').status).toBe('skipped');
    expect(nodeOf(result, 'pick').skipReason).toBe('every input comes from a skipped node (a, b)');
    expect(nodeOf(result, 'after').status).toBe('skipped');
    expect(result.outputs).toEqual({ picked: null, after: null });
    expect(result.nullOutputs.picked).toContain('node "pick" was skipped');
    expect(events.filter((e) => e.type === 'node.started').map((e) => (e as { node: string }).node)).toEqual([]);
  });

  it('is skipped with a single input from a skipped node', async () => {
    const p = plan([off('a'), { name: 'pick', type: 'coalesce_t', inputs: { x: '${a.output}' } }], { picked: '${pick.output}' }, flowInputs);
    const { result } = await run(p);
    expect(nodeOf(result, 'pick').status).toBe('skipped');
  });

  it('is skipped when a chain of them all lost their inputs', async () => {
    const p = plan(
      [off('a'), { name: 'p1', type: 'coalesce_t', inputs: { x: '${a.output}' } }, { name: 'p2', type: 'coalesce_t', inputs: { x: '${p1.output}' } }],
      { out: '${p2.output}' },
      flowInputs,
    );
    const { result } = await run(p);
    expect(nodeOf(result, 'p1').status).toBe('skipped');
    expect(nodeOf(result, 'p2').status).toBe('skipped');
    expect(nodeOf(result, 'p2').skipReason).toBe('every input comes from a skipped node (p1)');
  });

  it('runs when one input of many still comes from a node that ran, even if that one is last', async () => {
    const p = plan(
      [off('a'), off('b'), { name: 'c', type: 'pass', inputs: { value: 'from c' } }, { name: 'pick', type: 'coalesce_t', inputs: { x: '${a.output}', y: '${b.output}', z: '${c.output}' } }],
      { picked: '${pick.output}' },
      flowInputs,
    );
    const { result } = await run(p);
    expect(nodeOf(result, 'pick').status).toBe('succeeded');
    expect(result.outputs.picked).toBe('from c');
  });

  it('runs when the other input is a literal or a flow input, not a node', async () => {
    for (const other of ['fallback', '${inputs.fallback}']) {
      const p = plan(
        [off('a'), { name: 'pick', type: 'coalesce_t', inputs: { x: '${a.output}', y: other } }],
        { picked: '${pick.output}' },
        { ...flowInputs, fallback: { type: 'string', default: 'fallback' } },
      );
      const { result } = await run(p);
      expect(nodeOf(result, 'pick').status, other).toBe('succeeded');
      expect(result.outputs.picked, other).toBe('fallback');
    }
  });

  it('runs when the node it reads ran and gave null: null is a value that ran, not a skip', async () => {
    const p = plan([{ name: 'a', type: 'pass', inputs: { value: null } }, { name: 'pick', type: 'coalesce_t', inputs: { x: '${a.output}' } }], { picked: '${pick.output}' });
    const { result } = await run(p);
    expect(nodeOf(result, 'pick').status).toBe('succeeded');
  });

  it('runs with every branch on, and picks the first input that has a value', async () => {
    const p = plan([off('a'), off('b'), { name: 'pick', type: 'coalesce_t', inputs: { x: '${a.output}', y: '${b.output}' } }], { picked: '${pick.output}' }, flowInputs);
    const { result } = await run(p, { on: true });
    expect(nodeOf(result, 'pick').status).toBe('succeeded');
    expect(result.outputs.picked).toBe('a');
  });

  it('the built-in coalesce node follows the same rule in a compiled flow', async () => {
    const p = compileFlow(
      flow([off('a'), off('b'), { name: 'pick', type: 'coalesce', inputs: { x: '${a.output}', y: '${b.output}' } }], { picked: '${pick.output}' }, flowInputs),
      { registry: testRegistry([coalesceNode]) },
    );
    expect(nodeOf((await run(p)).result, 'pick').status).toBe('skipped');
    const on = (await run(p, { on: true })).result;
    expect(nodeOf(on, 'pick').status).toBe('succeeded');
    expect(on.outputs.picked).toBe('a');
  });
});
