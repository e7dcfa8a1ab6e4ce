/**
 * The llm node's tool loop and typed JSON output, run through the real engine (validation, compile,
 * executor, sub-flows). The model is the scripted double at the model edge
 * (test/helpers/nodes/scripted-model.ts): it answers from what it is sent, as a model would, so
 * the node's loop, the messages it feeds back and the trace are all real.
 */
import { describe, expect, it } from 'vitest';
import { compileFlow } from '../engine/flow/compile.ts';
import { validateFlow } from '../engine/flow/validate.ts';
import type { ChatMessage } from '../engine/models/types.ts';
import type { LogLevel } from '../engine/node-definition.ts';
import { NodeRegistry } from '../engine/registry.ts';
import { runFlow } from '../engine/run/executor.ts';
import { withSubflows } from '../engine/run/subflows.ts';
import { lastToolMessage, scriptedModel, type Double, type Turn } from '../test/helpers/nodes/scripted-model.ts';
import { builtinNodes } from './index.ts';
import { flowParameters } from './lib/llm-tools.ts';
import { llmNode } from './llm.ts';

const registry = new NodeRegistry(builtinNodes);

const ADD_FLOW = {
  weir: 1,
  name: 'add',
  inputs: { a: { type: 'number' }, b: { type: 'number' } },
  outputs: { sum: '${t.output}' },
  nodes: [{ name: 't', type: 'transform', inputs: { a: '${inputs.a}', b: '${inputs.b}' }, config: { expression: 'a + b' } }],
};

function agentFlow(llmConfig: Record<string, unknown>) {
  return {
    weir: 1,
    name: 'agent',
    inputs: { question: { type: 'string' } },
    outputs: { answer: '${ask.output}' },
    nodes: [{ name: 'ask', type: 'llm', inputs: { question: '${inputs.question}' }, config: { deployment: 'chat', template: 'user:\n{{ question }}', ...llmConfig } }],
  };
}

const ADD_TOOL = { name: 'add', description: 'Adds two numbers.', flow: 'add', parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] } };

async function runAgent(double: Double, llmConfig: Record<string, unknown>, question = 'What is 2 + 3?') {
  const flows: Record<string, unknown> = { add: ADD_FLOW, agent: agentFlow(llmConfig) };
  const env = { registry, resolveFlow: (name: string) => flows[name] };
  const logs: { node: string; level: LogLevel; message: string; data?: unknown }[] = [];
  const host = withSubflows({ model: async () => double.model, log: (e) => void logs.push(e) }, (name) => compileFlow(flows[name], env));
  const result = await runFlow(compileFlow(flows.agent, env), { question }, { host });
  return { result, logs };
}

/** Calls `add` with what `args` returns until a tool answer arrives, then answers with it. */
const addThenAnswer = (args: (messages: ChatMessage[]) => string): Turn => (messages) => {
  const tool = lastToolMessage(messages);
  if (tool && !tool.content.includes('"error"')) return { text: `The sum is ${tool.content}.` };
  return { calls: [{ name: 'add', arguments: args(messages) }] };
};

