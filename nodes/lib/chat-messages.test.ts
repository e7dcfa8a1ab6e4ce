/**
 * Prompt flow's function-calling role lines (promptflow-tools common.py parse_chat): `tool:` with
 * tool_call_id/content, assistant `tool_calls:` as a template prints them, and the legacy
 * `function:` with name/content — each onto Weir's ChatMessage, malformed ones refused by line.
 */
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../engine/errors.ts';
import { makeContext, runNode } from '../../test/helpers/nodes/test-context.ts';
import { promptNode } from '../prompt.ts';
import { parseChatMessages } from './chat-messages.ts';
import { parsePythonLiteral } from './python-literal.ts';

const failure = (text: string): WeirError => {
  try {
    parseChatMessages(text);
  } catch (err) {
    return err as WeirError;
  }
  throw new Error('parsed');
};

const CALLS = [{ id: 'call_abc', type: 'function', function: { name: 'get_weather', arguments: '{"city": "Paris", "days": [1, 2]}' } }];

describe('tool and assistant tool_calls messages', () => {
  it('reads what a prompt flow template prints for a tool-calling turn (Python repr of the calls)', async () => {
    const template = [
      '# system:', 'You answer weather questions.',
      '# user:', '{{ question }}',
      '# assistant:', 'tool_calls:', '{{ calls }}',
      '# tool:', '## tool_call_id:', '{{ calls[0].id }}', '## content:', '{{ result }}',
      '# user:', 'Thanks. And tomorrow?',
    ].join('\n');
    const rendered = String(await runNode(promptNode, { template }, { question: 'Weather in Paris?', calls: CALLS, result: '{"temp": 21}' }, makeContext()));
    // Jinja prints Python's repr (single quotes), which prompt flow reads with ast.literal_eval.
    expect(rendered).toContain("[{'id': 'call_abc', 'type': 'function'");
    expect(parseChatMessages(rendered)).toEqual([
      { role: 'system', content: 'You answer weather questions.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_abc', name: 'get_weather', arguments: '{"city": "Paris", "days": [1, 2]}' }] },
      { role: 'tool', content: '{"temp": 21}', tool_call_id: 'call_abc' },
      { role: 'user', content: 'Thanks. And tomorrow?' },
    ]);
  });

  it('takes JSON-written calls, several calls, and arguments given as a mapping', () => {
    const text = 'user:\nq\nassistant:\ntool_calls:\n[{"id": "a", "type": "function", "function": {"name": "f", "arguments": "{}"}}, {"id": "b", "function": {"name": "g", "arguments": {"x": 1}}}]\ntool:\ntool_call_id:\na\ncontent:\none\ntool:\ntool_call_id: \n b\ncontent: two';
    expect(parseChatMessages(text).slice(1)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: 'a', name: 'f', arguments: '{}' }, { id: 'b', name: 'g', arguments: '{"x":1}' }] },
      { role: 'tool', content: 'one', tool_call_id: 'a' },
      { role: 'tool', content: 'two', tool_call_id: 'b' },
    ]);
  });

  it('keeps an assistant message without tool_calls as text', () => {
    expect(parseChatMessages('assistant:\nThe tool_calls: field is a list.')).toEqual([{ role: 'assistant', content: 'The tool_calls: field is a list.' }]);
  });

  it('refuses a tool message without tool_call_id/content, naming its line (ChatAPIToolRoleInvalidFormat)', () => {
    const err = failure('system:\nhi\nuser:\nq\ntool:\nthe answer is 4');
    expect(err).toMatchObject({ code: 'chat_role_invalid_format', status: 400, path: ['config', 'template'] });
    expect(err.message).toMatch(/^line 5 of the rendered prompt: a "tool:" message needs a "tool_call_id:" line/);
  });

  it('refuses tool_calls that are not a readable list of calls, naming the tool_calls line', () => {
    const at = (calls: string) => failure(`user:\nq\nassistant:\n\ntool_calls:\n${calls}`);
    expect(at("[{'id': 'a', 'function': {'name': 'f'}").message).toMatch(/^line 5 .*tool_calls are not a list it can read/);
    expect(at('[]').message).toContain('not a non-empty list');
    expect(at("[{'type': 'function', 'function': {'name': 'f', 'arguments': '{}'}}]").message).toContain('[0] has no id');
    expect(at("[{'id': 'a', 'function': {'arguments': '{}'}}]").message).toContain('[0] has no function name');
    expect(at("[{'id': 'a', 'type': 'code', 'function': {'name': 'f'}}]").message).toContain("type \"code\", not 'function'");
    expect(at("['f']").message).toContain('[0] is not');
  });
});

