import { describe, expect, it } from 'vitest';
import { compileFlow } from '../../flow/compile.ts';
import { NodeRegistry } from '../../registry.ts';
import { builtinNodes } from '../../../nodes/index.ts';
import { testNodes } from '../../../test/helpers/test-nodes.ts';
import { arrayLines, parseJsonl } from './data-lines.ts';
import { runBatch } from './run-batch.ts';
import type { LineResult } from './line-run.ts';

const registry = new NodeRegistry([...builtinNodes, ...testNodes]);

const answerFlow = compileFlow({
  weir: 1,
  name: 'answer',
  inputs: { question: { type: 'string' }, n: { type: 'number', default: 1 } },
  outputs: { answer: '${answer.output}' },
  nodes: [
    // Later lines finish first: line order must come from the batch, not from finishing order.
    { name: 'slow', type: 'wait', inputs: { value: '${inputs.question}', ms: '${inputs.n}' } },
    { name: 'answer', type: 'transform', inputs: { q: '${slow.output}', n: '${inputs.n}' }, config: { expression: '$uppercase(q) & "/" & $string(n)' } },
  ],
}, { registry });

const evalFlow = compileFlow({
  weir: 1,
  name: 'exact',
  inputs: { answer: { type: 'string' }, truth: { type: 'string' }, question: { type: 'string', default: '' } },
  outputs: { correct: '${match.output}' },
  nodes: [
    { name: 'match', type: 'transform', inputs: { a: '${inputs.answer}', t: '${inputs.truth}' }, config: { expression: 'a = t ? 1 : 0' } },
    { name: 'accuracy', type: 'transform', aggregation: true, inputs: { scores: '${match.output}', qs: '${inputs.question}' }, config: { expression: '{"accuracy": $average(scores), "lines": $count(qs)}' } },
  ],
}, { registry });

