/**
 * Pickers, not free text: a node's deployment, data index and connection are chosen from what the
 * server has; a name it lacks stays shown, marked, and is a warning in Problems (not an error).
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { node } from './canvas-helpers.ts';

let studio: Studio;
beforeAll(async () => {
  studio = await startStudio({ examples: false });
  await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
  await studio.admin('POST', '/api/indexes', { name: 'handbook' });
}, 60_000);
afterAll(() => studio?.close(), 30_000);

const draft = async (name: string) => (await studio.admin('GET', `/api/flows/${name}`)).definition;

it('picks a deployment from the server’s; one that does not exist stays shown and is a warning until replaced', async () => {
  await studio.admin('PUT', '/api/flows/asks', {
    weir: 1, name: 'asks',
    inputs: { question: { type: 'string' } },
    outputs: { answer: '${answer.output}' },
    nodes: [
      { name: 'retrieve', type: 'vector_lookup', inputs: { query: '${inputs.question}' }, config: { index: 'handbook' } },
      { name: 'answer', type: 'llm', inputs: { question: '${inputs.question}', context: '${retrieve.output.context}' }, config: { deployment: 'gpt-later', template: 'user:\n{{ context }} {{ question }}' } },
    ],
  });
  const page = await studio.open('flows/asks');
  watch(page, 'pickers-deployment');
  await node(page, 'answer').waitFor();

  // A warning, not an error: listed in Problems, named by node and config path.
  await page.getByRole('tab', { name: 'Problems (1)' }).click();
  const problem = page.getByRole('list', { name: 'Problems' }).getByRole('button');
  await expect.poll(() => problem.innerText()).toContain('warning: unknown_deployment');
  expect(await problem.innerText()).toContain('deployment "gpt-later" does not exist');
  expect(await problem.innerText()).toContain('answer · nodes.1.config.deployment');

  // The inspector's deployment is a dropdown of the server's model deployments, keeping the unknown one.
  await problem.click();
  const insp = page.getByRole('complementary', { name: 'Inspector' });
  const picker = insp.getByRole('combobox', { name: 'deployment' });
  await expect.poll(() => picker.inputValue()).toBe('gpt-later');
  await expect.poll(() => picker.locator('option').allInnerTexts()).toEqual(['— choose a deployment —', 'gpt-later (not found)', 'chat — weir-extractive', 'Type a name…']);
  expect(await insp.getByRole('status').innerText()).toContain('deployment “gpt-later” does not exist on this server yet');

  await picker.selectOption('chat');
  await expect.poll(async () => (await draft('asks')).nodes[1].config.deployment).toBe('chat');
  await page.getByRole('tab', { name: 'Problems', exact: true }).waitFor();
  await page.getByRole('tab', { name: 'Problems', exact: true }).click();
  await page.getByText('No problems: the flow is valid.').waitFor();

  // The index picker of the lookup offers the server's index, already chosen.
  await page.getByRole('button', { name: 'Fit', exact: true }).click();
  await node(page, 'retrieve').locator('.wnode-head').click();
  const index = insp.getByRole('combobox', { name: 'index' });
  await expect.poll(() => index.inputValue()).toBe('handbook');
  expect(await index.locator('option').allInnerTexts()).toContain('handbook — 0 documents');

  // Any name may still be typed (a deployment made later): it is kept, and warned of.
  await node(page, 'answer').locator('.wnode-head').click();
  await picker.selectOption({ label: 'Type a name…' });
  await insp.getByRole('textbox', { name: 'deployment' }).fill('tomorrow');
  await expect.poll(async () => (await draft('asks')).nodes[1].config.deployment).toBe('tomorrow');
  await expect.poll(() => page.getByRole('tab', { name: 'Problems (1)' }).count()).toBe(1);
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);

it('offers the server’s connections for a node’s connection', async () => {
  await studio.admin('PUT', '/api/connections/crm', { type: 'custom', settings: { base_url: 'https://crm.example.com' } });
  await studio.admin('PUT', '/api/flows/calls', {
    weir: 1, name: 'calls', inputs: { q: { type: 'string' } }, outputs: { r: '${get.output}' },
    nodes: [{ name: 'get', type: 'http', inputs: { q: '${inputs.q}' }, config: { url: '/search' } }],
  });
  const page = await studio.open('flows/calls');
  watch(page, 'pickers-connection');
  await node(page, 'get').click();
  const picker = page.getByRole('complementary', { name: 'Inspector' }).getByRole('combobox', { name: 'connection' });
  await expect.poll(() => picker.locator('option').allInnerTexts()).toContain('crm — custom');
  await picker.selectOption('crm');
  await expect.poll(async () => (await draft('calls')).nodes[0].config.connection).toBe('crm');
  expect(studio.consoleErrors.join('\n')).toBe('');
}, 60_000);
