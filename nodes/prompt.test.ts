import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WeirError } from '../engine/errors.ts';
import { closeSandboxPool } from '../engine/sandbox/sandbox-pool.ts';
import { TemplateBudgetError } from '../engine/sandbox/template/index.ts';
import { promptNode } from './prompt.ts';
import { failureOf, makeContext, runNode } from '../test/helpers/nodes/test-context.ts';

let root: string;
let flowDir: string;

beforeAll(() => {
  // root/flow is the flow folder; root/flow-secrets sits beside it so a mere string-prefix check
  // ("/…/flow" is a prefix of "/…/flow-secrets") would wrongly let it through.
  root = mkdtempSync(path.join(tmpdir(), 'weir-prompt-'));
  flowDir = path.join(root, 'flow');
  mkdirSync(path.join(flowDir, 'prompts'), { recursive: true });
  mkdirSync(path.join(root, 'flow-secrets'));
  writeFileSync(path.join(root, 'flow-secrets', 'key.txt'), 'SECRET');
  writeFileSync(path.join(root, 'outside.jinja2'), 'outside');
  writeFileSync(path.join(flowDir, 'prompts', 'answer.jinja2'), 'Q: {{ question }}\n{% include "prompts/footer.jinja2" %}');
  writeFileSync(path.join(flowDir, 'prompts', 'footer.jinja2'), '-- {{ signature | upper }}');
  writeFileSync(path.join(flowDir, 'prompts', 'broken.jinja2'), '{% for x in items %}no end');
  writeFileSync(path.join(flowDir, 'prompts', 'leak.jinja2'), '{% include "../flow-secrets/key.txt" %}');
  symlinkSync(path.join(root, 'outside.jinja2'), path.join(flowDir, 'link.jinja2'));
});

afterAll(async () => {
  rmSync(root, { recursive: true, force: true });
  await closeSandboxPool();
});

const check = (config: unknown, env: { flowDir?: string } = { flowDir }) => promptNode.check!(promptNode.config.parse(config), env);

