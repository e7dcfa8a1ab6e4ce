/**
 * The development set's Jinja templates render in Weir exactly as prompt flow renders them: Jinja2
 * 3.1.6 with prompt flow's settings (trim_blocks=True, keep_trailing_newline=True). The expected texts
 * in fixtures/promptflow-dev-templates.json were produced by running each file through Jinja2 itself
 * (a bypassed input, None, included). The chat template's role lines then make prompt flow's messages.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseChatMessages } from '../nodes/lib/chat-messages.ts';
import { promptNode } from '../nodes/prompt.ts';
import { hasPromptflowDev, NEEDS_DEV_SET, PROMPTFLOW_DEV } from './helpers/promptflow-dev.ts';
import { makeContext, runNode } from './helpers/nodes/test-context.ts';

const cases = JSON.parse(readFileSync(path.join(import.meta.dirname, 'fixtures/promptflow-dev-templates.json'), 'utf8')) as { file: string; vars: Record<string, unknown>; expected: string }[];

const render = (file: string, vars: Record<string, unknown>) =>
  runNode(promptNode, { template_file: path.basename(file) }, vars, makeContext({ flowDir: path.join(PROMPTFLOW_DEV, path.dirname(file)) }));

describe.skipIf(!hasPromptflowDev)(`prompt flow's templates render as Jinja2 renders them${hasPromptflowDev ? '' : ` (skipped: ${NEEDS_DEV_SET})`}`, () => {
  it.each(cases)('$file', async ({ file, vars, expected }) => {
    expect(await render(file, vars)).toBe(expected);
  });

  it('the chat template makes system, user and assistant messages, history turns in order', async () => {
    const chat = cases.find((c) => c.file === 'chat-basic/chat.jinja2')!;
    const messages = parseChatMessages(String(await render(chat.file, chat.vars)));
    expect(messages).toEqual([
      { role: 'system', content: 'You are a helpful assistant.' },
      { role: 'user', content: 'What is ChatGPT?' },
      { role: 'assistant', content: 'A chat model.' },
      { role: 'user', content: 'Is it free?' },
      { role: 'assistant', content: 'Partly.' },
      { role: 'user', content: 'And who made it?' },
    ]);
  });
});
