import { describe, expect, it } from 'vitest';
import { startRun } from '../flow/run-state.ts';
import { extraStreams, nodesStreamedAsOutputs } from './stream-view.ts';

describe('stream view', () => {
  it('finds the nodes whose whole output is a flow output', () => {
    const s = nodesStreamedAsOutputs({ answer: '${answer.output}', cites: '${retrieve.output.citations}', both: 'a ${x.output} b', r: { reference: '${summary.output}' } });
    expect([...s].sort()).toEqual(['answer', 'summary']);
    expect(nodesStreamedAsOutputs(undefined).size).toBe(0);
  });

  it('shows only the node streams no output repeats', () => {
    const run = startRun(['answer', 'draft', 'quiet']);
    run.nodes.answer!.streamed = 'Hi';
    run.nodes.draft!.streamed = 'thinking';
    expect(extraStreams(run, { answer: '${answer.output}' })).toEqual([['draft', 'thinking']]);
  });
});
