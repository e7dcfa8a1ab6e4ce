/**
 * Cases the mutation run of nodes/lib/python-literal.ts found untested (test/mutation/llm-inputs.md):
 * what a template's tool_calls list may hold (every escape, string prefixes, triple quotes, numbers
 * as Python writes them, repeated keys) and every refusal word for word, with the character it names.
 */
import { describe, expect, it } from 'vitest';
import { WeirError } from '../../engine/errors.ts';
import { parseChatMessages } from './chat-messages.ts';
import { parsePythonLiteral, PythonLiteralError } from './python-literal.ts';

const read = (text: string) => parsePythonLiteral(text).value;
const refusal = (text: string): string => {
  try {
    parsePythonLiteral(text);
  } catch (err) {
    expect(err).toBeInstanceOf(PythonLiteralError);
    return (err as Error).message;
  }
  throw new Error(`read ${text.slice(0, 20)}`);
};
const nested = (open: string, close: string, n: number, inner = '') => open.repeat(n) + inner + close.repeat(n);

describe('python literals: what is read', () => {
  it('decodes every escape Python knows, and keeps an unknown one as written', () => {
    expect(read(String.raw`'\t\r\a\b\f\v\0|\x41\U0001F600\U0010FFFF|\q'`)).toBe('\t\r\x07\b\f\v\0|A\u{1F600}\u{10FFFF}|\\q');
  });

  it('a backslash at the end of a line joins the lines', () => {
    expect(read("'a\\\nb'")).toBe('ab');
  });

  it('r and R make a string raw (escapes kept, quotes too); u and U do not', () => {
    expect(read(String.raw`[r'a\nb', R'\t', r'it\'s', u'a\tb', U'x']`)).toEqual(['a\\nb', '\\t', "it\\'s", 'a\tb', 'x']);
  });

  it('triple-quoted strings hold quotes and line breaks', () => {
    expect(read(`['''it's\na "b"''', """x""" 'y']`)).toEqual([`it's\na "b"`, 'xy']);
  });

  it('reads numbers as Python writes them', () => {
    expect(read('[1.25, .5, .25, 1e-3, 1e10, 1E+2, 1_000, 0.5_5]')).toEqual([1.25, 0.5, 0.25, 0.001, 1e10, 100, 1000, 0.55]);
  });

  it('a number key is kept as its text, and a repeated key keeps its last value, as Python does', () => {
    expect(read("{1: 'a', 'k': 1, 'k': 2}")).toEqual({ '1': 'a', k: 2 });
  });

  it('reads 65 levels of nesting', () => {
    expect(() => read(nested('[', ']', 65))).not.toThrow();
  });
});

describe('python literals: what is refused, and where', () => {
  it.each([
    ["['abc", 'unterminated string at character 6'],
    ["['ab\\", 'unterminated string at character 7'],
    ["['a\nb']", 'line break inside a string at character 5'],
    ["'\\x4'", 'bad \\x escape at character 4'],
    ["'\\xZZ'", 'bad \\x escape at character 4'],
    ["'\\U00110000'", 'bad \\U escape at character 4'],
    ['[1 2]', 'expected "," or "]" at character 4'],
    ['[1, ', 'unexpected end at character 5'],
    ['[x]', 'unexpected "x" at character 2'],
    ['[x1]', 'unexpected "x" at character 2'],
    ['[aNone]', 'unexpected "a" at character 2'],
    ['[r]', 'unexpected "r" at character 2'],
    ['[__import__("os")]', 'unexpected "_" at character 2'],
    ["{'a' 1}", 'expected ":" at character 6'],
    ['{None: 1}', 'a dict key must be a string or a number at character 7'],
    [nested('[', ']', 66), 'nested deeper than 64 at character 66'],
    [`{${nested('[', ']', 65)}: 1}`, 'nested deeper than 64 at character 66'],
    // The 65th dict's key is the first value 65 levels deep: it starts at character 64 * 6 + 2.
    [nested("{'a': ", '}', 65, '1'), 'nested deeper than 64 at character 386'],
  ])('%s', (text, message) => {
    expect(refusal(text)).toBe(message);
  });

  it('a hostile nesting far past the bound is refused, not a stack overflow', () => {
    expect(refusal('['.repeat(100_000))).toBe('nested deeper than 64 at character 66');
  });

  it('the refusal in a template names the tool_calls line and counts characters from its list', () => {
    const err = (() => {
      try {
        parseChatMessages("user:\nq\nassistant:\ntool_calls:\n[{'id': 'a'} {'id': 'b'}]");
      } catch (e) {
        return e as WeirError;
      }
      throw new Error('parsed');
    })();
    expect(err).toBeInstanceOf(WeirError);
    expect(err.message).toMatch(/^line 4 of the rendered prompt: the assistant message's tool_calls are not a list it can read \(expected "," or "\]" at character 14\); /);
  });
});
