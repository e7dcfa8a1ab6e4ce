import { describe, expect, test } from 'vitest';
import { compileFlow } from '../engine/flow/compile.ts';
import { validateFlow } from '../engine/flow/validate.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { runFlow } from '../engine/run/executor.ts';
import { failureOf, runNode } from '../test/helpers/nodes/test-context.ts';
import { builtinNodes } from './index.ts';
import { MAX_METRIC_TEXT, metricNode } from './metric.ts';

const registry = new NodeRegistry(builtinNodes);

/** A flow scoring its inputs with one metric node; `feed` shapes inputs through a transform first. */
function metricFlow(config: Record<string, unknown>, bind: Record<string, string> = { answer: '${inputs.answer}', ground_truth: '${inputs.ground_truth}' }) {
  return {
    weir: 1,
    name: 'score',
    inputs: { answer: { type: 'any' }, ground_truth: { type: 'any', default: '' }, context: { type: 'any', default: [] }, a: { type: 'any', default: [] }, b: { type: 'any', default: [] } },
    outputs: { result: '${m.output}', score: '${m.output.score}' },
    nodes: [{ name: 'm', type: 'metric', inputs: bind, config }],
  };
}
const run = (config: Record<string, unknown>, inputs: Record<string, unknown>, bind?: Record<string, string>) =>
  runFlow(compileFlow(metricFlow(config, bind), { registry }), inputs);

describe('metric node, through the engine', () => {
  test('f1_score: the score, its parts, and passed at the threshold', async () => {
    // "cat sat on mat" vs "cat is on mat": P = R = 3/4 → 0.75 (worked in f1-score.test.ts)
    const r = await run({ metric: 'f1_score', threshold: 0.7 }, { answer: 'The cat sat on the mat.', ground_truth: 'A cat is on the mat' });
    expect(r.status).toBe('succeeded');
    expect(r.outputs).toEqual({ score: 0.75, result: { metric: 'f1_score', score: 0.75, precision: 0.75, recall: 0.75, passed: true } });
  });

  test('every metric answers with a score', async () => {
    const both = { answer: 'the cat sat on the mat', ground_truth: 'the cat is on the mat' };
    expect((await run({ metric: 'exact_match' }, both)).outputs.score).toBe(0);
    expect((await run({ metric: 'rouge_l' }, both)).outputs.score).toBeCloseTo(5 / 6, 12);
    expect((await run({ metric: 'bleu' }, both)).outputs.score).toBeGreaterThan(0);
    const g = await run({ metric: 'groundedness_offline', threshold: 0.5 }, { answer: 'Vienna lies on the Danube. Paris is in Peru.', context: ['Vienna lies on the Danube.'] }, { answer: '${inputs.answer}', context: '${inputs.context}' });
    expect(g.outputs.result).toMatchObject({ score: 0.5, supported: 1, total: 2, unsupported_sentences: [{ sentence: 'Paris is in Peru.' }] });
    // groundedness_offline's threshold is the support threshold: no `passed`.
    expect(g.outputs.result).not.toHaveProperty('passed');
    const cos = await run({ metric: 'cosine', threshold: 0.9 }, { answer: '', a: [3, 4], b: [4, 3] }, { a: '${inputs.a}', b: '${inputs.b}' });
    expect(cos.outputs.result).toEqual({ metric: 'cosine', score: 0.96, passed: true });
  });

  test('an input the metric needs but the flow does not bind fails naming that input', async () => {
    const r = await run({ metric: 'rouge_l' }, { answer: 'x' }, { answer: '${inputs.answer}' });
    expect(r.status).toBe('failed');
    expect(r.error).toMatchObject({ code: 'invalid_node_input', node: 'm', path: ['inputs', 'ground_truth'] });
    expect(r.error!.message).toBe('node "m" input "ground_truth": metric rouge_l needs a string; it is nothing (unbound or skipped)');
  });

  test.each([
    ['answer', { metric: 'f1_score' }, { answer: 42, ground_truth: 'x' }, 'metric f1_score needs a string; it is a number'],
    ['ground_truth', { metric: 'bleu' }, { answer: 'x', ground_truth: ['x'] }, 'it is a list'],
    ['context', { metric: 'groundedness_offline' }, { answer: 'x', context: ['ok', 7] }, 'a string or a list of strings'],
    ['a', { metric: 'cosine' }, { answer: '', a: ['1'], b: [1] }, 'a list of finite numbers'],
  ])('a non-string or non-number %s is refused naming the field', async (field, config, inputs, message) => {
    const bind = { answer: '${inputs.answer}', ground_truth: '${inputs.ground_truth}', context: '${inputs.context}', a: '${inputs.a}', b: '${inputs.b}' };
    const r = await run(config, inputs, bind);
    expect(r.error).toMatchObject({ code: 'invalid_node_input', node: 'm', path: ['inputs', field] });
    expect(r.error!.message).toContain(message);
  });

  test('a huge input is refused at once with metric_input_too_large naming it; never a long computation', async () => {
    const huge = 'word '.repeat(MAX_METRIC_TEXT / 5 + 1);
    const r = await run({ metric: 'rouge_l' }, { answer: 'short', ground_truth: huge });
    expect(r.error).toMatchObject({ code: 'metric_input_too_large', node: 'm', path: ['inputs', 'ground_truth'] });
    expect(r.error!.message).toContain('100,000');
    // Within the per-input cap, rouge_l's own cap on the LCS table still holds.
    const big = 'w '.repeat(MAX_METRIC_TEXT / 2 - 1);
    expect((await run({ metric: 'rouge_l' }, { answer: big, ground_truth: big })).error).toMatchObject({ code: 'metric_input_too_large' });
    const many = await run({ metric: 'groundedness_offline' }, { answer: 'x', context: Array(1001).fill('p') }, { answer: '${inputs.answer}', context: '${inputs.context}' });
    expect(many.error).toMatchObject({ code: 'metric_input_too_large', path: ['inputs', 'context'] });
  });
});

describe('metric node, at validation', () => {
  const problems = (config: Record<string, unknown>, bind?: Record<string, string>) => validateFlow(metricFlow(config, bind), { registry }).problems.filter((p) => p.severity !== 'warning');

  test('a valid flow has no problems', () => {
    expect(problems({ metric: 'bleu' })).toEqual([]);
  });

  test('an unknown metric or a threshold out of range is invalid_config naming the field', () => {
    expect(problems({ metric: 'perplexity' })).toMatchObject([{ code: 'invalid_config', node: 'm', path: ['nodes', 0, 'config', 'metric'] }]);
    expect(problems({ metric: 'bleu', threshold: 2 })).toMatchObject([{ code: 'invalid_config', path: ['nodes', 0, 'config', 'threshold'] }]);
    expect(problems({ metric: 'bleu', beta: 2 })[0].code).toMatch(/unknown_field|invalid_config/);
  });

  test('a literal of the wrong type is refused before any run', () => {
    expect(problems({ metric: 'bleu' }, { answer: '${inputs.answer}', ground_truth: 5 as unknown as string })).toMatchObject([{ code: 'invalid_input_value', node: 'm' }]);
  });
});

test('an aborted run rejects with the abort reason (node-level)', async () => {
  const controller = new AbortController();
  const reason = new Error('stop');
  controller.abort(reason);
  const { makeContext } = await import('../test/helpers/nodes/test-context.ts');
  await expect(failureOf(runNode(metricNode, { metric: 'f1_score' }, { answer: 'a', ground_truth: 'b' }, makeContext({ signal: controller.signal })))).resolves.toBe(reason);
});
