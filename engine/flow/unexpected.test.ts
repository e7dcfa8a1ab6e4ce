/**
 * A node type's own code can throw while a flow is checked (its `check`, a zod refinement in its
 * config or port schema, its `prepare`): that is reported as a `validation_failed` problem on the
 * node, with a path, and the rest of the flow is still checked. Never an exception out of validation.
 */
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { FlowValidationError } from '../errors.ts';
import { defineNode } from '../node-definition.ts';
import { compileFlow } from './compile.ts';
import { validateFlow } from './validate.ts';

const base = { type: 'test', title: 'T', category: 'test', description: 'throws', inputs: {}, extraInputs: z.any(), output: z.any(), run: () => null };
const checkThrows = defineNode({ ...base, type: 'check_throws', config: z.object({}).strict(), check: () => { throw new TypeError("Cannot read properties of undefined (reading 'x')"); } });
const refineThrows = defineNode({ ...base, type: 'refine_throws', config: z.object({ n: z.number() }).strict().refine(() => { throw new Error('refinement blew up'); }) });
const portThrows = defineNode({ ...base, type: 'port_throws', inputs: { v: z.string().refine(() => { throw new Error('port blew up'); }) }, config: z.object({}).strict() });
const prepareThrows = defineNode({ ...base, type: 'prepare_throws', config: z.object({}).strict(), prepare: () => { throw new RangeError('prepare blew up'); } });
const registry = testRegistry([checkThrows, refineThrows, portThrows, prepareThrows]);

const flow = (nodes: Record<string, unknown>[]) => ({ weir: 1, name: 'f', inputs: { q: { type: 'string' } }, outputs: Object.fromEntries(nodes.map((n) => [n.name, `\${${n.name}.output}`])), nodes });

describe('a node type that throws while its node is checked', () => {
  it("reports its check's exception on the node and its config, and still checks the other nodes", () => {
    const v = validateFlow(flow([{ name: 'a', type: 'check_throws' }, { name: 'b', type: 'pass', inputs: { value: '${nowhere.output}' } }]), { registry });
    expect(v.ok).toBe(false);
    const failed = v.problems.find((p) => p.code === 'validation_failed')!;
    expect(failed).toMatchObject({ node: 'a', path: ['nodes', 0, 'config'] });
    expect(failed.message).toContain('node "a": checking its check_throws config failed unexpectedly (TypeError: Cannot read properties of undefined');
    expect(v.problems.map((p) => `${p.code}@${p.node}`)).toContain('unknown_node_reference@b');
  });

  it('reports a throwing refinement in its config schema, and in an input port', () => {
    const v = validateFlow(flow([{ name: 'r', type: 'refine_throws', config: { n: 1 } }, { name: 'p', type: 'port_throws', inputs: { v: 'text' } }]), { registry });
    expect(v.problems.map((p) => [p.code, p.node, p.path.join('.')])).toEqual([
      ['validation_failed', 'r', 'nodes.0.config'],
      ['validation_failed', 'p', 'nodes.1.inputs.v'],
    ]);
    expect(v.problems[0].message).toContain('refinement blew up');
    expect(v.problems[1].message).toContain('node "p": checking input "v" failed unexpectedly (Error: port blew up)');
  });

  it('refuses to compile a node whose prepare throws, with the node named, as a validation error', () => {
    let err: unknown;
    try {
      compileFlow(flow([{ name: 'x', type: 'prepare_throws' }]), { registry });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FlowValidationError);
    expect((err as FlowValidationError).problems).toEqual([expect.objectContaining({ code: 'validation_failed', node: 'x', path: ['nodes', 0, 'config'] })]);
    expect((err as FlowValidationError).status).toBe(422);
  });
});
