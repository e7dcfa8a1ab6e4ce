/**
 * Prompt flow's function calling on an llm node (`functions` / `function_call`, and the newer
 * `tools` / `tool_choice`) → Weir's llm tools, each run by a flow of the function's name.
 */
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateFlow } from '../../engine/flow/validate.ts';
import { NodeRegistry } from '../../engine/registry.ts';
import { builtinNodes } from '../../nodes/index.ts';
import { parseChatMessages } from '../../nodes/lib/chat-messages.ts';
import { promptNode } from '../../nodes/prompt.ts';
import { makeContext, runNode } from '../../test/helpers/nodes/test-context.ts';
import { importPromptflow } from './import-flow.ts';
import type { ImportItem, ImportResult } from './types.ts';

const registry = new NodeRegistry(builtinNodes);
const upload = (entries: Record<string, string>) => new Map(Object.entries(entries));
const llmNode = (r: ImportResult) => (parse(r.flows[0].yaml) as { nodes: { name: string; config: Record<string, unknown> }[] }).nodes.find((n) => n.name === 'a')!;
const item = (r: ImportResult, what: RegExp): ImportItem => {
  const found = r.report.items.find((i) => what.test(i.what));
  if (!found) throw new Error(`no item ${what}; items: ${r.report.items.map((i) => `${i.status} ${i.what}`).join(' | ')}`);
  return found;
};

const WEATHER = { name: 'get_weather', description: 'Weather at a place.', parameters: { type: 'object', properties: { location: { type: 'string' }, unit: { type: 'string' } }, required: ['location'] } };

const dag = (settings: string, api = 'chat') => `nodes:
- name: a
  type: llm
  source: { type: code, path: a.jinja2 }
  api: ${api}
  inputs:
    deployment_name: d
${settings}`;

async function importWith(settings: string, api?: string, template = '# user:\nWeather in Paris?') {
  return importPromptflow(upload({ 'flow.dag.yaml': dag(settings, api), 'a.jinja2': template }), { name: 'weather', deploymentMap: { d: 'chat' }, inline: true });
}

describe('prompt flow functions → llm tools', () => {
  it('maps functions to tools run by flows of the same name, and function_call to tool_choice', async () => {
    const r = await importWith(`    functions: ${JSON.stringify([WEATHER])}\n    function_call: { name: get_weather }\n`);
    const config = llmNode(r).config;
    expect(config.tools).toEqual([{ ...WEATHER, flow: 'get_weather' }]);
    expect(config.tool_choice).toEqual({ type: 'function', function: { name: 'get_weather' } });
    const tools = item(r, /functions → tools get_weather, each run by the flow of the same name/);
    expect(tools).toMatchObject({ status: 'attention', target: 'nodes.a.config.tools', source: { file: 'flow.dag.yaml', line: 8 } });
    expect(tools.todo).toContain('get_weather(location, unit)');
    expect(item(r, /function_call .* → tool_choice/).status).toBe('converted');
    expect(r.report.items.some((i) => /not supported/.test(i.what))).toBe(false);
    // The imported node validates except for the tool flow, which the workspace must provide.
    const v = validateFlow(parse(r.flows[0].yaml), { registry, resolveFlow: (n) => (n === 'get_weather' ? { weir: 1, name: 'get_weather', outputs: {}, nodes: [] } : undefined) });
    expect(v.problems.filter((p) => p.severity !== 'warning')).toEqual([]);
  });

  it('takes functions given as JSON text, and function_call auto', async () => {
    const r = await importWith(`    functions: '${JSON.stringify([WEATHER])}'\n    function_call: auto\n`);
    expect(llmNode(r).config).toMatchObject({ tools: [{ name: 'get_weather', flow: 'get_weather' }], tool_choice: 'auto' });
  });

  it('maps OpenAI-shaped tools and tool_choice the same way', async () => {
    const tools = [{ type: 'function', function: WEATHER }];
    const r = await importWith(`    tools: ${JSON.stringify(tools)}\n    tool_choice: required\n`);
    expect(llmNode(r).config).toMatchObject({ tools: [{ name: 'get_weather', flow: 'get_weather' }], tool_choice: 'required' });
  });

  it('leaves out functions it cannot use, saying why', async () => {
    const bad = await importWith(`    functions: [{ description: no name }]\n    function_call: { name: get_weather }\n`);
    expect(llmNode(bad).config.tools).toBeUndefined();
    expect(llmNode(bad).config.tool_choice).toBeUndefined();
    const lacking = item(bad, /not supported/);
    expect(lacking.what).toContain('functions, function_call');
    expect(lacking.why).toContain('functions[0] has no usable name');
    expect(lacking.why).toContain('function_call: no functions to choose from');

    const completion = await importWith(`    functions: ${JSON.stringify([WEATHER])}\n`, 'completion');
    expect(llmNode(completion).config.tools).toBeUndefined();
    expect(item(completion, /not supported/).why).toContain('tools need the chat api');
  });

  it('drops function_call none without functions, and an empty functions list', async () => {
    const r = await importWith(`    functions: []\n    function_call: none\n`);
    expect(llmNode(r).config.tools).toBeUndefined();
    expect(item(r, /dropped$/).what).toContain('functions, function_call');
  });
});

