/**
 * The python node in the studio, against the real server, python3 and Chromium: its code in a Python
 * editor, the ports its signature gives, read again through POST /api/python/signature as the code
 * is edited (the canvas port appears, validation asks for it), a draft run through a real worker, a
 * syntax error shown with its line without losing the text, a node from the palette that starts with
 * a working tool, and a code_file shown read-only. A *.python test: the server starts python3.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { expectNoSeriousA11yViolations } from './axe.ts';
import { node, setCode } from './canvas-helpers.ts';

let studio: Studio;
beforeAll(async () => {
  studio = await startStudio({ examples: false });
}, 60_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

const drawer = (page: Page) => page.getByRole('region', { name: 'Run and problems' });
const inspector = (page: Page) => page.getByRole('complementary', { name: 'Inspector' });
const ports = (page: Page) => inspector(page).getByTestId('python-ports');

const CODE = 'from promptflow.core import tool\n\n\n@tool\ndef my_tool(text: str) -> str:\n    return text\n';
const TWICE = 'from promptflow.core import tool\n\n\n@tool\ndef my_tool(text: str, times: int, sep: str = "-") -> str:\n    return sep.join([text] * times)\n';
const BROKEN = 'from promptflow.core import tool\n\n\n@tool\ndef my_tool(text: str, times: int) -> str:\n    return (text\n';

const flow = {
  weir: 1,
  name: 'tool',
  inputs: { q: { type: 'string', default: 'ab' } },
  outputs: { out: '${t.output}' },
  nodes: [{
    name: 't', type: 'python', inputs: { text: '${inputs.q}' },
    config: { code: CODE, function: 'my_tool', signature: { function: 'my_tool', params: [{ name: 'text', type: 'string', annotation: 'str', has_default: false }], kwargs: false, returns: 'string', generator: false, imports: ['promptflow'] } },
  }],
  layout: { t: [0, 0] },
};

const draftParams = async () => ((await studio.admin('GET', '/api/flows/tool')).definition.nodes[0].config.signature.params as { name: string }[]).map((p) => p.name);

describe('studio: the python node', () => {
  it('follows edited code: the new parameter becomes a port validation asks for, the draft runs, a syntax error shows its line', async () => {
    await studio.admin('PUT', '/api/flows/tool', flow);
    const page = await studio.open('flows/tool');
    watch(page, 'python-node-edit');
    await node(page, 't').click();
    await ports(page).waitFor();
    expect(await ports(page).locator('li').allTextContents()).toEqual(['text: string *', 'returns string']);
    expect(await node(page, 't').locator('[data-port="in:times"]').count()).toBe(0);
    // Highlighted as Python: keywords are their own spans.
    await expect.poll(() => page.locator('[aria-label="Python code"] .cm-content span').filter({ hasText: /^def$/ }).count()).toBeGreaterThan(0);

    await setCode(page, 'Python code', TWICE);
    // Read again through the server: the port list, the canvas and the stored draft follow the code.
    await expect.poll(() => ports(page).locator('li').allTextContents(), { timeout: 20_000 }).toEqual(['text: string *', 'times: int *', 'sep: string = "-"', 'returns string']);
    await node(page, 't').locator('[data-port="in:times"]').waitFor();
    await expect.poll(draftParams, { timeout: 20_000 }).toEqual(['text', 'times', 'sep']);
    await expect.poll(() => inspector(page).getByRole('list', { name: 'Problems' }).textContent(), { timeout: 20_000 }).toContain('needs input "times"');
    expect(await inspector(page).locator('[data-input="times"] .req').count()).toBe(1);

    await inspector(page).getByLabel('Input times').fill('3');
    await expect.poll(() => inspector(page).getByRole('list', { name: 'Problems' }).count(), { timeout: 20_000 }).toBe(0);
    await drawer(page).getByRole('button', { name: 'Run', exact: true }).click();
    await expect.poll(() => drawer(page).getByLabel('output out').textContent(), { timeout: 60_000 }).toContain('ab-ab-ab');

    // Code that does not parse: its line, inline; the text stays as typed and the ports as they were.
    await setCode(page, 'Python code', BROKEN);
    const error = inspector(page).getByTestId('python-code-error');
    await expect.poll(() => error.textContent(), { timeout: 20_000 }).toContain('Line 6:');
    expect(await error.textContent()).toMatch(/^Line 6: the source does not parse/);
    expect(await page.locator('[aria-label="Python code"] .cm-content').textContent()).toContain('return (text');
    expect(await ports(page).locator('li').allTextContents()).toContain('times: int *');
    await expectNoSeriousA11yViolations(page, 'python node inspector');
    expect(studio.consoleErrors.filter((e) => !e.includes('422'))).toEqual([]);
  }, 120_000);

  it('adds a python node from the palette with a working tool, and shows a code_file read-only', async () => {
    await studio.admin('PUT', '/api/flows/fresh', { weir: 1, name: 'fresh', inputs: { q: { type: 'string', default: 'hi' } }, outputs: {}, nodes: [] });
    const page = await studio.open('flows/fresh');
    watch(page, 'python-node-palette');
    await node(page, 'inputs').waitFor();
    await page.getByRole('button', { name: 'Add Python' }).click();
    await ports(page).waitFor();
    expect(await ports(page).locator('li').allTextContents()).toEqual(['text: string *', 'returns string']);
    expect(await page.locator('[aria-label="Python code"] .cm-content').textContent()).toContain('def my_tool(text: str) -> str:');
    await expect.poll(async () => (await studio.admin('GET', '/api/flows/fresh')).definition.nodes[0]?.config?.function, { timeout: 20_000 }).toBe('my_tool');
    // Bound to the flow's input, it validates and runs at once.
    await inspector(page).getByLabel('Input text').fill('${inputs.q}');
    await expect.poll(async () => (await studio.admin('GET', '/api/flows/fresh')).problems, { timeout: 20_000 }).toEqual([]);
    const run = await studio.admin('POST', '/api/flows/fresh/runs', { inputs: { q: 'hi' } });
    expect(run.status, JSON.stringify(run).slice(0, 400)).toBe('succeeded');

    await studio.admin('PUT', '/api/flows/filed', { weir: 1, name: 'filed', inputs: {}, outputs: {}, nodes: [{ name: 'f', type: 'python', inputs: {}, config: { code_file: 'tools/clean.py', function: 'clean' } }], layout: { f: [0, 0] } });
    const filed = await studio.open('flows/filed');
    watch(filed, 'python-node-code-file');
    await node(filed, 'f').click();
    const path = inspector(filed).getByLabel('code_file');
    expect(await path.inputValue()).toBe('tools/clean.py');
    expect(await path.getAttribute('readonly')).not.toBeNull();
    expect(await inspector(filed).textContent()).toContain('The file lives beside the flow');
    expect(await filed.locator('[aria-label="Python code"]').count()).toBe(0);
  }, 120_000);
});
