/**
 * Bugs found by importing real prompt flows beyond the development set (microsoft/promptflow
 * examples/flows) that need no Python: each reproduced by a reduced flow of our own.
 * (Those whose tools' signatures python3 reads: real-flows.python.test.ts.)
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { importPromptflow } from './import-flow.ts';
import { readFolder } from './read-source.ts';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'weir-pf-real-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('deployment_name and model naming the same model (chat-math-variant)', () => {
  it('names it once in the report', async () => {
    const r = await importPromptflow(readFolder(path.join(FIXTURES, 'same-model-name')).files, { name: 'same' });
    const item = r.report.items.find((i) => i.what === 'node chat: calls model gpt-4 on connection open_ai_connection');
    expect(item?.why).toBe('no --deployment-map entry names gpt-4, so the node calls the connection directly');
  });
});

describe('a file shared by a symbolic link (flow-with-symlinks)', () => {
  const DAG = 'inputs:\n  q: { type: string }\noutputs:\n  a: { reference: "${p.output}" }\nnodes:\n- name: p\n  type: prompt\n  source: { type: code, path: p.jinja2 }\n  inputs: { q: "${inputs.q}" }\n';

  it('is left out with what to do instead, and doing it (additional_includes) brings the file in', async () => {
    mkdirSync(path.join(tmp, 'shared'));
    mkdirSync(path.join(tmp, 'flow'));
    writeFileSync(path.join(tmp, 'shared', 'p.jinja2'), 'Say {{q}}');
    writeFileSync(path.join(tmp, 'flow', 'flow.dag.yaml'), DAG);
    symlinkSync('../shared/p.jinja2', path.join(tmp, 'flow', 'p.jinja2'));
    const linked = readFolder(path.join(tmp, 'flow'));
    expect(linked.files.has('p.jinja2')).toBe(false);
    expect(linked.skipped).toEqual([{ path: 'p.jinja2', why: 'it is a symbolic link (not followed: it may point anywhere); copy the file in, or list its target in additional_includes (../shared/p.jinja2)' }]);

    writeFileSync(path.join(tmp, 'flow', 'flow.dag.yaml'), `${DAG}additional_includes:\n- ../shared/p.jinja2\n`);
    const r = await importPromptflow(readFolder(path.join(tmp, 'flow')).files, { name: 'linked' });
    expect((parse(r.flows[0].yaml) as { nodes: { config: unknown }[] }).nodes[0].config).toEqual({ template_file: 'p.jinja2' });
    expect(r.files).toEqual([{ path: 'p.jinja2', content: 'Say {{q}}' }]);
  });
});

describe("an Azure OpenAI connection file with the sample's word for its endpoint (examples/connections/azure_openai.yml)", () => {
  it('lists api_base as missing instead of creating a connection to "aoai-api-endpoint"', async () => {
    const files = new Map(Object.entries({
      'flow.dag.yaml': 'inputs: {}\nnodes: []\n',
      'aoai.yml': 'name: aoai\ntype: azure_open_ai\napi_key: ${env:AOAI_KEY}\napi_base: "aoai-api-endpoint"\napi_type: "azure"\napi_version: "2023-03-15-preview"\n',
    }));
    const r = await importPromptflow(files, { env: { AOAI_KEY: 'k' } });
    expect(r.connections).toEqual([{ name: 'aoai', type: 'azure_openai', settings: { base_url: '', api_version: '2023-03-15-preview', flavor: 'azure' }, secrets: { api_key: 'k' }, missing: ['api_base'] }]);
    expect(r.report.items.find((i) => i.what === 'connection aoai (azure_open_ai → azure_openai)')?.status).toBe('attention');
  });
});

describe("promptflow-tools' llm tool with api as an input (use_tools_with_chat_models)", () => {
  it('takes the mode from it, and does not pass api to the template', async () => {
    const r = await importPromptflow(readFolder(path.join(FIXTURES, 'llm-tool-api')).files, { name: 'api', deploymentMap: { '*': 'chat' } });
    const node = (parse(r.flows[0].yaml) as { nodes: { inputs: unknown; config: Record<string, unknown> }[] }).nodes[0];
    expect(node.config).toMatchObject({ mode: 'completion', deployment: 'chat', max_tokens: 64, template_file: 'complete.jinja2' });
    expect(node.inputs).toEqual({ text: '${inputs.text}' });
  });
});

describe('files a flow names by value (llmlingua few_shot_exp_path, chat-with-calorie-assistant assistant_definition)', () => {
  it('are copied beside the flow, or named as not stored when the flow is stored inline', async () => {
    const upload = readFolder(path.join(FIXTURES, 'named-file')).files;
    const r = await importPromptflow(upload, { name: 'named' });
    expect(r.files.map((f) => f.path).sort()).toEqual(['assistant_definition.yaml', 'few_shot_examples.txt', 'show.jinja2']);
    expect(r.report.items.filter((i) => / copied$/.test(i.what)).map((i) => [i.status, i.what, i.why])).toEqual([
      ['converted', 'few_shot_examples.txt copied', 'the default of input examples_path names it; the tool reads it from the flow folder'],
      ['converted', 'assistant_definition.yaml copied', 'input definition of node show names it; the tool reads it from the flow folder'],
    ]);
    const inline = await importPromptflow(upload, { name: 'named', inline: true });
    expect(inline.files).toEqual([]);
    expect(inline.report.items.filter((i) => /not stored with the flow/.test(i.what)).map((i) => i.status)).toEqual(['attention', 'attention']);
  });
});
