import { WeirError } from '../../engine/errors.ts';
import type { ChatMessage, Role } from '../../engine/models/types.ts';

/** A role line as prompt flow writes them: `system:`, `# user:`, `Assistant:` alone on a line. */
const ROLE_LINE = /^\s*#?\s*(system|user|assistant)\s*:\s*$/i;

/**
 * Turns rendered template text into chat messages, prompt-flow style: each role line starts a
 * message; text before the first role line (or a template without any) is one user message.
 */
export function parseChatMessages(text: string): ChatMessage[] {
  const messages: ChatMessage[] = [];
  let role: Role = 'user';
  let lines: string[] = [];
  const flush = () => {
    const content = lines.join('\n').trim();
    if (content) messages.push({ role, content });
    lines = [];
  };
  for (const line of text.split(/\r?\n/)) {
    const m = ROLE_LINE.exec(line);
    if (m) {
      flush();
      role = m[1].toLowerCase() as Role;
    } else lines.push(line);
  }
  flush();
  if (!messages.length) throw new WeirError('empty_prompt', 'the rendered prompt has no message text', { path: ['config', 'template'] });
  return messages;
}
