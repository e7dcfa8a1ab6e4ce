/**
 * LangChain JS (`@langchain/openai`) as the client, against the real server on loopback with the
 * tiny random-weight GGUF: `bindTools` and `withStructuredOutput`, the two calls agents and
 * extraction pipelines are built on, plain and streamed, through /v1 and the Azure route. The tool
 * calls and JSON come from the runtime's grammar, so they hold whatever the weights.
 */
import { AIMessageChunk, HumanMessage, SystemMessage, type AIMessage } from '@langchain/core/messages';
import { tool } from '@langchain/core/tools';
import { AzureChatOpenAI, ChatOpenAI } from '@langchain/openai';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startModelServer, type ModelServer } from '../helpers/model-server.ts';

let ms: ModelServer;
let key: string;

const WeatherArgs = z.object({ city: z.string().max(10).describe('The city'), unit: z.enum(['c', 'f']) });
const getWeather = tool(async ({ city, unit }) => `It is 21°${unit} and clear in ${city}.`, { name: 'get_weather', description: 'The weather in a city', schema: WeatherArgs });
const Reading = z.object({ city: z.string().max(10), warm: z.boolean(), degrees: z.number().int(), sky: z.enum(['clear', 'cloudy', 'rain']) });
const question = [new SystemMessage('You are a tiny test model.'), new HumanMessage('What is the weather in Paris?')];

const chat = () => new ChatOpenAI({ model: 'tiny', apiKey: key, configuration: { baseURL: `${ms.server.url}/v1` }, maxRetries: 0, temperature: 0, maxTokens: 120, seed: 7 } as ConstructorParameters<typeof ChatOpenAI>[0]);

beforeAll(async () => {
  ms = await startModelServer('langchain-admin-token');
  await ms.addTinyLlama('tiny-llama');
  key = await ms.deploy('tiny', 'tiny-llama');
}, 60_000);

afterAll(() => ms?.close());

describe('LangChain bindTools', () => {
  it('gives a parsed tool call LangChain can run, and takes the ToolMessage back for the next turn', async () => {
    const model = chat().bindTools([getWeather], { tool_choice: 'get_weather' });
    const asked = (await model.invoke(question)) as AIMessage;
    expect(asked.tool_calls).toHaveLength(1);
    const call = asked.tool_calls![0];
    expect(call).toMatchObject({ name: 'get_weather', id: expect.stringMatching(/^call_/), type: 'tool_call' });
    expect(WeatherArgs.safeParse(call.args).success, JSON.stringify(call.args)).toBe(true);
    expect(asked.response_metadata.finish_reason).toBe('tool_calls');

    // The agent step: run the tool (a ToolMessage named for it) and ask again.
    const result = await getWeather.invoke(call);
    expect(result.tool_call_id).toBe(call.id);
    const next = (await chat().bindTools([getWeather], { tool_choice: 'none' }).invoke([...question, asked, result])) as AIMessage;
    expect(next.tool_calls ?? []).toEqual([]);
    expect(typeof next.content).toBe('string');
    expect((next.content as string).length).toBeGreaterThan(0);
  });

  it('streams the call in chunks that concatenate to the same parsed call', async () => {
    const model = chat().bindTools([getWeather], { tool_choice: 'required' });
    let merged: AIMessageChunk | undefined;
    let pieces = 0;
    for await (const c of await model.stream(question)) {
      pieces += c.tool_call_chunks?.length ?? 0;
      merged = merged ? merged.concat(c) : c;
    }
    expect(pieces).toBeGreaterThan(1);
    expect(merged!.tool_calls).toHaveLength(1);
    expect(merged!.tool_calls![0].name).toBe('get_weather');
    expect(WeatherArgs.safeParse(merged!.tool_calls![0].args).success).toBe(true);
  });
});

describe('LangChain withStructuredOutput', () => {
  for (const method of ['jsonSchema', 'functionCalling', 'jsonMode'] as const) {
    it(`returns an object matching the schema (method ${method})`, async () => {
      if (method === 'jsonMode') {
        // JSON mode promises a JSON object, not the schema's: the raw answer is one whenever it ends by itself.
        const { raw } = await chat().withStructuredOutput(Reading, { method, includeRaw: true }).invoke(question);
        const text = raw.content.toString();
        expect(text.trimStart().startsWith('{')).toBe(true);
        if ((raw.response_metadata as { finish_reason?: string }).finish_reason === 'stop') expect(JSON.parse(text)).toBeTypeOf('object');
        return;
      }
      const out = await chat().withStructuredOutput(Reading, { method, strict: true }).invoke(question);
      expect(Reading.safeParse(out).success, JSON.stringify(out)).toBe(true);
    });
  }

  it('works through AzureChatOpenAI on the Azure route', async () => {
    const azure = new AzureChatOpenAI({
      azureOpenAIApiKey: key, azureOpenAIEndpoint: ms.server.url, azureOpenAIApiDeploymentName: 'tiny', azureOpenAIApiVersion: '2024-10-21',
      model: 'tiny', maxRetries: 0, temperature: 0, maxTokens: 120,
    });
    const out = await azure.withStructuredOutput(Reading, { method: 'jsonSchema', strict: true }).invoke(question);
    expect(Reading.safeParse(out).success).toBe(true);
    const asked = (await azure.bindTools([getWeather], { tool_choice: 'required' }).invoke(question)) as AIMessage;
    expect(WeatherArgs.safeParse(asked.tool_calls![0].args).success).toBe(true);
  });
});