describe('the legacy function role', () => {
  it('answers the assistant message before it, which is given the call (prompt flow prints function_call as text)', () => {
    const text = [
      'system:', 'Use functions.',
      'user:', 'Weather in Paris?',
      'assistant:', 'Function generation requested, function = get_weather, args = {"city": "Paris"}',
      'function:', '## name:', 'get_weather', '## content:', '{"temp": 21}',
      'user:', 'Thanks',
    ].join('\n');
    expect(parseChatMessages(text)).toEqual([
      { role: 'system', content: 'Use functions.' },
      { role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: 'Function generation requested, function = get_weather, args = {"city": "Paris"}', tool_calls: [{ id: 'call_function_1', name: 'get_weather', arguments: '{}' }] },
      { role: 'tool', content: '{"temp": 21}', tool_call_id: 'call_function_1' },
      { role: 'user', content: 'Thanks' },
    ]);
  });

  it('answers an unanswered call of that name when the assistant message has one', () => {
    const text = "user:\nq\nassistant:\ntool_calls:\n[{'id': 'c1', 'function': {'name': 'f', 'arguments': '{}'}}, {'id': 'c2', 'function': {'name': 'f', 'arguments': '{}'}}]\nfunction:\nname:\nf\ncontent:\none\nfunction:\nname:\nf\ncontent:\ntwo";
    expect(parseChatMessages(text).slice(2)).toEqual([
      { role: 'tool', content: 'one', tool_call_id: 'c1' },
      { role: 'tool', content: 'two', tool_call_id: 'c2' },
    ]);
  });

  it('puts in an assistant message with the call when the message before is not the assistant\'s', () => {
    expect(parseChatMessages('user:\nq\nfunction:\nname:\nlookup\ncontent:\nfound')).toEqual([
      { role: 'user', content: 'q' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_function_1', name: 'lookup', arguments: '{}' }] },
      { role: 'tool', content: 'found', tool_call_id: 'call_function_1' },
    ]);
  });

  it('refuses a function message without name/content, naming its line (ChatAPIFunctionRoleInvalidFormat)', () => {
    const err = failure('user:\nq\n\n# function:\nget_weather\n{"temp": 21}');
    expect(err.code).toBe('chat_role_invalid_format');
    expect(err.message).toMatch(/^line 4 of the rendered prompt: a "function:" message needs a "name:" line/);
  });
});

describe("prompt flow's name/content lines and quirks", () => {
  it('reads name:/content: under any role as the content (the name is dropped: ChatMessage has none)', () => {
    expect(parseChatMessages('user:\nname:\nalice\ncontent:\nhello there')).toEqual([{ role: 'user', content: 'hello there' }]);
  });

  it('stays linear on hostile whitespace runs (the searches are atomic)', () => {
    const blank = '\n'.repeat(200_000);
    // Each would take minutes with backtracking over the blank run.
    expect(parseChatMessages(`user:\nname:${blank}x${blank}contenu`)[0].content).toContain('contenu');
    expect(failure(`user:\nq\ntool:\ntool_call_id:${blank}`).code).toBe('chat_role_invalid_format');
    expect(failure(`user:\nq\nfunction:\nname: ${' \n'.repeat(100_000)}`).code).toBe('chat_role_invalid_format');
    // A long line of spaces is not a role line, and saying so takes one pass.
    expect(parseChatMessages(`user:\n${' '.repeat(1_000_000)}x`)[0].content).toBe('x');
  });

  it('keeps the plain chat behaviour: role lines any case, with # or not, lead-in text is the user\'s', () => {
    expect(parseChatMessages('lead in\n# System:\nBe brief.\nUSER :\nHi')).toEqual([
      { role: 'user', content: 'lead in' },
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi' },
    ]);
  });
});

describe('python literals', () => {
  it('reads what repr prints: quotes, escapes, True/False/None, tuples, numbers', () => {
    expect(parsePythonLiteral(String.raw`[{'a': 'it\'s', "b": "x\ny\u00e9", 'c': (1, -2.5e3, True, False, None)}, r'\d', 'con' 'cat',]`).value).toEqual([
      { a: "it's", b: 'x\nyé', c: [1, -2500, true, false, null] },
      '\\d',
      'concat',
    ]);
  });

  it('refuses what is not a literal, and nesting past its bound, without overflowing the stack', () => {
    for (const bad of ["[1, 2", "{'a' 1}", '[__import__("os")]', "['x\n']", '[true]', '['.repeat(100_000)]) {
      expect(() => parsePythonLiteral(bad), bad.slice(0, 20)).toThrow();
    }
    // A key named __proto__ is data, not the object's prototype.
    const v = parsePythonLiteral("{'__proto__': {'polluted': 1}}").value as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.keys(v)).toEqual(['__proto__']);
  });
});