describe('llm node tools', () => {
  it('runs the tool flow the model calls, feeds the result back and outputs the final answer', async () => {
    const double = scriptedModel(addThenAnswer(() => '{"a": 2, "b": 3}'));
    const { result, logs } = await runAgent(double, { tools: [ADD_TOOL], tool_choice: 'required' });
    expect(result.error).toBeUndefined();
    expect(result.outputs).toEqual({ answer: 'The sum is 5.' });
    expect(double.requests).toHaveLength(2);
    expect(double.requests[0].opts.tools).toEqual([{ name: 'add', description: 'Adds two numbers.', parameters: ADD_TOOL.parameters }]);
    expect(double.requests[0].opts.toolChoice).toBe('required');
    // A forced call is forced once: the model must be free to answer afterwards.
    expect(double.requests[1].opts.toolChoice).toBe('auto');
    const second = double.requests[1].messages;
    expect(second.at(-2)).toEqual({ role: 'assistant', content: '', tool_calls: [{ id: 'call_1', name: 'add', arguments: '{"a": 2, "b": 3}' }] });
    expect(second.at(-1)).toEqual({ role: 'tool', content: '5', tool_call_id: 'call_1' });
    // Both model calls' usage counts for the node.
    expect(result.trace.find((t) => t.node === 'ask')?.usage?.total_tokens).toBe(24);
    // The trace shows each round and each call.
    const mine = logs.filter((l) => l.node === 'ask').map((l) => l.message);
    expect(mine).toEqual(['llm round 1: the model called add', 'llm round 1: tool add answered', 'llm round 2: answered']);
    expect(logs.find((l) => l.message === 'llm round 1: tool add answered')?.data).toMatchObject({ round: 1, tool: 'add', call_id: 'call_1', ok: true, result: '5' });
  });

  it('sends argument errors back to the model as the tool message, so it can correct itself', async () => {
    // First call breaks the schema, second is not JSON, third is right.
    const tries = ['{"a": "two", "b": 3}', '{"a": 2, b: 3', '{"a": 2, "b": 3}'];
    const double = scriptedModel(addThenAnswer((m) => tries[m.filter((x) => x.role === 'tool').length]));
    const { result, logs } = await runAgent(double, { tools: [ADD_TOOL] });
    expect(result.outputs).toEqual({ answer: 'The sum is 5.' });
    const toolAnswers = double.requests.at(-1)!.messages.filter((m) => m.role === 'tool').map((m) => JSON.parse(m.content));
    expect(toolAnswers[0]).toMatchObject({ error: { code: 'invalid_arguments' } });
    expect(toolAnswers[0].error.message).toContain('a:');
    expect(toolAnswers[1]).toMatchObject({ error: { code: 'invalid_arguments', message: expect.stringContaining('not valid JSON') } });
    expect(toolAnswers[2]).toBe(5);
    expect(logs.filter((l) => l.level === 'warn').map((l) => l.message)).toEqual(['llm round 1: tool add failed', 'llm round 2: tool add failed']);
  });

  it('without a parameters schema, the tool flow\'s own input check is what the model hears', async () => {
    const tries = ['{"a": "two", "b": 3}', '{"a": 2, "b": 3}'];
    const double = scriptedModel(addThenAnswer((m) => tries[m.filter((x) => x.role === 'tool').length]));
    const { result } = await runAgent(double, { tools: [{ name: 'add', flow: 'add' }] });
    expect(result.outputs).toEqual({ answer: 'The sum is 5.' });
    const first = JSON.parse(double.requests[1].messages.at(-1)!.content);
    expect(first.error.message).toContain('"a"');
    // The model is told the flow's inputs; the flow's own check is what refuses bad ones.
    expect(double.requests[0].opts.tools?.[0].parameters).toEqual({ type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'], additionalProperties: false });
  });

  it('answers a call of an unknown tool with the tools there are', async () => {
    let n = 0;
    const double = scriptedModel((messages) => (n++ === 0 ? { calls: [{ name: 'multiply', arguments: '{}' }] } : { text: lastToolMessage(messages)!.content }));
    const { result } = await runAgent(double, { tools: [ADD_TOOL] });
    expect(JSON.parse(result.outputs.answer as string)).toEqual({ error: { code: 'unknown_tool', message: 'no tool is named "multiply"; the tools are add' } });
  });

  it('runs several calls of one round and answers each by its id', async () => {
    const double = scriptedModel((messages) =>
      lastToolMessage(messages)
        ? { text: messages.filter((m) => m.role === 'tool').map((m) => `${m.tool_call_id}=${m.content}`).join(' ') }
        : { calls: [{ name: 'add', arguments: '{"a":1,"b":1}' }, { name: 'add', arguments: '{"a":2,"b":2}' }] },
    );
    const { result } = await runAgent(double, { tools: [ADD_TOOL] });
    expect(result.outputs).toEqual({ answer: 'call_1=2 call_2=4' });
  });

  it('fails with tool_rounds_exceeded naming the node when the model never stops calling', async () => {
    const double = scriptedModel(() => ({ calls: [{ name: 'add', arguments: '{"a":1,"b":1}' }] }));
    const { result, logs } = await runAgent(double, { tools: [ADD_TOOL], max_tool_rounds: 2 });
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('tool_rounds_exceeded');
    expect(result.error?.message).toContain('node "ask"');
    expect(result.error?.message).toContain('2 round(s)');
    // Two rounds of calls ran, the third request's calls were refused.
    expect(double.requests).toHaveLength(3);
    expect(logs.filter((l) => l.message.endsWith('tool add answered'))).toHaveLength(2);
  });

  it('describes a tool by its flow\'s inputs: types, descriptions, which are required', () => {
    const raw = { inputs: { city: { type: 'string', description: 'A city name.' }, days: { type: 'integer', default: 1 }, extra: { type: 'any', optional: true }, tags: { type: 'list' } } };
    expect(flowParameters(raw)).toEqual({
      type: 'object',
      properties: { city: { type: 'string', description: 'A city name.' }, days: { type: 'integer' }, extra: {}, tags: { type: 'array' } },
      required: ['city', 'tags'],
      additionalProperties: false,
    });
    expect(flowParameters({ nodes: [] })).toEqual({ type: 'object', properties: {}, required: [], additionalProperties: false });
    expect(flowParameters('not a flow')).toBeUndefined();
    expect(flowParameters({ inputs: [1] })).toBeUndefined();
  });

  it('declares its tool flows, so validation finds missing flows and recursion', () => {
    const flows: Record<string, unknown> = { agent: agentFlow({ tools: [{ name: 'again', flow: 'agent' }, { name: 'gone', flow: 'missing' }] }) };
    const r = validateFlow(flows.agent, { registry, resolveFlow: (n) => flows[n] });
    expect(r.problems.map((p) => p.code).sort()).toEqual(['flow_recursion', 'unknown_flow']);
  });

  it('refuses tool configs that cannot work, naming the field', () => {
    const issue = (extra: Record<string, unknown>) => llmNode.config.safeParse({ deployment: 'chat', template: 'x', ...extra }).error?.issues[0];
    expect(issue({ tools: [ADD_TOOL, ADD_TOOL] })?.path).toEqual(['tools', 1, 'name']);
    expect(issue({ tools: [{ name: 'bad name', flow: 'add' }] })?.path).toEqual(['tools', 0, 'name']);
    expect(issue({ tools: [ADD_TOOL], tool_choice: { type: 'function', function: { name: 'mul' } } })?.message).toContain('not one of the tools (add)');
    expect(issue({ tools: [ADD_TOOL], max_tool_rounds: 21 })?.path).toEqual(['max_tool_rounds']);
    expect(issue({ tool_choice: 'auto' })?.path).toEqual(['tool_choice']);
    expect(issue({ tools: [ADD_TOOL], mode: 'completion' })?.path).toEqual(['tools']);
  });
});

const PERSON = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false };
const personFormat = { type: 'json_schema', json_schema: { name: 'person', schema: PERSON, strict: true } };

function personFlow(outputs: Record<string, string>, extraNodes: unknown[] = []) {
  return {
    weir: 1,
    name: 'person',
    inputs: { text: { type: 'string' } },
    outputs,
    nodes: [{ name: 'extract', type: 'llm', inputs: { text: '${inputs.text}' }, config: { deployment: 'chat', template: 'user:\n{{ text }}', response_format: personFormat } }, ...extraNodes],
  };
}

describe('llm node response_format', () => {
  it('types the output by the schema: known fields pass, a wrong field is unknown_output_field', () => {
    const ok = validateFlow(personFlow({ name: '${extract.output.name}', age: '${extract.output.age}' }), { registry });
    expect(ok.problems).toEqual([]);
    const bad = validateFlow(personFlow({ nick: '${extract.output.nickname}' }), { registry });
    expect(bad.problems.map((p) => p.code)).toEqual(['unknown_output_field']);
    expect(bad.problems[0].message).toContain('nickname');
  });

  it('type-checks a field against the port that reads it', () => {
    const embed = (field: string) => personFlow({}, [{ name: 'vec', type: 'embed', inputs: { text: `\${extract.output.${field}}` }, config: { deployment: 'e' } }]);
    expect(validateFlow(embed('name'), { registry }).problems).toEqual([]);
    expect(validateFlow(embed('age'), { registry }).problems.map((p) => p.code)).toEqual(['type_mismatch']);
    const plain = validateFlow({ ...personFlow({ n: '${extract.output.name}' }), nodes: [{ name: 'extract', type: 'llm', inputs: {}, config: { deployment: 'chat', template: 'x' } }] }, { registry });
    // Text output (no response_format): it has no fields.
    expect(plain.problems.map((p) => p.code)).toEqual(['unknown_output_field']);
  });

  it('outputs the parsed answer, asks the model for the schema, and does not stream text', async () => {
    const double = scriptedModel(() => ({ text: '{"name": "Ada", "age": 36}' }));
    const flows: Record<string, unknown> = { person: personFlow({ name: '${extract.output.name}', age: '${extract.output.age}' }) };
    const env = { registry, resolveFlow: (n: string) => flows[n] };
    const chunks: unknown[] = [];
    const r = await runFlow(compileFlow(flows.person, env), { text: 'Ada, 36' }, { host: { model: async () => double.model }, onEvent: (e) => void (e.type === 'node.chunk' && chunks.push(e)) });
    expect(r.error).toBeUndefined();
    expect(r.outputs).toEqual({ name: 'Ada', age: 36 });
    expect(double.requests[0].opts.responseFormat).toEqual({ type: 'json_schema', name: 'person', schema: PERSON, strict: true });
    expect(chunks).toEqual([]);
  });

  it('fails naming the node when the answer is not JSON or does not match the schema', async () => {
    const flows: Record<string, unknown> = { person: personFlow({ all: '${extract.output}' }) };
    const env = { registry, resolveFlow: (n: string) => flows[n] };
    const runWith = async (answer: string) => {
      const double = scriptedModel(() => ({ text: answer }));
      return runFlow(compileFlow(flows.person, env), { text: 'x' }, { host: { model: async () => double.model } });
    };
    const notJson = await runWith('Ada is 36');
    expect(notJson.error).toMatchObject({ code: 'llm_invalid_json', node: 'extract' });
    expect(notJson.error?.message).toContain('node "extract"');
    const wrong = await runWith('{"name": "Ada", "age": "old"}');
    expect(wrong.error).toMatchObject({ code: 'llm_schema_mismatch', node: 'extract' });
    expect(wrong.error?.message).toContain('at age');
  });

  it('json_object wants an object, and outputs it', async () => {
    const flow = { weir: 1, name: 'obj', outputs: { o: '${j.output}' }, nodes: [{ name: 'j', type: 'llm', config: { deployment: 'chat', template: 'x', response_format: { type: 'json_object' } } }] };
    const env = { registry };
    const ok = await runFlow(compileFlow(flow, env), {}, { host: { model: async () => scriptedModel(() => ({ text: '{"k": [1]}' })).model } });
    expect(ok.outputs).toEqual({ o: { k: [1] } });
    const arr = await runFlow(compileFlow(flow, env), {}, { host: { model: async () => scriptedModel(() => ({ text: '[1]' })).model } });
    expect(arr.error?.code).toBe('llm_invalid_json');
  });

  it('refuses a response_format of the wrong shape at validation', () => {
    const bad = (rf: unknown) => validateFlow({ weir: 1, name: 'f', outputs: {}, nodes: [{ name: 'j', type: 'llm', config: { deployment: 'chat', template: 'x', response_format: rf } }] }, { registry }).problems.map((p) => p.code);
    expect(bad({ type: 'json_schema', json_schema: { schema: PERSON } })).toEqual(['missing_field']);
    expect(bad({ type: 'xml' })).toEqual(['invalid_config']);
    expect(bad({ type: 'json_schema', json_schema: { name: 'p', schema: { type: 'object', properties: { a: { $ref: 'http://elsewhere/x' } } } } })).toEqual(['invalid_config']);
  });
});
