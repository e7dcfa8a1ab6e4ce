import { describe, expect, test } from 'vitest';
import { coalesceNode } from './coalesce.ts';
import { runNode } from '../test/helpers/nodes/test-context.ts';
import { flow, run } from '../test/helpers/flows.ts';
import { testRegistry } from '../test/helpers/test-nodes.ts';
import { compileFlow } from '../engine/flow/compile.ts';

describe('coalesce node', () => {
  test('declares that it runs with skipped inputs', () => {
    expect(coalesceNode.acceptsSkippedInputs).toBe(true);
  });

  test('outputs the first input, in key order, that is neither skipped (undefined) nor null', async () => {
    expect(await runNode(coalesceNode, {}, { a: undefined, b: null, c: 'third', d: 'fourth' })).toBe('third');
    expect(await runNode(coalesceNode, {}, { d: 'fourth', c: 'third' })).toBe('fourth');
  });

  test('falsy values are values: 0, "" and false win over later inputs', async () => {
    expect(await runNode(coalesceNode, {}, { a: undefined, b: 0, c: 1 })).toBe(0);
    expect(await runNode(coalesceNode, {}, { a: '', b: 'x' })).toBe('');
    expect(await runNode(coalesceNode, {}, { a: null, b: false })).toBe(false);
  });

  test('outputs null when every input is absent, or there are none', async () => {
    expect(await runNode(coalesceNode, {}, { a: undefined, b: null })).toBeNull();
    expect(await runNode(coalesceNode, {}, {})).toBeNull();
  });

  test('config is strictly empty', () => {
    expect(coalesceNode.config.safeParse({}).success).toBe(true);
    expect(coalesceNode.config.safeParse({ order: ['a'] }).success).toBe(false);
  });
});

describe('a flow output bound to a coalesce streams its first input', () => {
  const registry = testRegistry([coalesceNode]);
  const chatLike = (when: boolean) =>
    compileFlow(
      flow(
        [
          { name: 'gate', type: 'pass', inputs: { value: when } },
          { name: 'talk', type: 'stream', inputs: { text: 'one two three' }, activate: { when: '${gate.output}', is: true } },
          { name: 'reply', type: 'coalesce', inputs: { answer: '${talk.output}', fallback: 'nothing found' } },
          { name: 'second', type: 'coalesce', inputs: { fallback: 'first wins', answer: '${talk.output}' } },
        ],
        { answer: '${reply.output}', other: '${second.output}' },
      ),
      { registry },
    );

  test('chunks of the streaming first input are the output\'s chunks, as they come; the joined value is the output', async () => {
    const { result, events } = await run(chatLike(true));
    expect(result.outputs).toEqual({ answer: 'one two three ', other: 'first wins' });
    const chunks = events.filter((e) => e.type === 'output.chunk');
    expect(chunks.map((e) => [e.output, e.chunk])).toEqual([['answer', 'one '], ['answer', 'two '], ['answer', 'three ']]);
  });

  test('a skipped first input sends no chunks, and the fallback is the output', async () => {
    const { result, events } = await run(chatLike(false));
    expect(result.outputs).toEqual({ answer: 'nothing found', other: 'first wins' });
    expect(events.filter((e) => e.type === 'output.chunk')).toEqual([]);
  });
});
