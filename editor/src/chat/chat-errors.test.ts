import { describe, expect, it } from 'vitest';
import { readableError, toChatError } from './chat-errors.ts';

describe('readableError', () => {
  it('says a limit was reached and when to try again', () => {
    const r = readableError({ status: 429, code: 'rate_limit_exceeded', message: "this app's limit of 1 messages a minute per visitor", retry_after_seconds: 41.2 });
    expect(r.title).toBe('Too many messages right now');
    expect(r.detail).toContain('try again in 42 seconds');
    expect(readableError({ status: 429, code: 'quota_exceeded', message: 'm', retry_after_seconds: 300 }).detail).toContain('in 5 minutes');
    expect(readableError({ status: 429, code: 'rate_limit_exceeded', message: 'm' }).detail).toContain('wait a moment');
  });

  it('says a filtered message was blocked, and an upstream failure that the assistant is unavailable', () => {
    expect(readableError({ status: 400, code: 'content_filter', message: 'The prompt matched blocklist rivals.' }).title).toBe('This message was blocked by the content filter');
    for (const status of [502, 503, 504]) expect(readableError({ status, code: 'upstream_error', message: 'the model server did not answer' }).title).toBe('The assistant is unavailable');
    expect(readableError({ status: 0, code: 'network_error', message: 'cannot reach the Weir server' }).title).toBe('The assistant is unavailable');
  });

  it('keeps the server message for anything else', () => {
    expect(readableError({ status: 500, code: 'answer_interrupted', message: 'the page was closed' })).toEqual({ title: 'The answer failed', detail: 'the page was closed' });
  });

  it('reads any thrown value', () => {
    expect(toChatError(Object.assign(new Error('nope'), { status: 401, code: 'unauthorized' }))).toEqual({ status: 401, code: 'unauthorized', message: 'nope' });
    expect(toChatError('boom')).toMatchObject({ status: 0, code: 'network_error', message: 'boom' });
  });
});
