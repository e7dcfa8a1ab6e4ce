/**
 * Import from prompt flow in the studio, against the real server and Chromium: the chat-basic
 * folder zipped and picked as a .zip, checked on the spot (a dry run that offers its model as a
 * deployment mapping row), mapped to a Weir deployment, imported, its report read, and the created
 * flow opened; then a whole folder picked (webkitdirectory) with its variant flow linked. A *.python
 * test: the server's importer runs python3 to read tool signatures and the standard library.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devFlowFiles, hasPromptflowDev, NEEDS_DEV_SET, PROMPTFLOW_DEV, zipOf } from '../helpers/promptflow-dev.ts';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';
import { until } from './gateway-calls.ts';

describe.skipIf(!hasPromptflowDev)(`studio: import from prompt flow (${NEEDS_DEV_SET})`, () => {
  let studio: Studio;
  beforeAll(async () => {
    studio = await startStudio({ examples: false });
    await studio.admin('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' });
    await until('chat to be ready', async () => (await studio.admin('GET', '/api/deployments/chat')).state === 'ready');
  }, 120_000);
  afterAll(async () => {
    await studio?.close();
  }, 30_000);

  it('imports chat-basic picked as a .zip, its model mapped to a Weir deployment, and opens the created flow', async () => {
    const page = await studio.open('flows');
    watch(page, 'import-promptflow-zip');
    await page.getByRole('heading', { name: 'Flows', level: 1 }).waitFor();
    // Opened from the keyboard.
    await page.getByRole('button', { name: 'Import from prompt flow' }).focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Import from prompt flow' });
    await dialog.waitFor();
    const zip = await zipOf(devFlowFiles('chat-basic'), 'chat-basic/');
    await dialog.getByLabel('Prompt flow zip file').setInputFiles({ name: 'chat-basic.zip', mimeType: 'application/zip', buffer: Buffer.from(zip) });

    // Checked at once: nothing saved, its name from the zip, its model offered for mapping.
    await expect.poll(() => dialog.getByTestId('import-outcome').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('attention');
    expect(await dialog.getByTestId('import-outcome').textContent()).toContain('nothing is saved yet');
    expect(await dialog.getByTestId('import-picked').textContent()).toBe('chat-basic.zip');
    expect(await dialog.getByLabel('Imported flow name').inputValue()).toBe('chat-basic');
    expect(await dialog.getByLabel('Prompt flow deployment 1').inputValue()).toBe('gpt-35-turbo');
    expect((await studio.admin('GET', '/api/flows')).data).toEqual([]);

    await dialog.getByLabel('Weir deployment 1').selectOption('chat');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    const report = dialog.getByRole('region', { name: 'Import report' });
    await expect.poll(() => report.getByTestId('import-outcome').textContent(), { timeout: 30_000 }).toMatch(/^Imported/);
    // Counts per status, and each item that is not plain converted with its file:line, why and what to do.
    expect(Number((await report.getByTestId('count-changed').textContent())!.replace(/\D+/g, ''))).toBeGreaterThan(0);
    const changed = report.getByTestId('import-item').filter({ hasText: 'max_tokens' }).first();
    await report.getByText(/^Converted \(\d+\)$/).click();
    expect(await changed.textContent()).toMatch(/flow\.dag\.yaml:\d+/);
    expect(await changed.textContent()).toContain('Why');
    await report.getByRole('link', { name: 'chat-basic' }).waitFor();

    const flow = await studio.admin('GET', '/api/flows/chat-basic');
    expect(flow.definition.nodes[0].config).toMatchObject({ deployment: 'chat' });
    await dialog.getByRole('button', { name: 'Open chat-basic' }).click();
    await page.getByRole('heading', { name: 'chat-basic', level: 1 }).waitFor();
    await page.locator('.react-flow__node').filter({ hasText: 'chat' }).first().waitFor();
    expect(studio.consoleErrors).toEqual([]);
  }, 90_000);

  it('imports a picked folder: its variant flow is linked, a name taken is said before importing, and items needing attention show file:line', async () => {
    const page = await studio.open('flows');
    watch(page, 'import-promptflow-folder');
    await page.getByRole('button', { name: 'Import from prompt flow' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import from prompt flow' });
    await dialog.getByLabel('Prompt flow folder').setInputFiles(path.join(PROMPTFLOW_DEV, 'web-classification'));
    await expect.poll(() => dialog.getByTestId('import-picked').textContent(), { timeout: 30_000 }).toMatch(/^web-classification\/ \(\d+ files\)$/);
    await expect.poll(() => dialog.getByTestId('import-outcome').getAttribute('data-outcome'), { timeout: 30_000 }).toBe('attention');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    const report = dialog.getByRole('region', { name: 'Import report' });
    await report.getByRole('link', { name: 'web-classification@variant_1' }).waitFor({ timeout: 30_000 });
    const bs4 = report.getByTestId('import-item').filter({ hasText: 'bs4' }).first();
    expect(await bs4.getAttribute('data-status')).toBe('attention');
    expect(await bs4.textContent()).toContain('requirements.txt:3');
    expect(await bs4.textContent()).toContain('To do');
    await dialog.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('link', { name: 'web-classification@variant_1' }).waitFor();

    // The same folder again: the check says the name is taken, and importing without Replace is refused in the dialog.
    await page.getByRole('button', { name: 'Import from prompt flow' }).click();
    await dialog.getByLabel('Prompt flow folder').setInputFiles(path.join(PROMPTFLOW_DEV, 'web-classification'));
    await expect.poll(() => dialog.getByTestId('import-error').textContent(), { timeout: 30_000 }).toContain('already exists');
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => dialog.getByTestId('import-error').textContent(), { timeout: 30_000 }).toMatch(/replace=true/);
    await dialog.getByRole('checkbox', { name: /Replace existing flows/ }).check();
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await expect.poll(() => dialog.getByRole('region', { name: 'Import report' }).getByText('replaced the existing draft').count(), { timeout: 30_000 }).toBe(2);
    // The 409 above is Chromium's log of a refusal the dialog showed.
    expect(studio.consoleErrors.filter((e) => !e.includes('409 (Conflict)'))).toEqual([]);
  }, 90_000);

  it('never uploads what a picked folder holds beside the flow: .env, virtual environments, caches', async () => {
    // A folder made here (not the development set): a one-prompt flow, its secrets file and a venv.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'weir-pf-folder-'));
    const folder = path.join(dir, 'greeter');
    try {
      mkdirSync(path.join(folder, '.venv', 'lib'), { recursive: true });
      writeFileSync(path.join(folder, 'flow.dag.yaml'), 'inputs:\n  name: {type: string}\noutputs:\n  text: {type: string, reference: ${greet.output}}\nnodes:\n- name: greet\n  type: prompt\n  source: {type: code, path: greet.jinja2}\n  inputs: {name: ${inputs.name}}\n');
      writeFileSync(path.join(folder, 'greet.jinja2'), 'Hello {{name}}!\n');
      writeFileSync(path.join(folder, '.env'), 'OPENAI_API_KEY=sk-never-sent\n');
      writeFileSync(path.join(folder, '.venv', 'lib', 'site.py'), '# a virtual environment file\n');
      const page = await studio.open('flows');
      watch(page, 'import-promptflow-skipped');
      await page.getByRole('button', { name: 'Import from prompt flow' }).click();
      const dialog = page.getByRole('dialog', { name: 'Import from prompt flow' });
      await dialog.getByLabel('Prompt flow folder').setInputFiles(folder);
      await expect.poll(() => dialog.getByTestId('import-picked').textContent(), { timeout: 30_000 }).toBe('greeter/ (2 files)');
      await dialog.getByRole('button', { name: 'Import', exact: true }).click();
      await dialog.getByRole('region', { name: 'Import report' }).getByRole('link', { name: 'greeter' }).waitFor({ timeout: 30_000 });
      // The server lists what it left out of an upload; nothing was, because nothing else was sent.
      expect(await dialog.getByText(/^Left out:/).count()).toBe(0);
      expect((await studio.admin('GET', '/api/flows/greeter')).definition.nodes[0]).toMatchObject({ type: 'prompt', config: { template: 'Hello {{name}}!\n' } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
