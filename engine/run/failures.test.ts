import { beforeEach, describe, expect, it } from 'vitest';
import { NodeFailedError, WeirError } from '../errors.ts';
import { nodeOf, plan, run } from '../../test/helpers/flows.ts';
import { runOnFakeClock } from '../../test/helpers/fake-clock.ts';
import { probe } from '../../test/helpers/test-nodes.ts';
import { startRun } from './executor.ts';

beforeEach(() => probe.reset());

describe('retry', () => {
  it('retries a failing node with backoff until it succeeds, and says so in events and trace', async () => {
    const p = plan([{ name: 'f', type: 'flaky', inputs: { value: 'v' }, config: { failures: 2 }, retry: { max_attempts: 3, backoff: '20ms', jitter: false } }], { out: '${f.output}' });
    const { result, events, settledAt } = await runOnFakeClock(p);
    expect(result.status).toBe('succeeded');
    expect(result.outputs.out).toEqual({ value: 'v', attempt: 3 });
    expect(nodeOf(result, 'f').attempts).toBe(3);
    const retrying = events.filter((e) => e.type === 'node.retrying');
    expect(retrying.map((e) => [e.attempt, e.delayMs])).toEqual([[2, 20], [3, 40]]);
    // The delays are really waited, and nothing else is: backoff doubles, 20 + 40 fake ms.
    expect(settledAt).toBe(60);
  });

  it('fails after the last attempt with the node error as cause', async () => {
    const p = plan([{ name: 'f', type: 'flaky', inputs: { value: 'v' }, config: { failures: 5 }, retry: { max_attempts: 2, backoff: 1 } }], { out: '${f.output}' });
    const { result } = await run(p);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'flaky', node: 'f', cause: { code: 'flaky', message: 'attempt 2 fails on purpose' } });
    expect(result.cause).toBeInstanceOf(NodeFailedError);
    expect((result.cause as Error).cause).toBeInstanceOf(WeirError);
  });

  it('does not retry errors that say they are not retryable', async () => {
    const p = plan([{ name: 'f', type: 'flaky', inputs: { value: 'v' }, config: { failures: 1, retryable: false }, retry: { max_attempts: 3, backoff: 1 } }], { out: '${f.output}' });
    const { result } = await run(p);
    expect(result.status).toBe('failed');
    expect(nodeOf(result, 'f').attempts).toBe(1);
  });
});

describe('timeouts, deadlines and cancellation', () => {
  it('times a node out, aborting its signal, and retries the timeout', async () => {
    const p = plan([{ name: 'slow', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 }, timeout: '40ms', retry: { max_attempts: 2, backoff: 1 } }], { out: '${slow.output}' });
    const { result, settledAt } = await runOnFakeClock(p);
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('node_timeout');
    expect(nodeOf(result, 'slow').attempts).toBe(2);
    expect(probe.aborted).toEqual(['slow', 'slow']);
    // Two 40 ms timeouts and a backoff of at most 1 ms, not the node's 5 s.
    expect(settledAt).toBeGreaterThanOrEqual(80);
    expect(settledAt).toBeLessThanOrEqual(81);
  });

  it('times out a node that ignores its abort signal', async () => {
    const p = plan([{ name: 'deaf', type: 'wait', inputs: { value: 1 }, config: { ms: 3000, ignore_abort: true }, timeout: 30 }], { out: '${deaf.output}' });
    const { result, settledAt } = await runOnFakeClock(p);
    expect(result.error?.code).toBe('node_timeout');
    expect(settledAt).toBe(30); // at its timeout, not when the deaf node's 3 s are up
  });

  it('fails the whole run at its deadline and aborts what is running', async () => {
    const p = plan([{ name: 'a', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 } }, { name: 'b', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 } }], { a: '${a.output}', b: '${b.output}' });
    const { result, settledAt } = await runOnFakeClock(p, {}, { deadlineMs: 50 });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('run_deadline_exceeded');
    expect(probe.aborted.sort()).toEqual(['a', 'b']);
    expect(nodeOf(result, 'a').status).toBe('cancelled');
    expect(settledAt).toBe(50); // at the deadline, not when the nodes' 5 s are up
  });

  it('cancels through an AbortSignal that reaches every running node', async () => {
    const p = plan([{ name: 'a', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 } }, { name: 'b', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 } }, { name: 'c', type: 'pass', inputs: { value: '${a.output}' } }], { c: '${c.output}', b: '${b.output}' });
    const ctl = new AbortController();
    const pending = run(p, {}, { signal: ctl.signal });
    setTimeout(() => ctl.abort(), 30);
    const { result } = await pending;
    expect(result.status).toBe('cancelled');
    expect(result.error?.code).toBe('run_cancelled');
    expect(probe.aborted.sort()).toEqual(['a', 'b']);
    expect(nodeOf(result, 'c').status).toBe('pending');
  });

  it('cancels through the run handle too', async () => {
    const p = plan([{ name: 'a', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 } }], { a: '${a.output}' });
    const handle = startRun(p, {});
    setTimeout(() => handle.cancel('user pressed stop'), 20);
    const result = await handle.done;
    expect(result.status).toBe('cancelled');
    expect(result.error?.message).toBe('user pressed stop');
  });
});

