import { describe, expect, it } from 'vitest';
import { applyRunEvent, startRun, type RunEventJson } from './run-state.ts';

describe('run state from run events', () => {
  it('lights nodes as events arrive and settles the rest when the run ends', () => {
    const events: RunEventJson[] = [
      { type: 'run.started', runId: 'r1' },
      { type: 'node.started', node: 'a', attempt: 1 },
      { type: 'node.chunk', node: 'a', chunk: 'Hel' },
      { type: 'node.chunk', node: 'a', chunk: { choices: [{ delta: { content: 'lo' } }] } },
      { type: 'output.chunk', output: 'answer', chunk: 'Hel' },
      { type: 'node.finished', node: 'a', ms: 12 },
      { type: 'node.skipped', node: 'b', reason: 'activate: not yes' },
      { type: 'node.started', node: 'c', attempt: 2 },
      { type: 'run.finished', status: 'failed', error: { code: 'x', message: 'boom' } },
    ];
    const run = events.reduce(applyRunEvent, startRun(['a', 'b', 'c', 'd']));
    expect(run.id).toBe('r1');
    expect(run.status).toBe('failed');
    expect(run.nodes.a).toMatchObject({ status: 'succeeded', ms: 12, streamed: 'Hello' });
    expect(run.nodes.b).toMatchObject({ status: 'skipped', reason: 'activate: not yes' });
    expect(run.nodes.c.status).toBe('cancelled');
    expect(run.nodes.d.status).toBe('skipped');
    expect(run.outputs.answer).toBe('Hel');
  });
});
