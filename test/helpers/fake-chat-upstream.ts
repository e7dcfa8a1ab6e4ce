/**
 * A loopback stand-in for an OpenAI-compatible /chat/completions upstream (the edge where OpenAI,
 * vLLM or Ollama cannot exist offline): it keeps each request body and answers with what the test
 * scripted, as one JSON body or as SSE events, so the remote provider's shapes can be checked both
 * ways. Beside fake-llm-service.ts, which answers only the listing calls of connection tests.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ScriptedAnswer = { json: unknown } | { events: unknown[] };

export interface FakeChatUpstream {
  /** The base URL to give a connection (ends in /v1). */
  baseUrl: string;
  /** Request bodies, in order. */
  bodies: Record<string, unknown>[];
  /** What the next request gets (the last one set stays until replaced). */
  answer(next: ScriptedAnswer): void;
  close(): Promise<void>;
}

export async function startFakeChatUpstream(): Promise<FakeChatUpstream> {
  const bodies: Record<string, unknown>[] = [];
  let scripted: ScriptedAnswer = { json: { choices: [{ message: { content: '' }, finish_reason: 'stop' }] } };
  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString('utf8')));
    req.on('end', () => {
      if (req.url !== '/v1/chat/completions' || req.method !== 'POST') {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      bodies.push(JSON.parse(raw) as Record<string, unknown>);
      if ('json' in scripted) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(scripted.json));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      for (const e of scripted.events) res.write(`data: ${JSON.stringify(e)}\n\n`);
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    baseUrl: `${url}/v1`,
    bodies,
    answer: (next) => (scripted = next),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
