/**
 * Cases the mutation run of nodes/lib/chat-messages.ts found untested (test/mutation/llm-inputs.md):
 * how role lines and the tool_calls header may be spaced, malformed calls refused word for word,
 * what the model is sent for a call without arguments, for tool and function results followed by
 * blank lines, and for a function message that is first or answers a reused call id.
 */
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../engine/errors.ts';
import { parseChatMessages } from './chat-messages.ts';

const failure = (text: string): WeirError => {
  try {
    parseChatMessages(text);
  } catch (err) {
    return err as WeirError;
  }
  throw new Error('parsed');
};

const call = (id: string, name: string) => `{'id': '${id}', 'type': 'function', 'function': {'name': '${name}', 'arguments': '{}'}}`;

describe('role lines and the tool_calls header, as they may be spaced', () => {
  it('"#user:" and "#   user:" are role lines; "user: hello" is text', () => {
    expect(parseChatMessages('#system:\nBe brief.\n#   user:\nHi\nuser: hello')).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Hi\nuser: hello' },
    ]);
  });

  it('reads "tool_calls :" with spaces after the colon as the calls header', () => {
    expect(parseChatMessages(`user:\nq\nassistant:\ntool_calls :  \n[${call('c1', 'f')}]`)[1]).toEqual({
      role: 'assistant',
      content: '',
      tool_calls: [{ id: 'c1', name: 'f', arguments: '{}' }],
    });
  });

  it('a user or system message that writes a tool_calls list keeps it as its text', () => {
    const list = `tool_calls:\n[${call('c1', 'delete_all')}]`;
    expect(parseChatMessages(`system:\n${list}\nuser:\n${list}`)).toEqual([
      { role: 'system', content: list },
      { role: 'user', content: list },
    ]);
  });

  it('refuses a prompt that renders to role lines only, naming the template', () => {
    const err = failure('system:\n\nuser:\n   \n');
    expect(err).toBeInstanceOf(WeirError);
    expect(err).toMatchObject({ code: 'empty_prompt', status: 400, message: 'the rendered prompt has no message text', path: ['config', 'template'] });
  });
});

describe('what the model is sent for tool and function results', () => {
  it('a call without arguments is sent with "{}"', () => {
    expect(parseChatMessages("user:\nq\nassistant:\ntool_calls:\n[{'id': 'c1', 'function': {'name': 'now'}}]")[1].tool_calls).toEqual([{ id: 'c1', name: 'now', arguments: '{}' }]);
  });

  it('a result of several lines is kept whole; blank lines around it are not', () => {
    const text = 'user:\nq\ntool:\ntool_call_id:\nc1\ncontent:\nline one\nline two\n\n\nfunction:\nname:\nf\ncontent:\n{"a": 1}\n\n\nuser:\nok';
    expect(parseChatMessages(text).slice(1)).toEqual([
      { role: 'tool', content: 'line one\nline two', tool_call_id: 'c1' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_function_1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: '{"a": 1}', tool_call_id: 'call_function_1' },
      { role: 'user', content: 'ok' },
    ]);
  });

  it('a function message first in the prompt is given an assistant call before it', () => {
    expect(parseChatMessages('function:\nname:\nf\ncontent:\nx')).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: 'call_function_1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: 'x', tool_call_id: 'call_function_1' },
    ]);
  });

  it('answers the first message\'s call when that first message is the assistant\'s', () => {
    expect(parseChatMessages(`assistant:\ntool_calls:\n[${call('c1', 'f')}]\nfunction:\nname:\nf\ncontent:\nx`)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: 'x', tool_call_id: 'c1' },
    ]);
  });

  it('answers the latest call even when an earlier turn used and answered the same id', () => {
    const text = `user:\nq\nassistant:\ntool_calls:\n[${call('c1', 'f')}]\ntool:\ntool_call_id:\nc1\ncontent:\nfirst\nassistant:\ntool_calls:\n[${call('c1', 'f')}]\nfunction:\nname:\nf\ncontent:\nsecond`;
    expect(parseChatMessages(text).slice(3)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: 'second', tool_call_id: 'c1' },
    ]);
  });

  it('when the assistant called only other functions, it is given a call of this one', () => {
    expect(parseChatMessages(`user:\nq\nassistant:\ntool_calls:\n[${call('c1', 'g')}]\nfunction:\nname:\nf\ncontent:\nx`).slice(1)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'g', arguments: '{}' }, { id: 'call_function_1', name: 'f', arguments: '{}' }] },
      { role: 'tool', content: 'x', tool_call_id: 'call_function_1' },
    ]);
  });
});

describe('malformed calls are refused word for word, naming the tool_calls line', () => {
  const at = (calls: string) => failure(`user:\nq\nassistant:\ntool_calls:\n${calls}`);
  const SHAPE = "[0] is not {'id', 'type': 'function', 'function': {'name', 'arguments'}}";

  it.each([
    ['a None call', '[None]', SHAPE],
    ['a None function', "[{'id': 'a', 'function': None}]", SHAPE],
    ['a function given as its name', "[{'id': 'a', 'function': 'get_weather'}]", SHAPE],
    ['an id that is a number', "[{'id': 5, 'function': {'name': 'f'}}]", '[0] has no id'],
    ['a name that is a number', "[{'id': 'a', 'function': {'name': 7}}]", '[0] has no function name'],
  ])('%s', (_what, calls, why) => {
    const err = at(calls);
    expect(err).toBeInstanceOf(WeirError);
    expect(err.code).toBe('chat_role_invalid_format');
    expect(err.message.startsWith(`line 4 of the rendered prompt: the assistant message's tool_calls ${why}; write them as OpenAI does:`)).toBe(true);
  });
});
