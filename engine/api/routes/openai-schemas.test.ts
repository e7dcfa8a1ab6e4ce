/**
 * How an OpenAI chat body becomes what the models take: messages with tool calls and tool answers,
 * tools, tool_choice and response_format, and what is refused (with the path the client sees as
 * `param`). The HTTP side of the same (status, error shape) is test/api/openai-errors.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { chatTexts, parseChat } from './openai-schemas.ts';

const user = { role: 'user', content: 'Weather in Paris?' };
const call = (id: string, args = '{"city":"Paris"}') => ({ id, type: 'function', function: { name: 'get_weather', arguments: args } });
const weather = { type: 'function', function: { name: 'get_weather', description: 'The weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } };

/** The error parseChat throws, as code, path and message. */
function refusal(body: Record<string, unknown>) {
  try {
    parseChat({ messages: [user], ...body });
  } catch (err) {
    const e = err as { code: string; path?: (string | number)[]; message: string; status: number };
    return { code: e.code, path: e.path?.join('.'), message: e.message, status: e.status };
  }
  throw new Error('parseChat accepted it');
}

describe('messages', () => {
  it('maps a tool-call history: developer to system, text parts joined, assistant calls and the tool answers', () => {
    const r = parseChat({
      messages: [
        { role: 'developer', content: [{ type: 'text', text: 'Be brief.' }, { type: 'text', text: 'Use tools.' }] },
        user,
        { role: 'assistant', content: null, tool_calls: [call('call_1'), call('call_2', '{"city":"Rome"}')] },
        { role: 'tool', tool_call_id: 'call_1', content: '21 C', name: 'get_weather' },
        { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '25 C' }] },
        { role: 'assistant', content: 'Warm in both.', name: 'bot' },
      ],
    });
    expect(r.messages).toEqual([
      { role: 'system', content: 'Be brief.\nUse tools.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }, { id: 'call_2', name: 'get_weather', arguments: '{"city":"Rome"}' }] },
      { role: 'tool', content: '21 C', tool_call_id: 'call_1' },
      { role: 'tool', content: '25 C', tool_call_id: 'call_2' },
      { role: 'assistant', content: 'Warm in both.' },
    ]);
  });

  it('an assistant message that calls tools keeps its text', () => {
    const r = parseChat({ messages: [user, { role: 'assistant', content: 'Checking.', tool_calls: [call('c')] }] });
    expect(r.messages[1]).toEqual({ role: 'assistant', content: 'Checking.', tool_calls: [{ id: 'c', name: 'get_weather', arguments: '{"city":"Paris"}' }] });
  });

  const REFUSED: [string, Record<string, unknown>, string, string, RegExp][] = [
    ['a tool answer to no call', { messages: [user, { role: 'tool', tool_call_id: 'x', content: 'a' }] }, 'invalid_request', 'messages.1.tool_call_id', /must answer a tool call of an earlier assistant message; "x" is none/],
    ['a tool answer before its call', { messages: [user, { role: 'tool', tool_call_id: 'c', content: 'a' }, { role: 'assistant', content: null, tool_calls: [call('c')] }] }, 'invalid_request', 'messages.1.tool_call_id', /"c" is none/],
    ['a tool message without its call id', { messages: [user, { role: 'tool', content: 'a' }] }, 'invalid_request', 'messages.1.tool_call_id', /needs the tool_call_id/],
    ['tool_calls on a user message', { messages: [{ ...user, tool_calls: [call('c')] }] }, 'invalid_request', 'messages.0.tool_calls', /only assistant messages carry tool_calls/],
    ['tool_calls on a tool message', { messages: [user, { role: 'assistant', content: null, tool_calls: [call('c')] }, { role: 'tool', tool_call_id: 'c', content: 'a', tool_calls: [call('d')] }] }, 'invalid_request', 'messages.2.tool_calls', /only assistant/],
    ['tool_call_id on an assistant message', { messages: [user, { role: 'assistant', content: 'a', tool_call_id: 'c' }] }, 'invalid_request', 'messages.1.tool_call_id', /only tool messages carry tool_call_id/],
    ['a user message without content', { messages: [{ role: 'user' }] }, 'invalid_request', 'messages.0.content', /messages\.0\.content is required/],
    ['an assistant message without content or calls', { messages: [user, { role: 'assistant', content: null }] }, 'invalid_request', 'messages.1.content', /only an assistant message with tool_calls/],
    ['a tool message without content', { messages: [user, { role: 'assistant', content: null, tool_calls: [call('c')] }, { role: 'tool', tool_call_id: 'c', content: null }] }, 'invalid_request', 'messages.2.content', /is required/],
    ['the function role', { messages: [{ role: 'function', name: 'f', content: 'x' }] }, 'unsupported_parameter', 'messages.0.role', /role "function" are not supported .*replaced by tool messages/],
    ['another role', { messages: [{ role: 'critic', content: 'x' }] }, 'unsupported_parameter', 'messages.0.role', /^messages with role "critic" are not supported \(system, developer, user, assistant, tool\)$/],
    ['a name on a user message', { messages: [{ ...user, name: 'ann' }] }, 'unsupported_parameter', 'messages.0.name', /a name on user messages is not supported/],
    ['a name on a system message', { messages: [{ role: 'system', content: 'x', name: 'ann' }, user] }, 'unsupported_parameter', 'messages.0.name', /on system messages/],
    ['an image part', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'unsupported_parameter', 'messages.0.content.0.type', /"image_url" are not supported; send text/],
    ['an extra key on a text part', { messages: [{ role: 'user', content: [{ type: 'text', text: 'a', cache: 1 }] }] }, 'unsupported_parameter', 'messages.0.content.0.cache', /"messages\.0\.content\.0\.cache" is not supported/],
    ['a text part without text', { messages: [{ role: 'user', content: [{ type: 'text', text: 3 }] }] }, 'invalid_request', 'messages.0.content.0.text', /must be a string/],
    ['a call of another type', { messages: [user, { role: 'assistant', content: null, tool_calls: [{ ...call('c'), type: 'custom' }] }] }, 'invalid_request', 'messages.1.tool_calls.0.type', /./],
    ['a call with a bad function name', { messages: [user, { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'a b', arguments: '{}' } }] }] }, 'invalid_request', 'messages.1.tool_calls.0.function.name', /letters, digits/],
    ['a call without an id', { messages: [user, { role: 'assistant', content: null, tool_calls: [{ type: 'function', function: { name: 'f', arguments: '{}' } }] }] }, 'invalid_request', 'messages.1.tool_calls.0.id', /./],
    ['an empty tool_calls list', { messages: [user, { role: 'assistant', content: null, tool_calls: [] }] }, 'invalid_request', 'messages.1.tool_calls', /./],
  ];
  for (const [what, body, code, path, message] of REFUSED) {
    it(`refuses ${what} (${code} at ${path})`, () => {
      const r = refusal(body);
      expect(r).toMatchObject({ code, path, status: 400 });
      expect(r.message).toMatch(message);
    });
  }
});

