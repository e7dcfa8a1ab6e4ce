import { describe, expect, test } from 'vitest';
import { promptNode } from './prompt.ts';
import { failureOf, runNode } from '../test/helpers/nodes/test-context.ts';

/**
 * The hole issue 12 reports, through the prompt node as a flow author would use it: with nunjucks,
 * `range.constructor` is JavaScript's Function, so a template could run any code in the server. Each
 * of these rendered the server's pid before the sandboxed engine; now each is refused by name.
 */
const pid = String(process.pid);
const attempts: [string, string, Record<string, unknown>][] = [
  ['a global function', '{{ range.constructor("return process.pid")() }}', {}],
  ['cycler', '{{ cycler.constructor("return process.pid")() }}', {}],
  ['joiner', '{{ joiner.constructor("return process.pid")() }}', {}],
  ['the loop object', '{% for x in [1] %}{{ loop.constructor.constructor("return process.pid")() }}{% endfor %}', {}],
  ['a string literal', '{{ "".constructor.constructor("return process.pid")() }}', {}],
  ['an array literal', '{{ [].constructor.constructor("return process.pid")() }}', {}],
  ["an input value's constructor", '{{ name.constructor.constructor("return process.pid")() }}', { name: 'Ada' }],
  ['__proto__', '{{ x.__proto__.constructor.constructor("return process.pid")() }}', { x: {} }],
  ['a filter result', '{{ ("a" | upper).constructor.constructor("return process.pid")() }}', {}],
];

describe('prompt node: a template cannot run JavaScript in the server', () => {
  test.each(attempts)('through %s', async (_what, template, inputs) => {
    const err = await failureOf(runNode(promptNode, { template }, inputs));
    expect(err.message).not.toContain(pid);
    expect(err).toMatchObject({ code: 'template_unsafe' });
    expect(err.message).toMatch(/constructor|__proto__/);
  });
});
