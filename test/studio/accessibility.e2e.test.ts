/**
 * Every studio page, with real content behind it, checked by axe-core inside Chromium: zero serious
 * or critical violations (colour contrast, names, labels, landmarks). One server holds a flow with a
 * published version deployed with a key and called, a model deployment with a key and calls (usage),
 * a data index with a document, a safety policy, a connection, a finished batch run and a monitor,
 * and the model deployment's public chat web app; each page is opened on that content and checked
 * only once what it shows has loaded.
 */
import JSZip from 'jszip';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { expectNoSeriousA11yViolations } from './axe.ts';
import { chat, until } from './gateway-calls.ts';
import { EXACT_SCORE_FLOW } from '../helpers/batch-flows.ts';
import { ADD_FLOW, AGENT_FLOW, startAddingUpstream } from '../helpers/adding-upstream.ts';

let studio: Studio;
let batchId: string;


const HANDBOOK = `# Paid time off

Employees accrue 25 days of paid leave per year. Unused days carry over until March.

## Sick leave

Sick days do not count against paid leave.
`;

async function putFlowYaml(name: string, text: string): Promise<void> {
  const res = await fetch(`${studio.server.url}/api/flows/${name}`, { method: 'PUT', headers: { authorization: 'Bearer studio-admin-token', 'content-type': 'application/yaml' }, body: text });
  expect(res.status, await res.text()).toBeLessThan(300);
}