describe('tools and tool_choice', () => {
  it('maps tools: description and strict kept, missing parameters an empty object, nulls dropped', () => {
    const r = parseChat({
      messages: [user],
      tools: [{ ...weather, function: { ...weather.function, strict: true } }, { type: 'function', function: { name: 'now', description: null, parameters: null, strict: null } }],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(r.opts.tools).toEqual([
      { name: 'get_weather', description: 'The weather', parameters: weather.function.parameters, strict: true },
      { name: 'now', parameters: { type: 'object', properties: {} } },
    ]);
    expect(r.opts.toolChoice).toBe('required');
    expect(r.opts.parallelToolCalls).toBe(false);
  });

  it('maps a named tool_choice, and none/auto as they are', () => {
    expect(parseChat({ messages: [user], tools: [weather], tool_choice: { type: 'function', function: { name: 'get_weather' } } }).opts.toolChoice).toEqual({ name: 'get_weather' });
    expect(parseChat({ messages: [user], tools: [weather], tool_choice: 'none' }).opts.toolChoice).toBe('none');
    expect(parseChat({ messages: [user], tools: [weather], tool_choice: 'auto' }).opts.toolChoice).toBe('auto');
    expect(parseChat({ messages: [user], tools: [weather], parallel_tool_calls: true }).opts.parallelToolCalls).toBe(true);
  });

  it('tools alone ask only for tools: no tool_choice or parallel_tool_calls is made up', () => {
    const { opts } = parseChat({ messages: [user], tools: [weather] });
    expect(opts.tools).toHaveLength(1);
    expect(opts).not.toHaveProperty('toolChoice');
    expect(opts).not.toHaveProperty('parallelToolCalls');
  });

  it('without tools nothing is asked of the model: no tools, no tool_choice, even for an empty list or auto/none', () => {
    for (const extra of [{}, { tools: [] }, { tool_choice: 'none' }, { tool_choice: 'auto' }, { tools: [], tool_choice: 'auto' }]) {
      const { opts } = parseChat({ messages: [user], ...extra });
      expect(opts).not.toHaveProperty('tools');
      expect(opts).not.toHaveProperty('toolChoice');
    }
  });

  const REFUSED: [string, Record<string, unknown>, string, RegExp][] = [
    ['required without tools', { tool_choice: 'required' }, 'tool_choice', /tool_choice "required" asks for a tool call, but no tools were given/],
    ['a named choice with an empty tool list', { tools: [], tool_choice: { type: 'function', function: { name: 'get_weather' } } }, 'tool_choice', /no tools were given/],
    ['a named choice of no tool', { tools: [weather], tool_choice: { type: 'function', function: { name: 'now' } } }, 'tool_choice.function.name', /^tool_choice names "now", which is not among the tools \(get_weather\)$/],
    ['a named choice of none of two tools', { tools: [weather, { type: 'function', function: { name: 'now' } }], tool_choice: { type: 'function', function: { name: 'later' } } }, 'tool_choice.function.name', /not among the tools \(get_weather, now\)$/],
    ['two tools of one name', { tools: [weather, weather] }, 'tools.1.function.name', /two tools are named "get_weather"/],
    ['parallel_tool_calls without tools', { parallel_tool_calls: true }, 'parallel_tool_calls', /only allowed when tools are given/],
    ['parallel_tool_calls with an empty list', { tools: [], parallel_tool_calls: false }, 'parallel_tool_calls', /only allowed/],
    ['a 65-character name', { tools: [{ type: 'function', function: { name: 'a'.repeat(65) } }] }, 'tools.0.function.name', /at most 64/],
    ['parameters that are a list', { tools: [{ type: 'function', function: { name: 'f', parameters: [] } }] }, 'tools.0.function.parameters', /./],
    ['129 tools', { tools: Array.from({ length: 129 }, (_, i) => ({ type: 'function', function: { name: `f${i}` } })) }, 'tools', /at most 128 tools/],
  ];
  for (const [what, body, path, message] of REFUSED) {
    it(`refuses ${what} (invalid_request at ${path})`, () => {
      const r = refusal(body);
      expect(r).toMatchObject({ code: 'invalid_request', path, status: 400 });
      expect(r.message).toMatch(message);
    });
  }

  it('a 64-character name is the longest allowed', () => {
    expect(parseChat({ messages: [user], tools: [{ type: 'function', function: { name: 'a'.repeat(64) } }] }).opts.tools![0].name).toHaveLength(64);
  });
});

describe('response_format', () => {
  const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
  it('maps json_object and json_schema (strict kept, null dropped); text asks nothing', () => {
    expect(parseChat({ messages: [user], response_format: { type: 'json_object' } }).opts.responseFormat).toEqual({ type: 'json_object' });
    expect(parseChat({ messages: [user], response_format: { type: 'json_schema', json_schema: { name: 'r', schema, strict: true } } }).opts.responseFormat).toEqual({ type: 'json_schema', name: 'r', schema, strict: true });
    expect(parseChat({ messages: [user], response_format: { type: 'json_schema', json_schema: { name: 'r', schema, strict: null, description: null } } }).opts.responseFormat).toEqual({ type: 'json_schema', name: 'r', schema });
    // A description is for the model card's reader; the grammar does not need it.
    expect(parseChat({ messages: [user], response_format: { type: 'json_schema', json_schema: { name: 'r', description: 'A reading', schema } } }).opts.responseFormat).toEqual({ type: 'json_schema', name: 'r', schema });
    expect(parseChat({ messages: [user], response_format: { type: 'text' } }).opts).not.toHaveProperty('responseFormat');
  });

  it('a json_schema without a schema is any JSON object, as OpenAI reads it', () => {
    expect(parseChat({ messages: [user], response_format: { type: 'json_schema', json_schema: { name: 'r' } } }).opts.responseFormat).toEqual({ type: 'json_object' });
  });

  it('refuses an unknown type and a json_schema without its name', () => {
    expect(refusal({ response_format: { type: 'yaml' } })).toMatchObject({ code: 'invalid_request', path: 'response_format.type' });
    expect(refusal({ response_format: { type: 'json_schema', json_schema: { schema } } })).toMatchObject({ code: 'invalid_request', path: 'response_format.json_schema.name' });
    expect(refusal({ response_format: { type: 'json_object', schema } })).toMatchObject({ code: 'unsupported_parameter', path: 'response_format.schema' });
  });
});

describe('chatTexts', () => {
  it('counts what the model reads: message text, each call, the tools offered and the schema', () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } } };
    const req = parseChat({
      messages: [user, { role: 'assistant', content: null, tool_calls: [call('c')] }, { role: 'tool', tool_call_id: 'c', content: '21 C' }],
      tools: [weather],
      response_format: { type: 'json_schema', json_schema: { name: 'r', schema } },
    });
    expect(chatTexts(req)).toEqual(['Weather in Paris?', 'get_weather {"city":"Paris"}', '21 C', JSON.stringify(req.opts.tools), JSON.stringify(schema)]);
    expect(chatTexts(parseChat({ messages: [user], response_format: { type: 'json_object' } }))).toEqual(['Weather in Paris?']);
  });
});
