import { describe, expect, test } from 'vitest';
import { coalesceNode } from './coalesce.ts';
import { runNode } from '../test/helpers/nodes/test-context.ts';

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
