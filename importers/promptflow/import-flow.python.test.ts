/**
 * The five prompt flow development flows (../shared/promptflow-dev) through the importer, with the
 * real python3 reading their tools' signatures: what each report says, and that every flow written
 * validates with Weir's validator, from files and stored inline.
 */
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { chatShape } from '../../engine/flow/chat-shape.ts';
import { FlowLibrary, loadFlowFile } from '../../engine/flow/load.ts';
import { validateFlow } from '../../engine/flow/validate.ts';
import { NodeRegistry } from '../../engine/registry.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { importPromptflow } from './import-flow.ts';
import { readFolder } from './read-source.ts';
import type { ImportItem, ImportOptions, ImportResult } from './types.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEV = path.resolve(ROOT, '../shared/promptflow-dev');
const registry = new NodeRegistry(builtinNodes);
const tmp = mkdtempSync(path.join(os.tmpdir(), 'weir-pf-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type Doc = { name: string; skip_when?: string; inputs?: Record<string, Record<string, unknown>>; outputs?: Record<string, Record<string, unknown>>; nodes: { name: string; type: string; inputs?: Record<string, unknown>; config?: Record<string, unknown>; activate?: unknown; aggregation?: boolean }[] };
const docOf = (r: ImportResult, i = 0) => parse(r.flows[i].yaml) as Doc;
const node = (r: ImportResult, name: string, i = 0) => docOf(r, i).nodes.find((n) => n.name === name)!;
const items = (r: ImportResult, what: RegExp): ImportItem[] => r.report.items.filter((i) => what.test(i.what));
const needsAttention = (r: ImportResult) => r.report.items.filter((i) => i.status === 'attention' || i.status === 'not_converted').map((i) => i.what);

async function importDev(flow: string, opts: ImportOptions = {}): Promise<ImportResult> {
  return importPromptflow(readFolder(path.join(DEV, flow)).files, { name: flow, ...opts });
}

/** Writes the result into a folder and validates each flow there, as `weir validate` does. */
async function validateWritten(r: ImportResult, folder: string): Promise<string[]> {
  const dir = path.join(tmp, folder);
  for (const f of r.files) {
    mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    writeFileSync(path.join(dir, f.path), f.content);
  }
  mkdirSync(dir, { recursive: true });
  for (const f of r.flows) writeFileSync(path.join(dir, `${f.name}.flow.yaml`), f.yaml);
  const lib = await FlowLibrary.fromDir(dir, registry);
  const problems: string[] = [];
  for (const f of r.flows) {
    const v = lib.validate(await loadFlowFile(path.join(dir, `${f.name}.flow.yaml`)));
    problems.push(...v.problems.filter((p) => p.severity !== 'warning').map((p) => `${f.name}: ${p.code} ${p.message}`));
  }
  return problems;
}

const present = existsSync(path.join(DEV, 'basic', 'flow.dag.yaml'));
if (!present) console.warn(`skipped: the prompt flow development set is missing at ${DEV} (../shared/promptflow-dev)`);

describe.skipIf(!present)(`the prompt flow development set (${path.relative(ROOT, DEV)})`, () => {
  it('basic: the Python tool with its signature, "120" → 120, and what it imports that the standard library lacks', async () => {
    const r = await importDev('basic');
    expect(r.outcome).toBe('attention');
    const llm = node(r, 'llm');
    expect(llm.type).toBe('python');
    expect(llm.config).toMatchObject({ code_file: 'hello.py', function: 'my_python_tool', requirements: ['promptflow[azure]', 'promptflow-tools', 'python-dotenv'] });
    expect((llm.config?.signature as { kwargs: boolean }).kwargs).toBe(true);
    expect(llm.inputs).toEqual({ prompt: '${hello_prompt.output}', deployment_name: 'gpt-35-turbo-instruct', max_tokens: 120 });
    expect(items(r, /max_tokens "120" → 120/)[0]).toMatchObject({ status: 'changed', source: { file: 'flow.dag.yaml', line: 28 } });
    expect(items(r, /hello.py imports openai, dotenv/)[0]).toMatchObject({ status: 'attention', source: { file: 'hello.py', line: 2 } });
    expect(items(r, /reads environment variables/)[0].source).toEqual({ file: 'hello.py', line: 21 });
    expect(node(r, 'hello_prompt')).toMatchObject({ type: 'prompt', config: { template_file: 'hello.jinja2' } });
    expect(items(r, /run file run.yml/)[0].todo).toContain("weir run basic.flow.yaml --data data.jsonl --column-mapping 'text=${data.text}'");
    expect(r.files.map((f) => f.path).sort()).toEqual(['data.jsonl', 'hello.jinja2', 'hello.py']);
    expect(await validateWritten(r, 'basic')).toEqual([]);
  });

  it('web-classification: the default variant inline, variant_1 as its own flow differing only in that node', async () => {
    const r = await importDev('web-classification', { deploymentMap: { 'gpt-35-turbo': 'chat' } });
    expect(r.flows.map((f) => f.name)).toEqual(['web-classification', 'web-classification@variant_1']);
    const main = docOf(r, 0);
    const variant = docOf(r, 1);
    expect(node(r, 'summarize_text_content', 0).config).toEqual({ mode: 'chat', deployment: 'chat', max_tokens: 128, temperature: 0.2, template_file: 'summarize_text_content.jinja2' });
    expect(node(r, 'summarize_text_content', 1).config).toEqual({ mode: 'chat', deployment: 'chat', max_tokens: 256, temperature: 0.3, template_file: 'summarize_text_content__variant_1.jinja2' });
    const others = (d: Doc) => ({ ...d, name: '', nodes: d.nodes.filter((n) => n.name !== 'summarize_text_content') });
    expect(others(variant)).toEqual(others(main));
    expect(variant.nodes.map((n) => n.name)).toEqual(main.nodes.map((n) => n.name));
    expect(node(r, 'classify_with_llm').inputs).toEqual({ url: '${inputs.url}', text_content: '${summarize_text_content.output}', examples: '${prepare_examples.output}' });
    expect(node(r, 'convert_to_dict').config).toMatchObject({ function: 'convert_to_dict', code_file: 'convert_to_dict.py' });
    expect(needsAttention(r)).toEqual(['requirements: bs4', 'node fetch_text_content_from_url: fetch_text_content_from_url.py imports bs4, requests']);
    expect(items(r, /run file run.yml/)[0].todo).toContain('weir run web-classification@variant_1.flow.yaml --data data.jsonl');
    expect(items(r, /run file run_evaluation.yml/)[0].todo).toContain("--column-mapping 'prediction=${run.outputs.category}'");
    expect(items(r, /variant variant_1 of node summarize_text_content/)[0].todo).toContain('weir run web-classification@variant_1.flow.yaml --data data.jsonl');
    expect(r.files.map((f) => f.path)).toContain('summarize_text_content__variant_1.jinja2');
    expect(await validateWritten(r, 'web-classification')).toEqual([]);
  });

  it('conditional-flow-for-switch: activate kept under the bypass rule; converted clean with the model mapped', async () => {
    const r = await importDev('conditional-flow-for-switch', { deploymentMap: { '*': 'chat' } });
    expect(r.outcome).toBe('converted');
    const doc = docOf(r);
    expect(doc.skip_when).toBe('all_inputs_skipped');
    expect(node(r, 'order_search').activate).toEqual({ when: '${class_check.output}', is: 'order_search' });
    const params = (node(r, 'generate_response').config?.signature as { params: { name: string; has_default: boolean; default?: unknown }[] }).params;
    expect(params.map((p) => [p.name, p.has_default, p.default])).toEqual([['order_search', true, ''], ['product_info', true, ''], ['product_recommendation', true, '']]);
    expect(await validateWritten(r, 'conditional')).toEqual([]);
  });

  it('chat-basic: the chat markers kept (chat_history marked), the connection to check when the model is not mapped', async () => {
    const r = await importDev('chat-basic');
    expect(r.outcome).toBe('attention');
    expect(needsAttention(r)).toEqual(['node chat: calls model gpt-35-turbo on connection open_ai_connection']);
    expect(items(r, /on connection open_ai_connection/)[0].source).toEqual({ file: 'flow.dag.yaml', line: 31 });
    const doc = docOf(r);
    expect(doc.inputs?.chat_history).toEqual({ type: 'list', default: [], is_chat_history: true });
    expect(doc.inputs?.question).toMatchObject({ is_chat_input: true });
    expect(doc.outputs?.answer).toEqual({ reference: '${chat.output}', type: 'string', is_chat_output: true });
    expect(chatShape(doc)).toMatchObject({ ok: true, input: 'question', history: 'chat_history', output: 'answer' });
    expect(node(r, 'chat').config).toEqual({ mode: 'chat', connection: 'open_ai_connection', model: 'gpt-35-turbo', max_tokens: 256, temperature: 0.7, template_file: 'chat.jinja2' });
    const mapped = await importDev('chat-basic', { deploymentMap: { 'gpt-3.5-turbo': 'chat' } });
    expect(mapped.outcome).toBe('converted');
    expect(node(mapped, 'chat').config?.deployment).toBe('chat');
    expect(await validateWritten(mapped, 'chat-basic')).toEqual([]);
  });

  it('eval-classification-accuracy: the aggregation node kept, converted clean', async () => {
    const r = await importDev('eval-classification-accuracy');
    expect(r.outcome).toBe('converted');
    expect(node(r, 'calculate_accuracy')).toMatchObject({ type: 'python', aggregation: true, inputs: { grades: '${grade.output}' } });
    expect(await validateWritten(r, 'eval')).toEqual([]);
  });

  it('inline: code, other modules and templates go into the config, and the stored flows validate with no folder', async () => {
    for (const flow of ['web-classification', 'conditional-flow-for-switch', 'eval-classification-accuracy', 'basic', 'chat-basic']) {
      const r = await importDev(flow, { inline: true, deploymentMap: { '*': 'chat' } });
      expect(r.files).toEqual([]);
      for (const f of r.flows) {
        const doc = parse(f.yaml) as Doc;
        for (const n of doc.nodes) expect(n.config?.code_file ?? n.config?.template_file).toBeUndefined();
        const problems = validateFlow(doc, { registry }).problems.filter((p) => p.severity !== 'warning');
        expect(problems, `${f.name}: ${problems.map((p) => p.message).join('; ')}`).toEqual([]);
      }
    }
    const web = await importDev('web-classification', { inline: true });
    const convert = node(web, 'convert_to_dict').config!;
    expect(String(convert.code)).toContain('def convert_to_dict');
    expect(Object.keys(convert.modules as Record<string, string>)).toContain('prepare_examples.py');
  });
});
