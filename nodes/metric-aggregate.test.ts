import { describe, expect, test } from 'vitest';
import { compileFlow } from '../engine/flow/compile.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { runFlow } from '../engine/run/executor.ts';
import { failureOf, runNode } from '../test/helpers/nodes/test-context.ts';
import { builtinNodes } from './index.ts';
import { metricAggregateNode } from './metric-aggregate.ts';

const registry = new NodeRegistry(builtinNodes);

describe('metric_aggregate node', () => {
  test('hand-worked: mean and pass rate of the present scores, missing ones counted apart', async () => {
    // present 1, 0.25, 0 → mean 1.25/3; ≥ 0.5: only 1 → 1/3; null and "n/a" → missing 2
    expect(await runNode(metricAggregateNode, { threshold: 0.5 }, { scores: [1, 0.25, null, 'n/a', 0] })).toEqual({ mean: 1.25 / 3, pass_rate: 1 / 3, count: 3, missing: 2 });
  });

  test('as an aggregation node its fields are the run’s metrics (a single run: a one-line list)', async () => {
    const plan = compileFlow(
      {
        weir: 1,
        name: 'f1',
        inputs: { answer: { type: 'string' }, ground_truth: { type: 'string' } },
        outputs: { score: '${m.output.score}' },
        nodes: [
          { name: 'm', type: 'metric', inputs: { answer: '${inputs.answer}', ground_truth: '${inputs.ground_truth}' }, config: { metric: 'f1_score' } },
          { name: 'agg', type: 'metric_aggregate', aggregation: true, inputs: { scores: '${m.output.score}' }, config: { threshold: 0.8 } },
        ],
      },
      { registry },
    );
    const r = await runFlow(plan, { answer: 'The cat sat on the mat.', ground_truth: 'A cat is on the mat' });
    expect(r.outputs).toEqual({ score: 0.75 });
    expect(r.metrics).toEqual({ mean: 0.75, pass_rate: 0, count: 1, missing: 0 });
  });

  test('something other than a list is refused naming the input', async () => {
    const err = await failureOf(runNode(metricAggregateNode, {}, { scores: 0.5 }));
    expect(err).toMatchObject({ code: 'invalid_node_input', path: ['inputs', 'scores'] });
  });
});
