import { describe, expect, it } from 'vitest';
import { logsOf, type TraceRow } from './trace-view.ts';

const row = (logs: unknown): TraceRow => ({ node: 'ask', type: 'llm', status: 'succeeded', attempts: 1, logs } as TraceRow);

describe('logsOf', () => {
  it("gives a node's log lines as the server sent them, the dropped-lines note included", () => {
    const lines = [
      { level: 'info', message: 'llm round 1: the model called add', at_ms: 3.2, data: { round: 1 } },
      { level: 'warn', message: '12 more log lines were dropped', at_ms: 9, dropped: 12 },
    ];
    expect(logsOf(row(lines))).toEqual(lines);
  });

  it('is empty for a node that logged nothing, or for no trace at all', () => {
    expect(logsOf(row(undefined))).toEqual([]);
    expect(logsOf(row(null))).toEqual([]);
    expect(logsOf(undefined)).toEqual([]);
  });

  it('leaves out what is not a log line rather than failing the panel', () => {
    const good = { level: 'error', message: 'boom', at_ms: 1 };
    expect(logsOf(row([null, 'text', { level: 'loud', message: 'x', at_ms: 1 }, { level: 'info', message: 5, at_ms: 1 }, { level: 'info', message: 'no time' }, good]))).toEqual([good]);
    expect(logsOf(row({ level: 'info' }))).toEqual([]);
  });
});
