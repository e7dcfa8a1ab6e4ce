import { randomBytes } from 'node:crypto';

/** A tool call's id in OpenAI's form, for calls whose model or upstream gave none. */
export function newToolCallId(): string {
  return `call_${randomBytes(12).toString('hex')}`;
}