/** prompt flow's chat-with-functions sample's shape: the history's calls and answers as role lines. */
const FUNCTION_TEMPLATE = `# system:
Use the functions.
{% for item in chat_history %}
# user:
{{item.inputs.question}}
# assistant:
Function generation requested, function = {{item.outputs.name}}, args = {{item.outputs.arguments}}
# function:
## name:
{{item.outputs.name}}
## content:
{{item.outputs.answer}}
{% endfor %}
# user:
{{question}}`;

const TOOL_TEMPLATE = `# system:
Use the tools.
{% for m in history %}
# assistant:
## tool_calls:
{{ m.tool_calls }}
# tool:
## tool_call_id:
{{ m.tool_calls[0].id }}
## content:
{{ m.answer }}
{% endfor %}
# user:
{{question}}`;

describe('prompt flow function-calling role lines', () => {
  const templateItems = (r: ImportResult) => r.report.items.filter((i) => i.source?.file === 'a.jinja2');

  it('tool: and tool_calls: lines need nothing: no attention, the rendered prompt makes tool messages', async () => {
    const r = await importWith(`    tools: ${JSON.stringify([{ type: 'function', function: WEATHER }])}\n`, 'chat', TOOL_TEMPLATE);
    expect(templateItems(r)).toEqual([]);
    const config = llmNode(r).config;
    const calls = [{ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"location": "Paris"}' } }];
    const text = await runNode(promptNode, { template: config.template }, { history: [{ tool_calls: calls, answer: '21C' }], question: 'And Rome?' }, makeContext());
    expect(parseChatMessages(String(text))).toEqual([
      { role: 'system', content: 'Use the tools.' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_9', name: 'get_weather', arguments: '{"location": "Paris"}' }] },
      { role: 'tool', content: '21C', tool_call_id: 'call_9' },
      { role: 'user', content: 'And Rome?' },
    ]);
  });

  it('function: lines are a change, not attention: each answers a call given to the assistant message before it', async () => {
    const r = await importWith(`    functions: ${JSON.stringify([WEATHER])}\n`, 'chat', FUNCTION_TEMPLATE);
    expect(templateItems(r).map((i) => [i.status, i.what])).toEqual([['changed', 'template a.jinja2: function messages → tool messages']]);
    expect(item(r, /function messages/).source).toEqual({ file: 'a.jinja2', line: 8 });
    const history = [{ inputs: { question: 'Paris?' }, outputs: { name: 'get_weather', arguments: '{"location": "Paris"}', answer: '21C' } }];
    const text = await runNode(promptNode, { template: llmNode(r).config.template }, { chat_history: history, question: 'And Rome?' }, makeContext());
    expect(parseChatMessages(String(text)).slice(2, 4)).toEqual([
      { role: 'assistant', content: 'Function generation requested, function = get_weather, args = {"location": "Paris"}', tool_calls: [{ id: 'call_function_1', name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', content: '21C', tool_call_id: 'call_function_1' },
    ]);
  });

  it('still says what Weir does not keep: a participant name under a user message', async () => {
    const r = await importWith('', 'chat', '# user:\n## name:\nalice\n## content:\nHi');
    expect(templateItems(r)).toMatchObject([{ status: 'changed', what: 'template a.jinja2: participant names dropped', source: { line: 2 } }]);
  });
});
