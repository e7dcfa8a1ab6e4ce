/**
 * The five prompt flow development flows (../shared/promptflow-dev, MIT, read in place), imported as a
 * migrating team would: into a real server, their llm nodes mapped to the offline extractive model,
 * their Python tools run in real python3 workers. What cannot run here is named, not hidden: two
 * tools import packages from PyPI (openai, bs4, requests), which no machine here can install.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinNodes } from '../nodes/index.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { startServer, type RunningServer } from '../engine/server.ts';
import { importPromptflow, type ImportResult } from '../importers/promptflow/import-flow.ts';
import { devFlowFiles, hasPromptflowDev, NEEDS_DEV_SET, PROMPTFLOW_DEV as DEV } from './helpers/promptflow-dev.ts';

const ADMIN = 'admin-token-for-promptflow-dev';
const MAP = { 'gpt-35-turbo': 'chat', 'gpt-3.5-turbo': 'chat', 'gpt-35-turbo-instruct': 'chat' };

let server: RunningServer;
let dir: string;

async function call(method: string, url: string, body?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${ADMIN}` };
  if (body !== undefined) headers['content-type'] = typeof body === 'string' ? 'application/yaml' : 'application/json';
  const res = await fetch(`${server.url}${url}`, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, json, text };
}

/** Imports one development flow (inline, as the studio stores it) and saves every flow it makes. */
async function importDev(name: string): Promise<ImportResult> {
  const result = await importPromptflow(devFlowFiles(name), { deploymentMap: MAP, inline: true, name });
  expect(result.outcome, JSON.stringify(result.report.items, null, 1)).not.toBe('failed');
  for (const f of result.flows) {
    const put = await call('PUT', `/api/flows/${encodeURIComponent(f.name)}`, f.yaml);
    expect(put.status, put.text).toBeLessThan(300);
    expect(put.json.problems.filter((p: { severity?: string }) => p.severity !== 'warning'), `${f.name}: ${JSON.stringify(put.json.problems)}`).toEqual([]);
  }
  return result;
}

const runDraft = (flow: string, inputs: Record<string, unknown>) => call('POST', `/api/flows/${encodeURIComponent(flow)}/runs`, { inputs });
const nodeStatus = (run: any, node: string) => run.trace.find((t: { node: string }) => t.node === node)?.status;

