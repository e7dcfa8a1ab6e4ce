/**
 * A loopback OpenAI-compatible upstream that calls a tool (no model that calls tools is reachable
 * offline): scripted on the conversation it is sent, it calls `add(2, 3)` until it sees a tool
 * message, then answers quoting that tool's answer. With ADD_FLOW and AGENT_FLOW it gives an llm node
 * two real rounds (a call, the sub-flow's answer, the reply), so each round's log lines can be seen.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AddingUpstream {
  /** The base URL to give an `openai` connection (ends in /v1). */
  baseUrl: string;
  /** Request bodies, in order. */
  bodies: { messages: { role: string; content?: string }[] }[];
  close(): Promise<void>;
}

function answer(body: AddingUpstream['bodies'][number]): unknown {
  const tool = [...body.messages].reverse().find((m) => m.role === 'tool');
  const message = tool
    ? { role: 'assistant', content: `The sum is ${tool.content}.` }
    : { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'add', arguments: '{"a": 2, "b": 3}' } }] };
  return { id: 'x', object: 'chat.completion', choices: [{ index: 0, message, finish_reason: tool ? 'stop' : 'tool_calls' }], usage: { prompt_tokens: 9, completion_tokens: 4, total_tokens: 13 } };
}

export async function startAddingUpstream(): Promise<AddingUpstream> {
  const bodies: AddingUpstream['bodies'] = [];
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(raw) as AddingUpstream['bodies'][number];
      bodies.push(body);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer(body)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    bodies,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** The tool's sub-flow: adds its two numbers. */
export const ADD_FLOW = {
  weir: 1, name: 'add',
  inputs: { a: { type: 'number' }, b: { type: 'number' } },
  outputs: { sum: '${t.output}' },
  nodes: [{ name: 't', type: 'transform', inputs: { a: '${inputs.a}', b: '${inputs.b}' }, config: { expression: 'a + b' } }],
};

/** A flow whose llm node `ask` (on the connection `upstream`) may call `add`. */
export const AGENT_FLOW = {
  weir: 1, name: 'agent',
  inputs: { question: { type: 'string' } },
  outputs: { answer: '${ask.output}' },
  nodes: [{
    name: 'ask', type: 'llm', inputs: { question: '${inputs.question}' },
    config: {
      connection: 'upstream', model: 'scripted-tools', template: 'user:\n{{ question }}\n',
      tools: [{
        name: 'add', description: 'Adds two numbers.', flow: 'add',
        parameters: { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
      }],
    },
  }],
};
