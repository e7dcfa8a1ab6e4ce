/**
 * The importer over files in memory, for what needs no Python: llm and prompt nodes, model settings,
 * templates, inputs and outputs, package tools, connections and their secrets, includes, and hostile
 * uploads. (Python tools and the five development flows: import-flow.python.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { NodeRegistry } from '../../engine/registry.ts';
import { validateFlow } from '../../engine/flow/validate.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { importPromptflow } from './import-flow.ts';
import type { ImportItem, ImportResult } from './types.ts';

const registry = new NodeRegistry(builtinNodes);
const upload = (entries: Record<string, string | Uint8Array>) => new Map(Object.entries(entries));
const flowOf = (r: ImportResult, i = 0) => parse(r.flows[i].yaml) as { name: string; nodes: { name: string; type: string; inputs?: Record<string, unknown>; config?: Record<string, unknown>; activate?: unknown }[]; inputs?: Record<string, Record<string, unknown>>; outputs?: Record<string, Record<string, unknown>>; skip_when?: string };
const node = (r: ImportResult, name: string, i = 0) => flowOf(r, i).nodes.find((n) => n.name === name)!;
const item = (r: ImportResult, what: RegExp): ImportItem => {
  const found = r.report.items.find((i) => what.test(i.what));
  if (!found) throw new Error(`no item ${what}; items: ${r.report.items.map((i) => `${i.status} ${i.what}`).join(' | ')}`);
  return found;
};

const LLM_FLOW = `inputs:
  question: { type: string, default: hi }
  n: { type: int, default: "5" }
  ratio: { type: double }
  flag: { type: bool, default: "true" }
  pic: { type: image }
outputs:
  answer:
    type: string
    reference: \${answer.output}
  echo:
    reference: \${flow.question}
nodes:
- name: answer
  type: llm
  source: { type: code, path: answer.jinja2 }
  api: chat
  connection: aoai
  inputs:
    deployment_name: gpt-4
    model: gpt-4o
    max_tokens: "256"
    temperature: "0.5"
    top_p: 1
    stop: []
    logit_bias: {}
    presence_penalty: 0
    frequency_penalty: "0"
    question: \${flow.question}
`;

describe('llm nodes', () => {
  it('maps the deployment, coerces settings, drops empty ones and keeps the rest as template variables', async () => {
    const r = await importPromptflow(upload({ 'flow.dag.yaml': LLM_FLOW, 'answer.jinja2': '# system:\nBe brief.\n# user:\n{{question}}' }), { name: 'qa', deploymentMap: { 'gpt-4o': 'chat' } });
    const n = node(r, 'answer');
    expect(n.type).toBe('llm');
    expect(n.config).toEqual({ mode: 'chat', deployment: 'chat', max_tokens: 256, temperature: 0.5, top_p: 1, template_file: 'answer.jinja2' });
    expect(n.inputs).toEqual({ question: '${inputs.question}' });
    expect(item(r, /max_tokens "256" → 256/).status).toBe('changed');
    const dropped = item(r, /dropped$/);
    expect(dropped.what).toContain('stop');
    expect(dropped.what).toContain('logit_bias');
    expect(dropped.what).toContain('presence_penalty');
    expect(dropped.what).toContain('frequency_penalty');
    expect(dropped.status).toBe('changed');
    expect(item(r, /gpt-4o → deployment chat/).source).toEqual({ file: 'flow.dag.yaml', line: 20 });
    expect(r.files.map((f) => f.path)).toEqual(['answer.jinja2']);
  });

  it('maps flow input types and outputs, ${flow.x} → ${inputs.x}, and writes the bypass rule', async () => {
    const r = await importPromptflow(upload({ 'flow.dag.yaml': LLM_FLOW, 'answer.jinja2': '{{question}}' }), { name: 'qa', deploymentMap: { '*': 'chat' } });
    const f = flowOf(r);
    expect(f.skip_when).toBe('all_inputs_skipped');
    expect(f.inputs).toEqual({
      question: { type: 'string', default: 'hi' }, n: { type: 'integer', default: 5 }, ratio: { type: 'number' },
      flag: { type: 'boolean', default: true }, pic: { type: 'any' },
    });
    expect(f.outputs).toEqual({ answer: { reference: '${answer.output}', type: 'string' }, echo: { reference: '${inputs.question}' } });
    expect(item(r, /input pic: type image/)).toMatchObject({ status: 'attention', source: { file: 'flow.dag.yaml', line: 6 } });
    expect(item(r, /output echo: \$\{flow.question\} → \$\{inputs.question\}/).status).toBe('changed');
    expect(r.outcome).toBe('attention');
  });

  it('calls the connection when no deployment is mapped, naming the model its type expects, and says to check it', async () => {
    const conn = 'name: aoai\ntype: azure_open_ai\napi_key: ${env:AOAI_KEY}\napi_base: https://x.openai.azure.com\n';
    const r = await importPromptflow(upload({ 'flow.dag.yaml': LLM_FLOW, 'answer.jinja2': '{{question}}', 'aoai.yaml': conn }), { name: 'qa', env: { AOAI_KEY: 'k' } });
    expect(node(r, 'answer').config).toMatchObject({ connection: 'aoai', model: 'gpt-4' });
    expect(item(r, /calls model gpt-4 on connection aoai/)).toMatchObject({ status: 'attention', source: { line: 18 } });
  });

  it('names the settings Weir lacks, and settings bound to references, as attention', async () => {
    const dag = `nodes:
- name: a
  type: llm
  source: { type: code, path: a.jinja2 }
  api: completion
  inputs:
    deployment_name: d
    presence_penalty: 0.5
    response_format: { type: json_object }
    tools: [{ type: function }]
    temperature: \${inputs.t}
    stop: "END"
inputs:
  t: { type: double }
`;
    const r = await importPromptflow(upload({ 'flow.dag.yaml': dag, 'a.jinja2': 'x' }), { deploymentMap: { d: 'chat' } });
    const lacking = item(r, /not supported/);
    expect(lacking.status).toBe('attention');
    expect(lacking.what).toContain('presence_penalty, response_format, tools');
    expect(lacking.why).toContain('issue #19');
    expect(item(r, /temperature comes from \$\{inputs.t\}/).status).toBe('attention');
    expect(node(r, 'a').config).toEqual({ mode: 'completion', deployment: 'chat', stop: ['END'], template_file: 'a.jinja2' });
  });

  it('reports image syntax and templates that do not parse, with their lines; function role lines are read, what differs is said', async () => {
    const dag = `nodes:
- name: a
  type: llm
  source: { type: code, path: a.jinja2 }
  inputs: { deployment_name: d }
- name: b
  type: prompt
  source: { type: code, path: b.jinja2 }
`;
    const a = '# system:\nhi\n# function:\n## name:\nget_weather\n# user:\n![image]({{pic}})\n';
    const r = await importPromptflow(upload({ 'flow.dag.yaml': dag, 'a.jinja2': a, 'b.jinja2': 'line one\n{% if x %}\nunclosed' }), { deploymentMap: { d: 'chat' } });
    // Weir's llm node reads prompt flow's function: messages (issue #19): a change, not a blocker.
    expect(r.report.items.filter((i) => i.status === 'attention' && /a\.jinja2/.test(i.what)).map((i) => i.what)).toEqual(['template a.jinja2: image input']);
    expect(item(r, /function messages → tool messages/)).toMatchObject({ status: 'changed', source: { file: 'a.jinja2', line: 3 } });
    expect(item(r, /image input/)).toMatchObject({ status: 'attention', source: { file: 'a.jinja2', line: 7 } });
    expect(item(r, /b.jinja2 does not parse/)).toMatchObject({ status: 'attention', source: { file: 'b.jinja2' } });
  });

  it('takes promptflow-tools\' LLM as custom_llm, and node paths written ./like/this', async () => {
    const dag = `nodes:
- name: a
  type: custom_llm
  source: { type: package_with_prompt, tool: promptflow.tools.llm.llm, path: ./prompts//a.jinja2 }
  inputs: { connection: conn, deployment_name: gpt-4, max_tokens: 10, topic: x }
  provider: AzureOpenAI
`;
    const r = await importPromptflow(upload({ 'flow.dag.yaml': dag, 'prompts/a.jinja2': 'about {{topic}}' }), { deploymentMap: { 'gpt-4': 'chat' } });
    expect(node(r, 'a')).toEqual({ name: 'a', type: 'llm', inputs: { topic: 'x' }, config: { mode: 'chat', deployment: 'chat', max_tokens: 10, template_file: 'prompts/a.jinja2' } });
    expect(r.files.map((f) => f.path)).toEqual(['prompts/a.jinja2']);
    expect(item(r, /provider\/module dropped/).status).toBe('changed');
  });

  it('writes templates and variants inline when asked, with no files', async () => {
    const r = await importPromptflow(upload({ 'flow.dag.yaml': LLM_FLOW, 'answer.jinja2': 'Q: {{question}}' }), { name: 'qa', inline: true, deploymentMap: { '*': 'chat' } });
    expect(r.files).toEqual([]);
    expect(node(r, 'answer').config?.template).toBe('Q: {{question}}');
    const v = validateFlow(flowOf(r), { registry });
    expect(v.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
  });
});

describe('package tools and unknown nodes', () => {
  const dag = `inputs:
  q: { type: string }
outputs:
  hits: \${lookup.output}
  other: \${serp.output}
nodes:
- name: vec
  type: python
  source: { type: package, tool: promptflow.tools.embedding.embedding }
  inputs: { connection: aoai, deployment_name: ada, input: \${inputs.q} }
- name: lookup
  type: python
  source: { type: package, tool: promptflow_vectordb.tool.vector_index_lookup.VectorIndexLookup.search }
  inputs: { path: ./indexes/Product Docs, query: \${vec.output}, top_k: 3 }
- name: serp
  type: python
  source: { type: package, tool: promptflow.tools.serpapi.SerpAPI.search }
  inputs: { query: \${inputs.q}, engine: google }
- name: odd
  type: typescript
  inputs: { x: 1 }
`;
  it('embedding → embed, vector lookup → vector_lookup (the index to create), others kept as failing placeholders', async () => {
    const r = await importPromptflow(upload({ 'flow.dag.yaml': dag }), { deploymentMap: { ada: 'embedder' } });
    expect(node(r, 'vec')).toMatchObject({ type: 'embed', inputs: { text: '${inputs.q}' }, config: { deployment: 'embedder' } });
    expect(node(r, 'lookup')).toMatchObject({ type: 'vector_lookup', inputs: { query: '${vec.output}' }, config: { index: 'product-docs', top_k: 3 } });
    expect(item(r, /vector_lookup \(index product-docs\)/).todo).toContain('weir data add');
    const serp = node(r, 'serp');
    expect(serp.type).toBe('python');
    expect(String(serp.config?.code)).toContain('promptflow.tools.serpapi.SerpAPI.search has no Weir equivalent');
    expect(serp.inputs).toEqual({ query: '${inputs.q}', engine: 'google' });
    expect(item(r, /package tool promptflow.tools.serpapi/)).toMatchObject({ status: 'not_converted', source: { file: 'flow.dag.yaml', line: 17 } });
    expect(item(r, /node type typescript/)).toMatchObject({ status: 'not_converted', source: { line: 20 } });
    // The placeholders keep the graph whole: the flow validates, so its other nodes can run.
    const v = validateFlow(flowOf(r), { registry });
    expect(v.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
    expect(r.outcome).toBe('attention');
  });
});

describe('connections', () => {
  const dag = 'nodes:\n- name: a\n  type: prompt\n  source: { type: code, path: a.jinja2 }\n';
  const SECRET = 'sk-very-secret-value-123';
  it('reads ${env:VAR} secrets from the environment, lists missing ones by name, and never puts a secret in the report', async () => {
    const r = await importPromptflow(
      upload({
        'flow.dag.yaml': dag, 'a.jinja2': 'x',
        'azure.yaml': '$schema: https://azuremlschemas.azureedge.net/promptflow/latest/AzureOpenAIConnection.schema.json\nname: aoai\ntype: azure_open_ai\napi_key: ${env:AOAI_KEY}\napi_base: https://r.openai.azure.com\napi_version: 2024-02-01\n',
        'openai.yml': 'name: oai\ntype: open_ai\napi_key: ${env:NOT_SET_ANYWHERE}\norganization: org-1\n',
        'custom.yaml': `name: tools\ntype: custom\nconfigs:\n  endpoint: https://api.example.com\nsecrets:\n  token: ${SECRET}\n  other: "<to-be-replaced>"\n`,
        'serp.yaml': 'name: s\ntype: serp\napi_key: ${env:AOAI_KEY}\n',
      }),
      { env: { AOAI_KEY: SECRET } },
    );
    expect(r.connections).toEqual([
      { name: 'aoai', type: 'azure_openai', settings: { base_url: 'https://r.openai.azure.com', api_version: '2024-02-01', flavor: 'azure' }, secrets: { api_key: SECRET }, missing: [] },
      { name: 'tools', type: 'custom', settings: { endpoint: 'https://api.example.com' }, secrets: { token: SECRET }, missing: ['other'] },
      { name: 'oai', type: 'openai', settings: { base_url: 'https://api.openai.com/v1', flavor: 'openai', headers: { 'OpenAI-Organization': 'org-1' } }, secrets: {}, missing: ['NOT_SET_ANYWHERE'] },
    ].sort((a, b) => r.connections.findIndex((c) => c.name === a.name) - r.connections.findIndex((c) => c.name === b.name)));
    expect(item(r, /connection oai/)).toMatchObject({ status: 'attention', why: expect.stringContaining('NOT_SET_ANYWHERE') });
    expect(item(r, /connection tools: secrets token written/).status).toBe('attention');
    expect(item(r, /connection s \(serp\)/).status).toBe('not_converted');
    expect(JSON.stringify(r.report)).not.toContain(SECRET);
    expect(JSON.stringify(r.flows) + JSON.stringify(r.files)).not.toContain(SECRET);
    expect(r.files.map((f) => f.path)).toEqual(['a.jinja2']);
  });
});

describe('additional_includes and wrapped folders', () => {
  it('finds the flow folder inside a wrapping folder and copies includes under their own name', async () => {
    const dag = 'additional_includes:\n- ../shared/utils\n- ../shared/prompt.jinja2\n- ../../outside.txt\nnodes:\n- name: a\n  type: prompt\n  source: { type: code, path: prompt.jinja2 }\n';
    const r = await importPromptflow(upload({ 'repo/flows/chat/flow.dag.yaml': dag, 'repo/flows/shared/prompt.jinja2': 'hi {{x}}', 'repo/flows/shared/utils/a.py': 'A = 1\n', 'repo/flows/shared/utils/sub/b.py': 'B = 2\n' }));
    expect(r.report.source).toBe('repo/flows/chat/flow.dag.yaml');
    expect(flowOf(r).name).toBe('chat');
    expect(r.files.map((f) => f.path).sort()).toEqual(['prompt.jinja2', 'utils/a.py', 'utils/sub/b.py']);
    expect(item(r, /additional include \.\.\/shared\/utils → utils\//).status).toBe('changed');
    expect(item(r, /additional include \.\.\/\.\.\/outside.txt not found/).status).toBe('attention');
    const two = await importPromptflow(upload({ 'a/flow.dag.yaml': 'nodes: []\n', 'b/flow.dag.yaml': 'nodes: []\n' }));
    expect(two.report.source).toBe('a/flow.dag.yaml');
    expect(item(two, /1 other flow in the upload not imported/).why).toContain('b/flow.dag.yaml');
  });
});

describe('hostile and broken uploads', () => {
  const ok = 'nodes:\n- name: a\n  type: prompt\n  source: { type: code, path: a.jinja2 }\n';
  it('leaves out paths that climb out or are absolute, naming them', async () => {
    const r = await importPromptflow(upload({ 'flow.dag.yaml': ok, 'a.jinja2': 'x', '../evil.py': 'boom', '/etc/passwd': 'root', 'a/../../x': 'y' }));
    for (const p of ['../evil.py', '/etc/passwd', 'a/../../x']) expect(item(r, new RegExp(`file "${p.replace(/[./]/g, '\\$&')}" left out`)).status).toBe('attention');
    expect(r.files.map((f) => f.path)).toEqual(['a.jinja2']);
  });

  it('fails with a clear item when there is no flow.dag.yaml, the YAML is broken, or aliases explode', async () => {
    const none = await importPromptflow(upload({ 'readme.md': 'hi' }));
    expect(none.outcome).toBe('failed');
    expect(item(none, /no flow.dag.yaml/).status).toBe('not_converted');
    const broken = await importPromptflow(upload({ 'flow.dag.yaml': 'nodes:\n  - name: a\n   type: x\n' }));
    expect(broken.outcome).toBe('failed');
    expect(item(broken, /does not parse/).source?.line).toBeGreaterThan(0);
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefghij'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefghij'[i]}`).join(',')}]`), 'nodes: *j'].join('\n');
    const exploded = await importPromptflow(upload({ 'flow.dag.yaml': bomb }));
    expect(exploded.outcome).toBe('failed');
    expect(exploded.flows).toEqual([]);
  });

  it('refuses flex flows, by file or by entry:, saying they are code', async () => {
    for (const files of [{ 'flow.flex.yaml': 'entry: app:main\n' }, { 'flow.dag.yaml': 'entry: app:main\n' }] as Record<string, string>[]) {
      const r = await importPromptflow(upload(files));
      expect(r.outcome).toBe('failed');
      expect(item(r, /flex flow/).why).toContain('Python code');
    }
  });

  it('reports missing, oversized and non-UTF-8 templates without crashing', async () => {
    const dag = 'nodes:\n- name: a\n  type: prompt\n  source: { type: code, path: missing.jinja2 }\n- name: b\n  type: prompt\n  source: { type: code, path: big.jinja2 }\n- name: c\n  type: prompt\n  source: { type: code, path: latin.jinja2 }\n';
    const r = await importPromptflow(upload({ 'flow.dag.yaml': dag, 'big.jinja2': 'x'.repeat(5 * 1024 * 1024), 'latin.jinja2': new Uint8Array([0x63, 0x61, 0x66, 0xe9]) }));
    expect(item(r, /template missing.jinja2/)).toMatchObject({ status: 'not_converted', source: { line: 4 } });
    expect(item(r, /template big.jinja2/).why).toContain('larger than');
    expect(item(r, /template latin.jinja2/).why).toContain('not UTF-8');
    expect(r.outcome).toBe('attention');
  });

  it('reports nodes without a name and unknown flow fields', async () => {
    const r = await importPromptflow(upload({ 'flow.dag.yaml': 'flux: 1\nnodes:\n- type: prompt\n- 42\n' }));
    expect(item(r, /^flux not converted/).status).toBe('attention');
    expect(item(r, /^nodes\[0\]/).status).toBe('not_converted');
    expect(item(r, /^nodes\[1\]/).status).toBe('not_converted');
  });
});
