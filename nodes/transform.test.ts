import { describe, expect, test } from 'vitest';
import { serializeError, WeirError } from '../engine/errors.ts';
import { failureOf, makeContext, runNode } from './test-context.ts';
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

  test('a runaway recursive expression is stopped by timeout_ms instead of blocking the server', async () => {
    const expression = '($loop := function($n) { $loop($n + 1) }; $loop(0))';
    const err = await failureOf(runNode(transformNode, { expression, timeout_ms: 100 }, {}));
    expect(err).toMatchObject({ code: 'transform_failed' });
  });

  test('the compiled expression is shared by concurrent runs without mixing their inputs', async () => {
    const config = transformNode.config.parse({ expression: 'x * 2' });
    const prepared = transformNode.prepare!(config, {});
    const outs = await Promise.all([1, 2, 3].map((x) => transformNode.run(makeContext(), { x }, config, prepared)));
    expect(outs).toEqual([2, 4, 6]);
  });
});