describe('runBatch', () => {
  it('runs every line, keeps line order whatever finishes first, maps columns by name by default', async () => {
    const lines = arrayLines(Array.from({ length: 8 }, (_, i) => ({ question: `q${i}`, n: 40 - i * 5, extra: 'ignored column' })));
    const seen: number[] = [];
    const r = await runBatch({ plan: answerFlow, lines, columnMapping: {}, concurrency: 8, onLine: (l) => seen.push(l.line_number) });
    expect(r.status).toBe('completed');
    expect(r.lines.map((l) => l.outputs.answer)).toEqual(Array.from({ length: 8 }, (_, i) => `Q${i}/${40 - i * 5}`));
    expect(r.lines.map((l) => l.line_number)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(seen).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(r.summary).toMatchObject({ total: 8, succeeded: 8, failed: 0 });
  });

  it('hostile JSONL fails its own lines only: bad JSON, non-objects, a huge line, a missing column', async () => {
    const huge = JSON.stringify({ question: 'x'.repeat(1_100_000) });
    const text = ['{"question": "fine"}', '{not json', '[1,2]', '42', huge, '', '{"other": 1}', '{"question": "also fine", "n": "three"}', '{"question": "last"}'].join('\n');
    const r = await runBatch({ plan: answerFlow, lines: parseJsonl(text), concurrency: 3 });
    const byLine = r.lines.map((l) => [l.status, l.error?.code ?? null]);
    expect(byLine).toEqual([
      ['succeeded', null],
      ['failed', 'invalid_data_line'],
      ['failed', 'invalid_data_line'],
      ['failed', 'invalid_data_line'],
      ['failed', 'invalid_data_line'],
      ['failed', 'invalid_input'],
      ['failed', 'invalid_input'],
      ['succeeded', null],
    ]);
    expect(r.lines[1].error!.message).toContain('line 1: the line is not valid JSON');
    expect(r.lines[5].error!.message).toContain('missing flow input "question"');
    expect(r.summary).toMatchObject({ total: 8, succeeded: 2, failed: 6 });
  });

  it('a mapping that reads a column a line lacks names the line, the input and the column', async () => {
    const r = await runBatch({ plan: answerFlow, lines: arrayLines([{ q: 'a' }, { text: 'b' }]), columnMapping: { question: '${data.q}' } });
    expect(r.lines[0].status).toBe('succeeded');
    expect(r.lines[1].error).toMatchObject({ code: 'mapping_value_missing' });
    expect(r.lines[1].error!.message).toBe('line 1: column_mapping "question": ${data.q}: the line has no column "q" (columns: text)');
  });

  it('refuses, before any line runs, a mapping to an unknown input or one reading a run it was not given', async () => {
    await expect(runBatch({ plan: answerFlow, lines: [], columnMapping: { nope: '${data.x}' } })).rejects.toMatchObject({ code: 'invalid_column_mapping' });
    await expect(runBatch({ plan: answerFlow, lines: [], columnMapping: { question: '${run.outputs.answer}' } })).rejects.toMatchObject({ code: 'invalid_column_mapping' });
    await expect(runBatch({ plan: answerFlow, lines: [], columnMapping: { question: '${frobs.x}' } })).rejects.toMatchObject({ code: 'invalid_column_mapping' });
  });

  it('evaluates an earlier run: ${run.outputs.x} and ${run.inputs.x} beside ${data.x}, aggregation over succeeded lines as metrics', async () => {
    const data = [{ q: 'a', truth: 'A/1' }, { q: 'b', truth: 'wrong' }, { q: 'c', truth: 'C/1' }, { q: 'd', truth: 'D/1' }];
    const first = await runBatch({ plan: answerFlow, lines: arrayLines(data), columnMapping: { question: '${data.q}' } });
    const earlier = new Map(first.lines.map((l) => [l.line_number, l]));
    earlier.set(3, { ...earlier.get(3)!, status: 'failed', outputs: {} });
    const r = await runBatch({
      plan: evalFlow,
      lines: arrayLines(data),
      columnMapping: { answer: '${run.outputs.answer}', truth: '${data.truth}', question: 'Q: ${run.inputs.question}' },
      earlier,
    });
    expect(r.lines.map((l) => l.outputs.correct ?? null)).toEqual([1, 0, 1, null]);
    expect(r.lines[0].inputs).toEqual({ answer: 'A/1', truth: 'A/1', question: 'Q: a' });
    expect(r.lines[3].error!.message).toContain("the earlier run's line 3 failed");
    expect(r.metrics).toEqual({ accuracy: 2 / 3, lines: 3 });
    expect(r.aggregation?.outputs).toEqual({ accuracy: { accuracy: 2 / 3, lines: 3 } });
  });

  it('a failing aggregation fails the batch but keeps its lines', async () => {
    const p = compileFlow({ weir: 1, name: 'bad-agg', inputs: { x: { type: 'number' } }, outputs: { y: '${y.output}' }, nodes: [
      { name: 'y', type: 'transform', inputs: { x: '${inputs.x}' }, config: { expression: 'x' } },
      { name: 'agg', type: 'transform', aggregation: true, inputs: { ys: '${y.output}' }, config: { expression: '$error("nope")' } },
    ] }, { registry });
    const r = await runBatch({ plan: p, lines: arrayLines([{ x: 1 }, { x: 2 }]) });
    expect(r.status).toBe('failed');
    expect(r.error?.node).toBe('agg');
    expect(r.summary.succeeded).toBe(2);
  });

  it('resumes: lines that succeeded before are not run again, and still count in the aggregation', async () => {
    const data = [{ answer: 'x', truth: 'x' }, { answer: 'x', truth: 'y' }, { answer: 'z', truth: 'z' }];
    const prev: LineResult = { line_number: 0, status: 'succeeded', inputs: {}, outputs: { correct: 1 }, duration_ms: 1, usage: {}, aggregation_inputs: [1, 'earlier'] };
    const ran: number[] = [];
    const r = await runBatch({ plan: evalFlow, lines: arrayLines(data), done: new Map([[0, prev]]), onLine: (l) => ran.push(l.line_number) });
    expect(ran.sort()).toEqual([1, 2]);
    expect(r.lines[0]).toBe(prev);
    expect(r.metrics).toEqual({ accuracy: 2 / 3, lines: 3 });
  });

  it('cancelling stops running lines, starts no more, and skips the aggregation', async () => {
    const ctl = new AbortController();
    const lines = arrayLines(Array.from({ length: 20 }, (_, i) => ({ question: `q${i}`, n: 30 })));
    const r = await runBatch({ plan: answerFlow, lines, concurrency: 2, signal: ctl.signal, onLine: (_l, p) => p.done === 3 && ctl.abort() });
    expect(r.status).toBe('cancelled');
    expect(r.lines).toHaveLength(20);
    expect(r.lines.filter((l) => l.status === 'cancelled').length).toBeGreaterThanOrEqual(16);
    expect(r.lines.at(-1)).toMatchObject({ status: 'cancelled', error: { code: 'run_cancelled' } });
  });
});