describe('prompt node', () => {
  test('renders an inline template with the inputs as variables', async () => {
    expect(await runNode(promptNode, { template: 'Hello {{ name }}!' }, { name: 'Ada' })).toBe('Hello Ada!');
  });

  test('supports loops, filters and conditionals like Jinja, with trim_blocks as prompt flow sets it', async () => {
    const template = '{% for d in docs %}\n{% if d.show %}\n- {{ d.title | upper }}\n{% endif %}\n{% endfor %}{{ items | join(", ") }}\n';
    const docs = [{ title: 'a', show: true }, { title: 'b', show: false }, { title: 'c', show: true }];
    const out = await runNode(promptNode, { template }, { docs, items: [1, 2] });
    // The newline after each block tag is dropped (trim_blocks); the final one is kept.
    expect(out).toBe('- A\n- C\n1, 2\n');
  });

  test('does not HTML-escape (a prompt is not a web page)', async () => {
    expect(await runNode(promptNode, { template: '{{ x }}' }, { x: '<b>&"' })).toBe('<b>&"');
  });

  test('tojson embeds values as JSON, as Jinja2 writes it (sorted keys, HTML-safe escapes)', async () => {
    expect(await runNode(promptNode, { template: '{{ v | tojson }}' }, { v: { b: "<it's>", a: [1, 'two'] } })).toBe(
      '{"a": [1, "two"], "b": "\\u003cit\\u0027s\\u003e"}',
    );
  });

  test('prints values as Jinja2 does: lists, None and booleans in Python form', async () => {
    const out = await runNode(promptNode, { template: '{{ tags }} {{ nothing }} {{ yes }}' }, { tags: ['a', 'b'], nothing: null, yes: true });
    expect(out).toBe("['a', 'b'] None True");
  });

  test('renders a template file beside the flow, including another file from the flow folder', async () => {
    const out = await runNode(
      promptNode,
      { template_file: 'prompts/answer.jinja2' },
      { question: 'why?', signature: 'weir' },
      makeContext({ flowDir }),
    );
    expect(out).toBe('Q: why?\n-- WEIR');
  });

  test('config needs exactly one of template and template_file', () => {
    for (const bad of [{}, { template: 'a', template_file: 'b' }]) {
      const r = promptNode.config.safeParse(bad);
      expect(r.success).toBe(false);
      expect(r.error?.issues[0].path).toEqual(['template']);
    }
  });

  test('check reports a syntax error in an inline template at ["template"]', () => {
    const [p] = check({ template: 'Hi {{ name ' });
    expect(p.code).toBe('template_syntax');
    expect(p.path).toEqual(['template']);
    expect(p.message).not.toContain('\n');
  });

  test('check reports a syntax error in a template file at ["template_file"]', () => {
    expect(check({ template_file: 'prompts/broken.jinja2' })).toMatchObject([
      { code: 'template_syntax', path: ['template_file'] },
    ]);
  });

  test('check reports a missing template file, and a template file without a flow folder', () => {
    expect(check({ template_file: 'prompts/nope.jinja2' })).toMatchObject([{ code: 'template_not_found', path: ['template_file'] }]);
    expect(check({ template_file: 'prompts/answer.jinja2' }, {})).toMatchObject([{ code: 'template_not_found' }]);
  });

  test('check refuses template files outside the flow folder: ../, absolute, sibling prefix, symlink', () => {
    for (const file of ['../outside.jinja2', path.join(root, 'outside.jinja2'), '../flow-secrets/key.txt', 'link.jinja2']) {
      expect(check({ template_file: file }), file).toMatchObject([{ code: 'template_outside_flow', path: ['template_file'] }]);
    }
    expect(() => promptNode.prepare!(promptNode.config.parse({ template_file: '../outside.jinja2' }), { flowDir })).toThrow(WeirError);
  });

  test('an include reaching outside the flow folder is refused when the flow is checked, without reading the file', () => {
    const [p] = check({ template_file: 'prompts/leak.jinja2' });
    expect(p).toMatchObject({ code: 'template_not_found', path: ['template_file'] });
    expect(p.message).toContain('prompts/leak.jinja2');
    expect(p.message).toContain('included template "../flow-secrets/key.txt" was not found');
    expect(p.message, 'server paths stay out of messages').not.toContain(root);
    expect(p.message).not.toContain('SECRET');
    expect(() => promptNode.prepare!(promptNode.config.parse({ template_file: 'prompts/leak.jinja2' }), { flowDir })).toThrow(WeirError);
  });

  test('an inline template of a stored flow (no flow folder) cannot include files', () => {
    expect(check({ template: '{% include "prompts/footer.jinja2" %}' }, {})).toMatchObject([{ code: 'template_not_found', path: ['template'] }]);
  });

  test('a rendering error is a WeirError template_render', async () => {
    const run = runNode(promptNode, { template: '{{ f() }}' }, { f: 'not a function' });
    await expect(run).rejects.toBeInstanceOf(WeirError);
    await expect(run).rejects.toMatchObject({ code: 'template_render' });
    await expect(run).rejects.toThrow(/could not render the prompt template: 'str' object is not callable/);
  });

  test('a runaway template stops at its budget with template_budget and the limit, not a crash or a hang', async () => {
    const err = await failureOf(runNode(promptNode, { template: '{% for i in range(0, 40000000) %}x{% endfor %}' }, {}));
    expect(err).toBeInstanceOf(TemplateBudgetError);
    expect(err).toMatchObject({ code: 'template_budget', limit: 'range' });
    expect(err.message).toMatch(/could not render the prompt template: range\(\) of 40000000 items is refused/);
  });

  test("a render past its slice stops when the node's signal aborts (its timeout, a cancel)", async () => {
    const ctl = new AbortController();
    const reason = new WeirError('node_timeout', 'node "node_under_test" timed out after 100 ms');
    setTimeout(() => ctl.abort(reason), 100);
    const template = '{% for a in range(100000) %}{% for b in range(100000) %}{% endfor %}{% endfor %}';
    const err = await failureOf(runNode(promptNode, { template }, {}, makeContext({ signal: ctl.signal })));
    expect(err).toBe(reason);
  });

  test('prepare compiles once; runs reuse the compiled template', async () => {
    const config = promptNode.config.parse({ template: '{{ n }}' });
    const prepared = promptNode.prepare!(config, {});
    const outs = await Promise.all([1, 2, 3].map((n) => promptNode.run(makeContext(), { n }, config, prepared)));
    expect(outs).toEqual(['1', '2', '3']);
  });
});
