/**
 * The editor's Versions panel against the real server: where each published version is deployed
 * (deployment names and traffic shares, as GET /api/deployments holds them), and "Deploy this
 * version" to an existing deployment (all its traffic) or to a new one.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startStudio, watch, type Studio } from '../helpers/studio.ts';

let studio: Studio;

beforeAll(async () => {
  studio = await startStudio();
  // Three published versions of the example flow `hello`, each with its own greeting.
  for (const n of [1, 2, 3]) {
    const draft = await studio.admin('GET', '/api/flows/hello');
    const def = structuredClone(draft.definition);
    def.nodes.find((x: { name: string }) => x.name === 'greet').config.template = `Hello, {{ name }}! (v${n})`;
    await studio.admin('PUT', '/api/flows/hello', def);
    expect((await studio.admin('POST', '/api/flows/hello/publish', { message: `v${n}` })).version).toBe(n);
  }
  await studio.admin('POST', '/api/deployments', { name: 'hello-prod', flow: 'hello', traffic: [{ version: 1, weight: 100 }] });
  await studio.admin('POST', '/api/deployments', { name: 'hello-canary', flow: 'hello', traffic: [{ version: 1, weight: 70 }, { version: 2, weight: 30 }] });
}, 60_000);
afterAll(async () => {
  await studio?.close();
}, 30_000);

async function openVersions(shot: string): Promise<Page> {
  const page = await studio.open('flows/hello');
  watch(page, shot);
  await page.getByRole('button', { name: 'Versions' }).click();
  await page.getByRole('complementary', { name: 'Versions' }).getByTestId('version-3-deployments').waitFor();
  return page;
}

const where = (page: Page, n: number) => page.getByTestId(`version-${n}-deployments`).textContent();
const traffic = async (name: string) => (await studio.admin('GET', `/api/deployments/${name}`)).traffic;

it('shows where each version is deployed, with each deployment\'s share of traffic', async () => {
  const page = await openVersions('versions-where');
  await expect.poll(() => where(page, 1)).toBe('hello-prod 100%hello-canary 70%');
  expect(await where(page, 2)).toBe('hello-canary 30%');
  expect(await where(page, 3)).toBe('not deployed');
  expect(await page.getByTestId('version-1-deployments').getByRole('link', { name: 'hello-prod 100%' }).getAttribute('href')).toBe('#/deployments/hello-prod');
});

it('deploys a version to an existing deployment: all of its traffic moves there', async () => {
  const page = await openVersions('versions-deploy-existing');
  await page.getByRole('button', { name: 'Deploy version 3' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deploy version 3' });
  await dialog.getByLabel('Deploy to').selectOption('hello-prod');
  await dialog.getByRole('button', { name: 'Send all traffic to v3' }).click();
  await dialog.waitFor({ state: 'detached' });
  await expect.poll(() => where(page, 3)).toBe('hello-prod 100%');
  expect(await where(page, 1)).toBe('hello-canary 70%');
  expect(await traffic('hello-prod')).toEqual([{ version: 3, weight: 100 }]);
  // The deployment serves it: a call answers with version 3.
  const key = (await studio.admin('POST', '/api/deployments/hello-prod/keys', { name: 'check' })).key;
  const res = await fetch(`${studio.server.url}/deployments/hello-prod/score`, {
    method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Ada' }),
  });
  expect(res.headers.get('weir-version')).toBe('3');
}, 60_000);

it('deploys a version as a new deployment', async () => {
  const page = await openVersions('versions-deploy-new');
  await page.getByRole('button', { name: 'Deploy version 2' }).click();
  const dialog = page.getByRole('dialog', { name: 'Deploy version 2' });
  await dialog.getByLabel('Deploy to').selectOption({ label: 'A new deployment…' });
  await dialog.getByRole('button', { name: 'Next' }).click();
  const create = page.getByRole('dialog', { name: 'New deployment' });
  // The versions load after the dialog opens ("Loading versions…" until then); version 2 is then chosen.
  await expect.poll(() => create.getByLabel('Version').inputValue()).toBe('2');
  await create.getByLabel('Deployment name').fill('hello-v2');
  await create.getByRole('button', { name: 'Deploy', exact: true }).click();
  await create.waitFor({ state: 'detached' });
  await expect.poll(() => where(page, 2)).toBe('hello-v2 100%hello-canary 30%');
  expect(await traffic('hello-v2')).toEqual([{ version: 2, weight: 100 }]);
  expect(studio.consoleErrors).toEqual([]);
}, 60_000);