describe.skipIf(!hasPromptflowDev)(`the prompt flow development set, imported and run${hasPromptflowDev ? '' : ` (skipped: ${NEEDS_DEV_SET})`}`, () => {
  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'weir-pf-dev-'));
    server = await startServer({ registry: new NodeRegistry(builtinNodes), port: 0, dataDir: dir, adminToken: ADMIN, examplesDir: null });
    expect((await call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
    await server.workspace.models.get('chat');
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('chat-basic: a chat flow the web app can serve, answering through the mapped model with its history', async () => {
    await importDev('chat-basic');
    const flow = (await call('GET', '/api/flows/chat-basic')).json;
    expect(flow.source).toContain('is_chat_input: true');
    const first = await runDraft('chat-basic', { question: 'What is ChatGPT?', chat_history: [] });
    expect(first.json.status, first.text).toBe('succeeded');
    expect(typeof first.json.outputs.answer).toBe('string');
    expect(first.json.outputs.answer.length).toBeGreaterThan(0);
    const history = [{ inputs: { question: 'What is ChatGPT?' }, outputs: { answer: first.json.outputs.answer } }];
    const second = await runDraft('chat-basic', { question: 'And who made it?', chat_history: history });
    expect(second.json.status, second.text).toBe('succeeded');
    // The chat template's role lines made messages: the rendered prompt carries the history turn.
    expect(JSON.stringify(second.json.trace)).toContain('What is ChatGPT?');
  }, 60_000);

  it('conditional-flow-for-switch: exactly the branch class_check names runs, and the join runs with the others bypassed', async () => {
    await importDev('conditional-flow-for-switch');
    for (const query of ['When will my order be shipped?', 'Tell me about product_info please', 'xyz']) {
      const r = await runDraft('conditional-flow-for-switch', { query });
      expect(r.json.status, r.text).toBe('succeeded');
      const intent = r.json.trace.find((t: { node: string }) => t.node === 'class_check').output;
      const branches = ['order_search', 'product_info', 'product_recommendation'];
      for (const b of branches) expect(nodeStatus(r.json, b), `${query}: ${b}`).toBe(b === intent ? 'succeeded' : 'skipped');
      // prompt flow's bypass rule: generate_response reads three nodes, two (or all) bypassed, and still runs.
      expect(nodeStatus(r.json, 'generate_response')).toBe('succeeded');
      if (branches.includes(intent)) expect(r.json.outputs.response).not.toBe('Sorry, no results matching your search were found.');
      else expect(r.json.outputs.response).toBe('Sorry, no results matching your search were found.');
    }
  }, 120_000);

  it('eval-classification-accuracy: a batch run grades each line and its aggregation logs the accuracy metric', async () => {
    await importDev('eval-classification-accuracy');
    expect((await call('POST', '/api/flows/eval-classification-accuracy/publish', {})).status).toBeLessThan(300);
    const lines = readFileSync(path.join(DEV, 'eval-classification-accuracy/data.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const data = lines.map((l, i) => ({ groundtruth: l.groundtruth, prediction: i % 2 ? l.groundtruth : 'something else' }));
    const expected = Math.round((data.filter((d) => d.prediction.toLowerCase() === d.groundtruth.toLowerCase()).length / data.length) * 100) / 100;
    const created = await call('POST', '/api/batch-runs', { flow: 'eval-classification-accuracy', data });
    expect(created.status, created.text).toBeLessThan(300);
    let batch: any;
    for (let i = 0; i < 300; i++) {
      batch = (await call('GET', `/api/batch-runs/${created.json.id}`)).json;
      if (!['queued', 'running'].includes(batch.status)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(batch.status, JSON.stringify(batch)).toBe('completed');
    expect(batch.metrics.accuracy).toBe(expected);
  }, 120_000);

  it('web-classification: imports with its variant as a flow of its own; its fetch tool needs bs4 and requests, named', async () => {
    const result = await importDev('web-classification');
    expect(result.flows.map((f) => f.name)).toEqual(['web-classification', 'web-classification@variant_1']);
    const attention = JSON.stringify(result.report.items.filter((i) => i.status === 'attention'));
    expect(attention).toContain('bs4');
    const r = await runDraft('web-classification', { url: 'https://example.com' });
    expect(r.json.status).toBe('failed');
    expect(r.json.error.code).toBe('python_package_missing');
    expect(r.json.error.message).toMatch(/bs4|requests/);
    // The variant is the same flow but for the one node prompt flow varied.
    const main = (await call('GET', '/api/flows/web-classification')).json.definition;
    const variant = (await call('GET', `/api/flows/${encodeURIComponent('web-classification@variant_1')}`)).json.definition;
    const differing = main.nodes.filter((n: { name: string }, i: number) => JSON.stringify(n) !== JSON.stringify(variant.nodes[i])).map((n: { name: string }) => n.name);
    expect(differing).toEqual(['summarize_text_content']);
    expect(JSON.stringify(variant.nodes.find((n: { name: string }) => n.name === 'summarize_text_content'))).toContain('keywords');
  }, 120_000);

  it('basic: its llm is a Python tool calling OpenAI itself; the report and the run both name the missing package', async () => {
    const result = await importDev('basic');
    expect(JSON.stringify(result.report.items)).toContain('openai');
    expect(result.outcome).toBe('attention');
    const r = await runDraft('basic', { text: 'Python' });
    expect(r.json.status).toBe('failed');
    expect(r.json.error.code).toBe('python_package_missing');
    expect(r.json.error.message).toContain('openai');
    expect(r.json.trace.find((t: { node: string }) => t.node === 'hello_prompt').output).toBe('Write a simple Python program that displays the greeting message.');
  }, 120_000);
});