describe('a failing node', () => {
  it('fails the run with its error and cancels its running siblings', async () => {
    const p = plan([{ name: 'bad', type: 'boom', config: { ms: 20 } }, { name: 'slow', type: 'wait', inputs: { value: 1 }, config: { ms: 5000 } }], { a: '${bad.output.never}', b: '${slow.output}' });
    const { result, settledAt, events } = await runOnFakeClock(p);
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'boom', node: 'bad', message: 'node "bad" failed: exploded on purpose' });
    expect(result.error?.cause?.cause?.message).toBe('root cause');
    expect(probe.aborted).toEqual(['slow']);
    expect(nodeOf(result, 'slow').status).toBe('cancelled');
    expect(events.find((e) => e.type === 'node.failed')).toMatchObject({ node: 'bad', continued: false });
    expect(settledAt).toBe(20); // when "bad" fails, not when "slow" would have finished
  });

  it('with on_error: continue hands an error value to the nodes downstream', async () => {
    const p = plan(
      [{ name: 'bad', type: 'boom', on_error: 'continue' }, { name: 'handle', type: 'pass', inputs: { value: '${bad.output.error.code}' } }],
      { code: '${handle.output}', raw: '${bad.output}' },
    );
    const { result } = await run(p);
    expect(result.status).toBe('succeeded');
    expect(result.outputs.code).toBe('boom');
    expect(nodeOf(result, 'bad').status).toBe('failed');
    expect((result.outputs.raw as { error: { message: string } }).error.message).toContain('exploded on purpose');
  });

  it('checks at run time the ports whose source type is only known then', async () => {
    const p = plan([{ name: 'src', type: 'pass', inputs: { value: '${inputs.x}' } }, { name: 't', type: 'typed', inputs: { text: '${src.output}' } }], { out: '${t.output.text}' }, { x: { type: 'any' } });
    expect((await run(p, { x: 'fine' })).result.outputs.out).toBe('fine');
    const { result } = await run(p, { x: 42 });
    expect(result.status).toBe('failed');
    expect(result.error).toMatchObject({ code: 'invalid_node_input', node: 't' });
    expect(result.error?.message).toContain('input "text"');
  });
});

describe('flow inputs', () => {
  const p = () => plan([{ name: 'e', type: 'pass', inputs: { value: '${inputs.n}' } }], { n: '${e.output}', tags: '${inputs.tags}' }, { n: { type: 'integer' }, tags: { type: 'list', default: ['a'] } });

  it('fills defaults and checks types, naming the input', async () => {
    expect((await run(p(), { n: 3 })).result.outputs).toEqual({ n: 3, tags: ['a'] });
    await expect(run(p(), {})).rejects.toThrow('missing flow input "n" (integer)');
    await expect(run(p(), { n: 1.5 })).rejects.toThrow('flow input "n" must be integer, got number');
    await expect(run(p(), { n: 1, extra: true })).rejects.toThrow('unknown flow input "extra" (inputs: n, tags)');
  });

  it('gives each run its own copy of an object default', async () => {
    const first = await run(p(), { n: 1 });
    (first.result.outputs.tags as string[]).push('mutated');
    expect((await run(p(), { n: 1 })).result.outputs.tags).toEqual(['a']);
  });
});
