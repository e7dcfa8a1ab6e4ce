/**
 * Flow text that nests past the limit without brackets (YAML block style) or through an alias that
 * holds itself: refused as `too_deep` when parsed, never a stack overflow downstream.
 */
import { describe, expect, it } from 'vitest';
import { deepBlockYaml } from '../../test/helpers/big-flows.ts';
import { parseFlowText } from './yaml-source.ts';

describe('flow text nested past the limit', () => {
  it('refuses a block-style list nested 100 000 deep as too deep, not as a parser crash', () => {
    const { value, problems } = parseFlowText(deepBlockYaml(100_000));
    expect(value).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ code: 'too_deep', path: [], line: 1 })]);
    expect(problems[0].message).toContain('deeper than 64 levels');
  });

  it('refuses a block-style list nested a little past the limit, at the line where it is', () => {
    const { value, problems } = parseFlowText(deepBlockYaml(70));
    expect(value).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ code: 'too_deep', line: 10 })]);
    // …and takes one nested within it.
    expect(parseFlowText(deepBlockYaml(50)).problems).toEqual([]);
  });

  it('refuses an alias that contains itself (the value would be circular)', () => {
    for (const text of [
      'weir: 1\nname: a\nnodes: []\nlayout: &x { a: *x }\n',
      'weir: 1\nname: a\nnodes:\n  - &n\n    name: a\n    type: pass\n    inputs: { value: [*n] }\n',
    ]) {
      const { value, problems } = parseFlowText(text);
      expect(value).toBeUndefined();
      expect(problems.map((p) => p.code)).toEqual(['too_deep']);
    }
  });

  it('still reports every duplicate key, at its line, in a mapping of 20 000 keys', () => {
    const layout = Array.from({ length: 20_000 }, (_, i) => `  n${i}: [0, ${i}]`);
    layout.splice(15_000, 0, '  n7: [1, 1]');
    const { value, problems } = parseFlowText(`weir: 1\nname: a\nnodes: []\nlayout:\n${layout.join('\n')}\nname: b\n`);
    expect(value).toBeUndefined();
    expect(problems.map((p) => `${p.message}@${p.line}`)).toEqual(['duplicate key "n7"@15005', 'duplicate key "name"@20006']);
  });
});