beforeAll(async () => {
  studio = await startStudio();
  // A flow, published and deployed with a key, called a few times, with a monitor on it.
  await studio.admin('POST', '/api/flows/hello/publish', { message: 'first' });
  await studio.admin('POST', '/api/deployments', { name: 'greeter', flow: 'hello' });
  const flowKey = (await studio.admin('POST', '/api/deployments/greeter/keys', { name: 'app' })).key;
  // Answered calls are what the usage and monitoring pages show; a node timeout of a loaded machine is tried again.
  for (const name of ['Ada', 'Grace']) {
    await until(`a call to greeter for ${name}`, async () => (await fetch(`${studio.server.url}/deployments/greeter/score`, {
      method: 'POST', headers: { authorization: `Bearer ${flowKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ name }),
    })).status === 200);
  }
  await putFlowYaml('exact', EXACT_SCORE_FLOW);
  await studio.admin('PUT', '/api/deployments/greeter/monitor', { sampling_rate: 1, evaluators: [{ flow: 'exact', inputs: { answer: '${outputs.greeting}', expected: 'Hello, Ada! Welcome to Weir.' } }] });
  // A model deployment with a key and a few calls (the usage page's rows), under a safety policy.
  await studio.admin('PUT', '/api/safety-policies/strict', {
    prompt: { hate: 'medium', sexual: 'medium', violence: 'low', self_harm: 'medium' },
    completion: { hate: 'medium', sexual: 'medium', violence: 'medium', self_harm: 'medium' },
    jailbreak: true, blocklists: [],
  });
  await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive', safety_policy: 'strict' });
  await until('chat to be ready', async () => (await studio.admin('GET', '/api/deployments/chat')).state === 'ready');
  const chatKey = (await studio.admin('POST', '/api/deployments/chat/keys', { name: 'app' })).key;
  for (const q of ['Where is Vienna?', 'Where does the Rhine end?']) expect(await chat(studio.server.url, 'chat', chatKey, q)).toBe(200);
  // Its public chat web app (the panel on its deployment page, the page at /apps/chat).
  await studio.admin('PATCH', '/api/deployments/chat', { web_app: { enabled: true, title: 'Ask the atlas', auth: 'public' } });
  // A data index with a document.
  await studio.admin('POST', '/api/indexes', { name: 'handbook' });
  await studio.admin('POST', '/api/indexes/handbook/documents?wait=true', { documents: [{ name: 'pto-policy.md', content: HANDBOOK }] });
  // A connection (write-only secret).
  await studio.admin('PUT', '/api/connections/openai-main', { type: 'openai', settings: { base_url: 'https://api.openai.com/v1' }, secrets: { api_key: 'sk-test' } });
  // A finished batch run.
  const run = await studio.admin('POST', '/api/batch-runs', { flow: 'hello', data: '{"name": "Ada"}\n{"name": "Grace"}\n' });
  batchId = run.id;
  await until('the batch run to complete', async () => (await studio.admin('GET', `/api/batch-runs/${batchId}`)).status === 'completed');
}, 180_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

const opened: Page[] = [];
// Each check opens its own page; closing them as it goes keeps one Chromium from piling up twenty
// (a failed check's page stays open for its screenshot).
afterEach(async (ctx) => {
  const pages = opened.splice(0);
  if (ctx.task.result?.state !== 'fail') await Promise.all(pages.map((p) => p.close().catch(() => undefined)));
});

/** Opens `route` and waits for `ready` (what shows the page's real content has loaded). */
async function visit(route: string, ready: (page: Page) => Promise<unknown>): Promise<Page> {
  const page = await studio.open(route);
  opened.push(page);
  watch(page, `a11y-${route}`);
  await ready(page);
  return page;
}

const h1 = (name: string | RegExp) => (page: Page) => page.getByRole('heading', { name, level: 1 }).waitFor();
const text = (t: string) => (page: Page) => page.getByText(t, { exact: false }).first().waitFor();

describe('every studio page has no serious or critical accessibility violations', { timeout: 60_000 }, () => {
  it('flows list', async () => {
    const page = await visit('flows', text('hello'));
    await expectNoSeriousA11yViolations(page, 'flows list');
  });

  it('flow editor with a node selected', async () => {
    const page = await visit('flows/hello', h1('hello'));
    await page.locator('.react-flow__node').filter({ hasText: 'greet' }).first().click();
    await page.getByText('Hello, {{ name }}').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'flow editor');
  });

  it('flow editor with a python node selected (its code, ports and limits)', async () => {
    // Opening it reads nothing with python3 (only an edit does), so this file stays free of Python.
    const code = 'def echo(text: str, k: int = 2) -> str:\n    return text\n';
    const signature = { function: 'echo', params: [{ name: 'text', type: 'string', annotation: 'str', has_default: false }, { name: 'k', type: 'int', annotation: 'int', has_default: true, default: 2 }], kwargs: false, returns: 'string', generator: false, imports: [] };
    await studio.admin('PUT', '/api/flows/py-a11y', { weir: 1, name: 'py-a11y', inputs: { q: { type: 'string' } }, outputs: {}, nodes: [{ name: 'echo', type: 'python', inputs: { text: '${inputs.q}' }, config: { code, function: 'echo', signature } }] });
    const page = await visit('flows/py-a11y', h1('py-a11y'));
    await page.locator('.react-flow__node').filter({ hasText: 'echo' }).first().click();
    await page.getByTestId('python-ports').waitFor();
    await expectNoSeriousA11yViolations(page, 'flow editor, python node');
  });

  it('flow editor after a run, its output open', async () => {
    const page = await visit('flows/hello', h1('hello'));
    const drawer = page.getByRole('region', { name: 'Run and problems' });
    await drawer.getByRole('button', { name: 'Run', exact: true }).click();
    await page.getByText('Hello, world! Welcome to Weir.').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'flow editor after a run');
  }, 60_000);

  it("flow editor after a run, a node's log lines open with one line's data", async () => {
    const upstream = await startAddingUpstream();
    try {
      await studio.admin('PUT', '/api/connections/upstream', { type: 'openai', settings: { base_url: upstream.baseUrl }, secrets: { api_key: 'k' } });
      for (const doc of [ADD_FLOW, AGENT_FLOW]) await studio.admin('PUT', `/api/flows/${doc.name}`, doc);
      const page = await visit('flows/agent', h1('agent'));
      const drawer = page.getByRole('region', { name: 'Run and problems' });
      await drawer.getByLabel('question').fill('What is 2 + 3?');
      await drawer.getByRole('button', { name: 'Run', exact: true }).click();
      await page.getByText('The sum is 5.').first().waitFor();
      await page.locator('[data-testid="node-ask"]').click();
      const log = page.getByRole('list', { name: 'ask log' });
      await log.getByRole('listitem').nth(2).waitFor();
      await log.getByText('data', { exact: true }).first().click();
      await page.getByLabel('ask log line 1 data').waitFor();
      await expectNoSeriousA11yViolations(page, "flow editor, a node's log lines");
    } finally {
      await upstream.close();
    }
  }, 60_000);

  it('deployments list', async () => {
    const page = await visit('deployments', text('greeter'));
    await expectNoSeriousA11yViolations(page, 'deployments list');
  });

  it('a flow deployment page with its key', async () => {
    const page = await visit('deployments/greeter', h1('greeter'));
    await page.getByText('app').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'deployment page');
  });

  it('a model deployment page', async () => {
    const page = await visit('deployments/chat', h1('chat'));
    await expectNoSeriousA11yViolations(page, 'model deployment page');
  });

  it('a deployment\'s chat web app', async () => {
    const page = await studio.browser.newPage({ viewport: { width: 1440, height: 900 } });
    opened.push(page);
    watch(page, 'a11y-web-app');
    await page.goto(`${studio.server.url}/apps/chat`);
    await page.getByRole('heading', { name: 'Ask the atlas' }).first().waitFor();
    await expectNoSeriousA11yViolations(page, 'web app');
  });

  it('models catalog', async () => {
    const page = await visit('models', h1('Models'));
    await page.getByText('weir-extractive').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'models catalog');
  });

  it('a model detail', async () => {
    const page = await visit('models/weir-extractive', (p) => p.getByRole('heading', { level: 1 }).waitFor());
    await page.getByText('weir-extractive', { exact: true }).first().waitFor();
    await expectNoSeriousA11yViolations(page, 'model detail');
  });

  it('playground', async () => {
    const page = await visit('playground/chat', h1('Playground'));
    await expectNoSeriousA11yViolations(page, 'playground');
  });

  it('playground after a streamed answer', async () => {
    const page = await visit('playground/chat', h1('Playground'));
    await page.getByLabel('System message').fill('Answer from the passages below.\n[1] Vienna lies on the Danube.');
    await page.getByLabel('Message', { exact: true }).fill('Where is Vienna?');
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => page.getByTestId('turn-assistant').last().getAttribute('data-status'), { timeout: 30_000 }).toBe('done');
    await expectNoSeriousA11yViolations(page, 'playground after an answer');
  }, 60_000);

  it('data', async () => {
    const page = await visit('data', h1('Data'));
    await page.getByText('handbook').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'data');
  });

  it('an index page', async () => {
    const page = await visit('data/handbook', h1('handbook'));
    await page.getByText('pto-policy.md').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'index page');
  });

  it('an index page\'s search results', async () => {
    const page = await visit('data/handbook', h1('handbook'));
    await page.getByRole('tab', { name: 'Test search' }).click();
    await page.getByLabel('Search query').fill('How many days of paid leave?');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByTestId('search-hit').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'index search results');
  });

  it('a document\'s chunks', async () => {
    const page = await visit('data/handbook', h1('handbook'));
    await page.locator('[data-testid="document-row"][data-document="pto-policy.md"]').click();
    await page.getByTestId('chunk').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'document chunks');
  });

  it('quotas', async () => {
    const page = await visit('quotas', h1('Quotas'));
    await expectNoSeriousA11yViolations(page, 'quotas');
  });

  it('safety', async () => {
    const page = await visit('safety', h1('Safety'));
    await page.getByTestId('policy-strict').waitFor();
    await expectNoSeriousA11yViolations(page, 'safety');
  });

  it('usage', async () => {
    const page = await visit('usage', h1('Usage'));
    await page.getByRole('table').getByRole('link', { name: 'chat' }).first().waitFor();
    await expectNoSeriousA11yViolations(page, 'usage');
  });

  it('batch runs', async () => {
    const page = await visit('batch-runs', h1('Batch runs'));
    await page.getByTestId(`batch-row-${batchId}`).waitFor();
    await expectNoSeriousA11yViolations(page, 'batch runs');
  });

  it('a batch run', async () => {
    const page = await visit(`batch-runs/${batchId}`, text('completed'));
    await expectNoSeriousA11yViolations(page, 'batch run');
  });

  it('monitoring', async () => {
    const page = await visit('monitoring', h1('Monitoring'));
    await page.getByText('greeter').first().waitFor();
    await expectNoSeriousA11yViolations(page, 'monitoring');
  });

  it('connections', async () => {
    const page = await visit('connections', h1('Connections'));
    await page.getByTestId('connection-openai-main').waitFor();
    await expectNoSeriousA11yViolations(page, 'connections');
  });

  it('the sign-in page', async () => {
    const page = await studio.browser.newPage({ viewport: { width: 1440, height: 900 } });
    watch(page, 'a11y-sign-in');
    await page.goto(`${studio.server.url}/#/flows`);
    await page.getByRole('heading', { name: 'Weir studio', level: 1 }).waitFor();
    await expectNoSeriousA11yViolations(page, 'sign-in');
    await page.close();
  });

  it('dialogs: a new flow from a template, a new deployment, a new index, a new safety policy', async () => {
    const flows = await visit('flows', text('hello'));
    await flows.getByRole('button', { name: 'New flow' }).first().click();
    await flows.getByRole('dialog', { name: 'New flow' }).waitFor();
    await expectNoSeriousA11yViolations(flows, 'new flow dialog');
    const deployments = await visit('deployments', text('greeter'));
    await deployments.getByRole('button', { name: 'New deployment' }).first().click();
    await deployments.getByRole('dialog', { name: 'New deployment' }).waitFor();
    await expectNoSeriousA11yViolations(deployments, 'new deployment dialog');
    const data = await visit('data', h1('Data'));
    await data.getByRole('button', { name: 'New index' }).first().click();
    await data.getByRole('dialog', { name: 'New index' }).waitFor();
    await expectNoSeriousA11yViolations(data, 'new index dialog');
    const safety = await visit('safety', h1('Safety'));
    await safety.getByRole('button', { name: 'New policy' }).click();
    await safety.getByRole('dialog', { name: 'New safety policy' }).waitFor();
    await expectNoSeriousA11yViolations(safety, 'new policy dialog');
  }, 60_000);

  it('dialogs: a new key shown once, and the in-app confirmation before revoking one', async () => {
    const page = await visit('deployments/greeter', h1('greeter'));
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('dialog', { name: 'Your new key' });
    await shown.waitFor();
    await expectNoSeriousA11yViolations(page, 'new key dialog');
    await shown.getByRole('button', { name: 'I have stored it' }).click();
    await page.getByRole('button', { name: /^Revoke key / }).first().click();
    await page.getByRole('dialog', { name: 'Revoke key' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'revoke key confirmation');
  });

  it('import from prompt flow: the dialog, its check of a picked zip, and the report after importing', async () => {
    // A small prompt flow made here (no Python tools, no requirements: this file starts no python3).
    const zip = new JSZip();
    zip.file('greeting/flow.dag.yaml', 'inputs:\n  name: {type: string}\noutputs:\n  text: {type: string, reference: ${greet.output}}\nnodes:\n- name: greet\n  type: llm\n  source: {type: code, path: greet.jinja2}\n  inputs: {deployment_name: gpt-4, name: ${inputs.name}}\n  connection: azure_open_ai\n  api: chat\nsample: {name: Ada}\nunknown_field: 1\n');
    zip.file('greeting/greet.jinja2', '# system:\nGreet {{name}} warmly.\n');
    const page = await visit('flows', text('hello'));
    await page.getByRole('button', { name: 'Import from prompt flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import from prompt flow' });
    await dialog.waitFor();
    await expectNoSeriousA11yViolations(page, 'import from prompt flow dialog');
    await dialog.getByLabel('Prompt flow zip file').setInputFiles({ name: 'greeting.zip', mimeType: 'application/zip', buffer: Buffer.from(await zip.generateAsync({ type: 'uint8array' })) });
    await dialog.getByTestId('import-outcome').waitFor();
    await dialog.getByTestId('import-item').first().waitFor();
    await dialog.getByText(/^Converted \(\d+\)$/).click();
    await expectNoSeriousA11yViolations(page, 'import from prompt flow check');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.getByRole('link', { name: 'greeting' }).waitFor();
    await expectNoSeriousA11yViolations(page, 'import from prompt flow report');
  });

  it('a monitor', async () => {
    const page = await visit('monitoring/greeter', h1('greeter'));
    await expectNoSeriousA11yViolations(page, 'monitor');
  });
});
