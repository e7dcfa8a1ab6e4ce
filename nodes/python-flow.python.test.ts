import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { compileFlow } from '../engine/flow/compile.ts';
import { validateFlow } from '../engine/flow/validate.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { runFlow } from '../engine/run/executor.ts';
import { closePythonPools } from '../engine/sandbox/python/pool.ts';
import { readToolSignature } from '../engine/sandbox/python/signature.ts';
import type { PythonSignature } from '../engine/sandbox/python/signature-types.ts';
import { hasDevSet, NEEDS_DEV, PROMPTFLOW_DEV } from '../test/helpers/python-tools.ts';
import { builtinNodes } from './index.ts';

/**
 * The conditional-flow-for-switch dev flow's Python part, as the importer writes it (code_file +
 * signature, prompt flow's bypass rule), run by the real engine: only the activated branch runs,
 * and generate_response gets the bypassed branches' inputs as its parameter defaults.
 */
const dir = path.join(PROMPTFLOW_DEV, 'conditional-flow-for-switch');
const registry = new NodeRegistry(builtinNodes);
const sigs: Record<string, PythonSignature> = {};
const TOOLS = ['class_check', 'order_search', 'product_info', 'product_recommendation', 'generate_response'];

beforeAll(async () => {
  if (!hasDevSet) return;
  for (const t of TOOLS) sigs[t] = await readToolSignature(readFileSync(path.join(dir, `${t}.py`), 'utf8'), { file: `${t}.py` });
});
afterAll(() => closePythonPools());

const tool = (name: string, inputs: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  type: 'python',
  inputs,
  config: { code_file: `${name}.py`, function: name, signature: sigs[name] },
  ...extra,
});

function switchFlow() {
  const branch = (name: string) => tool(name, { query: '${inputs.query}' }, { activate: { when: '${class_check.output}', is: name } });
  return {
    weir: 1,
    name: 'conditional-switch',
    skip_when: 'all_inputs_skipped',
    inputs: { query: { type: 'string' }, llm_result: { type: 'string' } },
    outputs: { response: '${generate_response.output}' },
    nodes: [
      tool('class_check', { llm_result: '${inputs.llm_result}' }),
      branch('order_search'),
      branch('product_info'),
      branch('product_recommendation'),
      tool('generate_response', { order_search: '${order_search.output}', product_info: '${product_info.output}', product_recommendation: '${product_recommendation.output}' }),
    ],
  };
}

describe.skipIf(!hasDevSet)(`a flow of python nodes with prompt flow's bypass rule${hasDevSet ? '' : ` (skipped: ${NEEDS_DEV})`}`, () => {
  test('validates from the signatures alone: an unknown input and a literal of the wrong type are problems', () => {
    expect(validateFlow(switchFlow(), { registry, flowDir: dir }).ok).toBe(true);
    const bad = switchFlow();
    (bad.nodes[0].inputs as Record<string, unknown>).nonsense = 1;
    // `llm_result: str`: a number is not a string.
    (bad.nodes[0].inputs as Record<string, unknown>).llm_result = 42;
    (bad.nodes[1].inputs as Record<string, unknown>).nonsense = 1;
    const problems = validateFlow(bad, { registry, flowDir: dir }).problems.map((p) => `${p.code} ${p.node}`);
    expect(problems).toContain('unknown_input_port order_search');
    expect(problems).toContain('type_mismatch class_check');
  });

  test('only the activated branch runs; the join gets the others as their defaults', async () => {
    const plan = compileFlow(switchFlow(), { registry, flowDir: dir });
    const r = await runFlow(plan, { query: 'Where is my order?', llm_result: 'order_search' });
    expect(r.status).toBe('succeeded');
    expect(r.outputs).toEqual({ response: 'Your order is being mailed, please wait patiently.' });
    const status = Object.fromEntries(r.trace.map((t) => [t.node, t.status]));
    expect(status).toMatchObject({ order_search: 'succeeded', product_info: 'skipped', product_recommendation: 'skipped', generate_response: 'succeeded' });
    expect(r.trace.find((t) => t.node === 'generate_response')?.inputs).toEqual({ order_search: 'Your order is being mailed, please wait patiently.' });
    // prompt flow's rule: a node every one of whose inputs was bypassed is bypassed too.
    const none = await runFlow(plan, { query: 'hello', llm_result: 'chit-chat' });
    expect(none.outputs).toEqual({ response: null });
    expect(none.trace.find((t) => t.node === 'generate_response')?.status).toBe('skipped');
  });
});
