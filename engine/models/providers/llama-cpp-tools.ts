/**
 * Tool calling for local GGUF models. With tool_choice `auto` the model gets the tools in its chat
 * template's own function-calling format (node-llama-cpp's chat wrappers) and decides. When a call
 * is required (`required` or a named function) a grammar makes the answer a call of a declared
 * tool with arguments matching its parameters schema, so it holds whatever the weights. Calls are
 * returned, never executed here.
 */
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, ChatWrapper, GbnfJsonSchema, Llama } from 'node-llama-cpp';
import { WeirError } from '../../errors.ts';
import type { ChatMessage, GenerateOptions, ToolCall, ToolSpec } from '../types.ts';
import { schemaGrammar, toGbnfSchema } from './llama-cpp-grammar.ts';
import { newToolCallId } from '../tool-call-id.ts';

export type ToolPlan =
  | { mode: 'none' }
  /** The model decides, in its template's format; `maxCalls` 1 when parallel calls are off. */
  | { mode: 'auto'; functions: ChatModelFunctions; maxCalls?: number }
  /** A call is forced through `schema`, the tools documented in a system message. */
  | { mode: 'forced'; functions: ChatModelFunctions; schema: Record<string, unknown> };


export function planTools(opts: GenerateOptions): ToolPlan {
  const tools = opts.tools ?? [];
  const choice = opts.toolChoice ?? 'auto';
  if (tools.length === 0 || choice === 'none') {
    if (typeof choice === 'object' || choice === 'required') {
      throw new WeirError('invalid_tool_choice', 'tool_choice asks for a tool call, but no tools were given', { status: 400, path: ['tool_choice'] });
    }
    return { mode: 'none' };
  }
  const seen = new Set<string>();
  tools.forEach((t, i) => {
    if (seen.has(t.name)) throw new WeirError('invalid_request', `two tools are named "${t.name}"`, { status: 400, path: ['tools', i, 'function', 'name'] });
    seen.add(t.name);
  });
  const functions = toFunctions(tools);
  if (choice === 'auto') return { mode: 'auto', functions, ...(opts.parallelToolCalls === false ? { maxCalls: 1 } : {}) };
  const callable = choice === 'required' ? tools : tools.filter((t) => t.name === choice.name);
  if (callable.length === 0) {
    const names = tools.map((t) => t.name).join(', ');
    throw new WeirError('invalid_tool_choice', `tool_choice names "${(choice as { name: string }).name}", which is not among the tools (${names})`, {
      status: 400,
      path: ['tool_choice', 'function', 'name'],
    });
  }
  return { mode: 'forced', functions, schema: callSchema(callable) };
}

function toFunctions(tools: ToolSpec[]): ChatModelFunctions {
  const functions: Record<string, ChatModelFunctions[string]> = {};
  for (const t of tools) {
    functions[t.name] = { ...(t.description ? { description: t.description } : {}), params: paramsSchema(t) as GbnfJsonSchema };
  }
  return functions;
}

/** A tool without parameters takes an empty object, as OpenAI's do. */
function paramsSchema(t: ToolSpec): unknown {
  const p = t.parameters;
  if (!p || Object.keys(p).length === 0) return { type: 'object', properties: {} };
  return toGbnfSchema(p);
}

/**
 * Each tool's parameters as a grammar, built before anything is generated: under `auto`
 * node-llama-cpp builds one only once the model picks that tool, mid-answer, where a schema it
 * cannot hold (a repetition past llama.cpp's limit) would break the answer instead of being the
 * caller's 400 naming the tool.
 */
export async function checkToolGrammars(llama: Llama, tools: ToolSpec[]): Promise<void> {
  for (const [i, t] of tools.entries()) await schemaGrammar(llama, paramsSchema(t), ['tools', i, 'function', 'parameters'], 'invalid_tool_parameters');
}

/** One call: `{"name": <a declared tool>, "arguments": <its parameters>}`. */
function callSchema(tools: ToolSpec[]): Record<string, unknown> {
  const branches = tools.map((t) => ({
    type: 'object',
    properties: { name: { const: t.name }, arguments: paramsSchema(t) },
  }));
  return branches.length === 1 ? branches[0] : { oneOf: branches };
}

/** The forced answer as a tool call; undefined if it is not one (a cut-short generation). */
export function parseForcedCall(text: string): ToolCall | undefined {
  try {
    const v = JSON.parse(text) as { name?: unknown; arguments?: unknown };
    if (typeof v.name !== 'string') return undefined;
    return { id: newToolCallId(), name: v.name, arguments: JSON.stringify(v.arguments ?? {}) };
  } catch {
    return undefined;
  }
}

/** The model's own calls, with ids it never had (node-llama-cpp's calls carry none). */
export function toToolCalls(calls: readonly { functionName: string; params: unknown }[] | undefined): ToolCall[] {
  return (calls ?? []).map((c) => ({ id: newToolCallId(), name: c.functionName, arguments: JSON.stringify(c.params ?? {}) }));
}

/** The system text that tells the model about the tools, in its chat template's own words. */
export function toolsSystemText(wrapper: ChatWrapper, functions: ChatModelFunctions): string {
  return wrapper.generateAvailableFunctionsSystemText(functions, { documentParams: true }).toString();
}

/**
 * OpenAI's messages as node-llama-cpp's history: an assistant message's tool_calls become function
 * call items, each carrying the result from the `tool` message that answers it (node-llama-cpp
 * keeps call and result together). A tool message must answer a call made before it.
 */
export function toChatHistory(messages: ChatMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const open = new Map<string, ChatModelFunctionCall>();
  messages.forEach((m, i) => {
    switch (m.role) {
      case 'system':
        history.push({ type: 'system', text: m.content });
        return;
      case 'user':
        history.push({ type: 'user', text: m.content });
        return;
      case 'assistant': {
        const response: (string | ChatModelFunctionCall)[] = m.content ? [m.content] : [];
        (m.tool_calls ?? []).forEach((call, j) => {
          const item: ChatModelFunctionCall = { type: 'functionCall', name: call.name, params: parseArguments(call.arguments, i, j), result: '' };
          open.set(call.id, item);
          response.push(item);
        });
        history.push({ type: 'model', response });
        return;
      }
      case 'tool': {
        const call = m.tool_call_id === undefined ? undefined : open.get(m.tool_call_id);
        if (!call) {
          throw new WeirError('invalid_request', `a tool message must answer a tool call of an earlier assistant message; "${m.tool_call_id ?? ''}" is none`, {
            status: 400,
            path: ['messages', i, 'tool_call_id'],
          });
        }
        call.result = m.content;
        open.delete(m.tool_call_id!);
        return;
      }
    }
  });
  return history;
}

function parseArguments(text: string, i: number, j: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new WeirError('invalid_request', 'a tool call\'s arguments must be JSON text', {
      status: 400,
      path: ['messages', i, 'tool_calls', j, 'function', 'arguments'],
    });
  }
}
