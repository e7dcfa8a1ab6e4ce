/**
 * The Safety page against the real server: policies and blocklists made and edited from the page
 * (as the API then holds them), refusals of what is in use shown where they can be read, a policy
 * chosen on a deployment's page, and real calls the offline classifier filters listed under their
 * category in Recent filtered calls, never with their text.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { chat as call, until } from './gateway-calls.ts';

let studio: Studio;
let key: string;
/** A call on `deployment` with the app's key; its status. */
const chat = (deployment: string, question: string) => call(studio.server.url, deployment, key, question);

beforeAll(async () => {
  studio = await startStudio({ examples: false });
  await studio.admin('POST', '/api/deployments', { name: 'guarded', model: 'weir-extractive' });
  await until('guarded to be ready', async () => (await studio.admin('GET', '/api/deployments/guarded')).state === 'ready');
  key = (await studio.admin('POST', '/api/deployments/guarded/keys', { name: 'app' })).key;
}, 120_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

/** Console errors but Chromium's log of the 409s some tests provoke on purpose. */
const unexpectedErrors = () => studio.consoleErrors.filter((e) => !e.includes('status of 409 (Conflict)'));

async function openSafety(shot: string): Promise<Page> {
  const page = await studio.open('safety');
  watch(page, shot);
  await page.getByRole('heading', { name: 'Safety', level: 1 }).waitFor();
  return page;
}

it('lists the default policy though none is stored; makes a blocklist and a policy from the page as the API then holds them', async () => {
  const page = await studio.open('flows');
  watch(page, 'safety-create');
  await page.getByRole('navigation', { name: 'Studio' }).getByRole('link', { name: 'Safety' }).click();
  const policies = page.getByRole('table', { name: 'Safety policies' });
  await policies.getByTestId('policy-default').waitFor();
  expect(await policies.getByTestId('policy-default').textContent()).toContain('medium and above');

  // A blocklist: a term and a pattern.
  await page.getByRole('button', { name: 'New blocklist' }).click();
  const listDialog = page.getByRole('dialog', { name: 'New blocklist' });
  await listDialog.getByLabel('Blocklist name').fill('rivals');
  await listDialog.getByRole('button', { name: 'Add item' }).click();
  await listDialog.getByLabel('Item 1 id').fill('acme');
  await listDialog.getByLabel('Item 1 term').fill('acme corp');
  await listDialog.getByRole('button', { name: 'Add item' }).click();
  await listDialog.getByLabel('Item 2 kind').selectOption('pattern');
  await listDialog.getByLabel('Item 2 pattern').fill('globex\\w*');
  await listDialog.getByRole('button', { name: 'Save blocklist' }).click();
  await page.getByRole('table', { name: 'Custom blocklists' }).getByTestId('blocklist-rivals').waitFor();
  expect(await page.getByTestId('blocklist-rivals').getByRole('cell').nth(1).textContent()).toBe('2');
  expect((await studio.admin('GET', '/api/blocklists/rivals')).items).toEqual([{ id: 'acme', term: 'acme corp' }, { id: '2', pattern: 'globex\\w*' }]);

  // A policy, opened from the keyboard: stricter on violent prompts, no hate filter on completions, the blocklist on.
  await page.getByRole('button', { name: 'New policy' }).focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New safety policy' });
  await dialog.getByLabel('Policy name').fill('strict');
  await dialog.getByLabel('Prompt violence').selectOption('low');
  await dialog.getByLabel('Completion hate').selectOption('off');
  await dialog.getByRole('checkbox', { name: 'rivals' }).check();
  await dialog.getByRole('button', { name: 'Save policy' }).click();
  await policies.getByTestId('policy-strict').waitFor();
  expect(await studio.admin('GET', '/api/safety-policies/strict')).toMatchObject({
    prompt: { hate: 'medium', sexual: 'medium', violence: 'low', self_harm: 'medium' },
    completion: { hate: 'off', sexual: 'medium', violence: 'medium', self_harm: 'medium' },
    jailbreak: true,
    blocklists: ['rivals'],
  });
  expect(await policies.getByTestId('policy-strict').textContent()).toContain('violence low');

  // Edit it: its settings come back into the form; Escape leaves without saving.
  await policies.getByRole('button', { name: 'Edit policy strict' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit policy strict' });
  // Focus starts in the form, on its first threshold.
  expect(await edit.getByLabel('Prompt hate').evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  expect(await edit.getByLabel('Prompt violence').inputValue()).toBe('low');
  expect(await edit.getByRole('checkbox', { name: 'rivals' }).isChecked()).toBe(true);
  await edit.getByLabel('Prompt sexual').selectOption('high');
  await edit.getByRole('checkbox', { name: /jailbreak/ }).uncheck();
  await edit.getByRole('button', { name: 'Save policy' }).click();
  await expect.poll(async () => (await studio.admin('GET', '/api/safety-policies/strict')).prompt.sexual).toBe('high');
  expect((await studio.admin('GET', '/api/safety-policies/strict')).jailbreak).toBe(false);
  await policies.getByRole('button', { name: 'Edit policy strict' }).click();
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByRole('dialog').count()).toBe(0);
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('shows a classifier set through the API, and editing the policy from the page keeps it', async () => {
  await studio.admin('PUT', '/api/safety-policies/judged', { classifier: { type: 'llm_judge', deployment: 'guarded' } });
  const page = await openSafety('safety-classifier');
  const row = page.getByRole('table', { name: 'Safety policies' }).getByTestId('policy-judged');
  await expect.poll(() => row.textContent()).toContain('LLM judge on deployment guarded');
  await row.getByRole('button', { name: 'Edit policy judged' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit policy judged' });
  expect(await edit.getByTestId('policy-classifier').textContent()).toContain('LLM judge on deployment guarded');
  await edit.getByLabel('Completion violence').selectOption('high');
  await edit.getByRole('button', { name: 'Save policy' }).click();
  await expect.poll(async () => (await studio.admin('GET', '/api/safety-policies/judged')).completion.violence).toBe('high');
  expect((await studio.admin('GET', '/api/safety-policies/judged')).classifier).toEqual({ type: 'llm_judge', deployment: 'guarded' });
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('refuses to delete a policy a deployment uses, or a blocklist a policy names, saying why in the dialog', async () => {
  await studio.admin('PUT', '/api/blocklists/named', { items: [{ id: '1', term: 'initech' }] });
  await studio.admin('PUT', '/api/safety-policies/in-use', { blocklists: ['named'] });
  await studio.admin('PUT', '/api/safety-policies/spare', {});
  await studio.admin('POST', '/api/deployments', { name: 'holder', model: 'weir-extractive', safety_policy: 'in-use' });
  const page = await openSafety('safety-in-use');
  const policies = page.getByRole('table', { name: 'Safety policies' });

  await policies.getByRole('button', { name: 'Delete policy in-use' }).click();
  let dialog = page.getByRole('dialog', { name: 'Delete policy in-use' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  const refusal = dialog.getByRole('alert');
  await refusal.waitFor();
  expect(await refusal.textContent()).toBe('Not deleted: deployment "holder" uses safety policy "in-use"; give it another first');
  await dialog.getByRole('button', { name: 'Close' }).click();
  expect((await studio.admin('GET', '/api/safety-policies/in-use')).blocklists).toEqual(['named']);

  await page.getByRole('button', { name: 'Delete blocklist named' }).click();
  dialog = page.getByRole('dialog', { name: 'Delete blocklist named' });
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await dialog.getByRole('alert').waitFor();
  expect(await dialog.getByRole('alert').textContent()).toBe('Not deleted: safety policy "in-use" uses blocklist "named"; take it out first');
  await dialog.getByRole('button', { name: 'Close' }).click();

  // One nothing uses goes.
  await policies.getByRole('button', { name: 'Delete policy spare' }).click();
  await page.getByRole('dialog', { name: 'Delete policy spare' }).getByRole('button', { name: 'Delete' }).click();
  await expect.poll(() => policies.getByTestId('policy-spare').count()).toBe(0);
  expect((await studio.admin('GET', '/api/safety-policies')).data.map((p: any) => p.name)).not.toContain('spare');
  expect(unexpectedErrors()).toEqual([]);
}, 60_000);

it('a policy chosen on the deployment\'s page applies to its calls; filtered calls show under their category, without their text', async () => {
  await studio.admin('PUT', '/api/blocklists/brands', { items: [{ id: 'umbrella', term: 'umbrella corporation' }] });
  await studio.admin('PUT', '/api/safety-policies/watchful', { blocklists: ['brands'] });
  const page = await studio.open('deployments/guarded');
  watch(page, 'safety-assign');
  const governance = page.getByRole('region', { name: 'Governance' });
  const select = governance.getByRole('combobox', { name: 'Safety policy' });
  await expect.poll(() => select.locator('option').allTextContents()).toContain('watchful');
  expect(await select.inputValue()).toBe('default');
  await select.selectOption('watchful');
  await expect.poll(async () => (await studio.admin('GET', '/api/deployments/guarded')).safety_policy).toBe('watchful');
  await expect.poll(() => select.inputValue()).toBe('watchful');

  // Calls: a blocklisted name (filtered once the policy is in force), a threat (violence, high), a clean question.
  await until('the policy to be in force', async () => (await chat('guarded', 'What does Umbrella Corporation sell?')) === 400, 10_000);
  expect(await chat('guarded', "I'm going to kill you when you get home tonight.")).toBe(400);
  expect(await chat('guarded', 'Which city lies on the Danube?')).toBe(200);
  const recorded = async (q: string) => (await studio.admin('GET', `/api/usage/calls?filtered=true${q}`)).data as any[];
  await until('the filtered calls to be recorded', async () => (await recorded('')).length >= 2, 10_000);
  const violent = await recorded('&category=violence');
  expect(violent.map((c) => c.filtered)).toEqual([['prompt:violence']]);

  const safety = await openSafety('safety-filtered');
  const panel = safety.getByRole('region', { name: 'Recent filtered calls' });
  const rows = panel.getByRole('table', { name: 'Filtered calls' }).locator('tbody tr');
  await expect.poll(() => rows.count()).toBe((await recorded('')).length);
  expect(await panel.getByTestId('count-violence').textContent()).toBe('violence 1');
  expect(await panel.getByTestId('count-blocklist').textContent()).toBe('blocklist 1');
  expect(await panel.getByTestId('count-hate').textContent()).toBe('hate 0');

  await panel.getByRole('combobox', { name: 'Category' }).selectOption('violence');
  await expect.poll(() => rows.count()).toBe(1);
  const row = panel.getByTestId(`call-${violent[0].id}`);
  expect(await row.getByTestId('call-status').textContent()).toBe('400');
  expect(await row.getByTestId('call-filtered').textContent()).toBe('prompt · violence');
  expect(await row.getByRole('link', { name: 'guarded' }).getAttribute('href')).toBe('#/deployments/guarded');
  expect(await safety.locator('body').textContent()).not.toMatch(/kill you|Umbrella/i);
  expect(unexpectedErrors()).toEqual([]);
}, 90_000);
