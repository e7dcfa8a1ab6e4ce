import { describe, expect, test } from 'vitest';
import { NodeTimeoutError, serializeError, WeirError } from '../engine/errors.ts';
import { failureOf, makeContext, runNode } from '../test/helpers/nodes/test-context.ts';
import { transformNode } from './transform.ts';

const inputs = {
  order: { id: 'o1', lines: [{ sku: 'a', qty: 2, price: 5 }, { sku: 'b', qty: 1, price: 20 }] },
  customer: { name: 'Ada' },
};

describe('transform node', () => {
  test.each([
    ['customer.name', 'Ada'],
    ['$sum(order.lines.(qty * price))', 30],
    ['order.lines[price > 10].sku', 'b'],
    ['{ "id": order.id, "skus": order.lines.sku }', { id: 'o1', skus: ['a', 'b'] }],
    ['$uppercase(customer.name) & "!"', 'ADA!'],
  ])('evaluates %s', async (expression, expected) => {
    expect(await runNode(transformNode, { expression }, inputs)).toEqual(expected);
  });

  test('results are plain JSON: no JSONata sequence markers, lambdas become null', async () => {
    const out = await runNode(transformNode, { expression: '{ "skus": order.lines.sku, "f": function($x) { $x } }' }, inputs);
    expect(Object.keys((out as { skus: string[] }).skus)).toEqual(['0', '1']);
    expect(out).toStrictEqual({ skus: ['a', 'b'], f: null });
  });

  test('a path that matches nothing gives null, not undefined (which would read as "skipped")', async () => {
    expect(await runNode(transformNode, { expression: 'nothing.here' }, inputs)).toBeNull();
  });

  test('check reports a bad expression as invalid_expression with the position', () => {
    const config = transformNode.config.parse({ expression: 'order.lines[price > ' });
    const problems = transformNode.check!(config, {});
    expect(problems).toMatchObject([{ code: 'invalid_expression', path: ['expression'] }]);
    expect(problems[0].message).toMatch(/position \d+/);
  });

  test('prepare refuses a bad expression with a WeirError', () => {
    const config = transformNode.config.parse({ expression: '$sum(' });
    expect(() => transformNode.prepare!(config, {})).toThrow(WeirError);
  });

  test('a runtime error is a WeirError transform_failed whose cause carries JSONata’s message', async () => {
    const err = await failureOf(runNode(transformNode, { expression: '$number("not a number") + $undefinedFn()' }, inputs));
    expect(err).toBeInstanceOf(WeirError);
    expect(err.code).toBe('transform_failed');
    expect(err.cause).toBeInstanceOf(Error);
    expect(serializeError(err).cause?.message).not.toBe('[object Object]');
  });

  test('a runaway recursive expression fails with node_timeout naming the node, not transform_failed', async () => {
    // A tail-recursive lambda never grows JSONata's stack: only the budget stops it.
    const expression = '($loop := function($n) { $loop($n + 1) }; $loop(0))';
    const err = await failureOf(runNode(transformNode, { expression, timeout_ms: 100 }, {}, makeContext({ node: 'shape' })));
    expect(err).toBeInstanceOf(NodeTimeoutError);
    expect(err).toMatchObject({ code: 'node_timeout', node: 'shape' });
  });

  test('a catastrophic regex on a 30-character caller input answers at once (RE2, linear time)', async () => {
    // On V8's backtracking RegExp this one call runs ~30-40 s here and cannot be interrupted, so the
    // test would time out. The budget is generous on purpose: on a loaded machine a slow slice may
    // hand the work to a sandbox thread, whose start alone can take a few hundred ms.
    const expression = '{ "bad": $exists($match(s, /(a+)+$/)), "good": $match(t, /(a+)+$/).match }';
    const out = await runNode(transformNode, { expression, timeout_ms: 10_000 }, { s: `${'a'.repeat(30)}!`, t: 'baaa' });
    expect(out).toEqual({ bad: false, good: 'aaa' });
  });

  test.each([
    ['$match(s, /(o)(r|x)?/).groups', ['o', null]],
    ['$match(s, /l/).index', [2, 3, 9]],
    ['$replace(s, /(h)(é)/i, "$2$1")', 'éHllo wörld'],
    ['$split(s, / +/)', ['Héllo', 'wörld']],
    ['$contains(s, /WÖR/i)', true],
    ['$match("a\nb", /^b$/m).match', 'b'],
    ['$match("😀a", /./).match', ['😀', 'a']],
  ])('regexes keep their JSONata meaning on RE2: %s', async (expression, expected) => {
    const out = await runNode(transformNode, { expression }, { s: 'Héllo wörld' });
    expect(out).toEqual(expected);
  });

  test('a zero-length regex match is still JSONata’s D1004 error, not a loop', async () => {
    const err = await failureOf(runNode(transformNode, { expression: '$match("abc", /x*/)' }, {}));
    expect(err).toMatchObject({ code: 'transform_failed' });
    expect(err.message).toContain('D1004');
  });

  test.each([
    ['a backreference', '$match(s, /(a)\\1/)', '/(a)\\1/'],
    ['a lookahead', 'items.$replace(name, /x(?=y)/i, "")', '/x(?=y)/i'],
    ['a lookbehind inside a lambda', '$map(items, function($v) { $contains($v, /(?<!a)b/) })', '/(?<!a)b/'],
  ])('check refuses %s as invalid_expression naming the regex', (_what, expression, literal) => {
    const config = transformNode.config.parse({ expression });
    const problems = transformNode.check!(config, {});
    expect(problems).toMatchObject([{ code: 'invalid_expression', path: ['expression'] }]);
    expect(problems[0].message).toContain(`regular expression ${literal} is not supported`);
    expect(() => transformNode.prepare!(config, {})).toThrow(/is not supported/);
  });

  test('a regex built at run time with $eval that RE2 cannot run fails cleanly', async () => {
    const err = await failureOf(runNode(transformNode, { expression: '$eval(e)' }, { e: '$match("aa", /(a)\\1/)' }));
    expect(err).toMatchObject({ code: 'transform_failed' });
    expect(err.message).toMatch(/invalid escape sequence/);
  });

  test('a result past the size cap fails with transform_result_too_large instead of filling the trace', async () => {
    // One cheap step builds it: no time or sequence limit would notice.
    const err = await failureOf(runNode(transformNode, { expression: '$pad("", 100000000, "x")' }, {}));
    expect(err).toMatchObject({ code: 'transform_result_too_large' });
  });

  test('the compiled expression is shared by concurrent runs without mixing their inputs', async () => {
    const config = transformNode.config.parse({ expression: 'x * 2' });
    const prepared = transformNode.prepare!(config, {});
    const outs = await Promise.all([1, 2, 3].map((x) => transformNode.run(makeContext(), { x }, config, prepared)));
    expect(outs).toEqual([2, 4, 6]);
  });
});
