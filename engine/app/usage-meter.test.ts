/**
 * The meter keeps counts and call records in memory and writes them in batches: a flush asked for
 * while another runs still writes what came in meanwhile, a failed write keeps the records for the
 * next, and old records are pruned. On the real SQLite store.
 */
import { describe, expect, it, vi } from 'vitest';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import type { CallRow } from '../store/types.ts';
import { callRetentionDays, UsageMeter } from './usage-meter.ts';

const t = useTempStore();
const DAY = 86_400_000;
const call = (id: string, at = Date.now()): CallRow => ({ id, at, deployment: 'd', kind: 'model', keyId: null, model: 'm', promptTokens: 1, completionTokens: 2, cost: 0, latencyMs: 3, status: 200, filtered: [] });
const ids = async () => (await t.store.calls.list({ from: 0, to: Date.now() + DAY, limit: 100 })).map((c) => c.id).sort();

describe('the usage meter', () => {
  it('writes a record logged while a flush is running with the flush asked for after it', async () => {
    const meter = new UsageMeter(t.store, 60_000);
    meter.log(call('a'));
    const first = meter.flush();
    meter.log(call('b'));
    const second = meter.flush();
    await second;
    expect(await ids()).toEqual(['a', 'b']);
    await first;
    await meter.close();
  });

  it('keeps records whose write failed for the next flush, and writes them once', async () => {
    const meter = new UsageMeter(t.store, 60_000);
    const record = vi.spyOn(t.store.calls, 'record').mockRejectedValueOnce(new Error('database is locked'));
    const quiet = vi.spyOn(console, 'error').mockImplementation(() => {});
    meter.log(call('a'));
    await meter.flush();
    expect(await ids()).toEqual([]);
    meter.log(call('b'));
    await meter.close();
    expect(await ids()).toEqual(['a', 'b']);
    expect(record).toHaveBeenCalledTimes(2);
    quiet.mockRestore();
  });

  it('prunes records older than its retention at its first flush', async () => {
    await t.store.calls.record([call('old', Date.now() - 31 * DAY), call('recent', Date.now() - 29 * DAY)]);
    const meter = new UsageMeter(t.store, 60_000, 30);
    await meter.close();
    expect(await ids()).toEqual(['recent']);
  });

  it('reads its retention from WEIR_USAGE_CALL_DAYS, refusing what is not a positive whole number', () => {
    expect(callRetentionDays({})).toBe(30);
    expect(callRetentionDays({ WEIR_USAGE_CALL_DAYS: '7' })).toBe(7);
    for (const bad of ['0', '-1', '1.5', 'week']) expect(() => callRetentionDays({ WEIR_USAGE_CALL_DAYS: bad })).toThrow(/WEIR_USAGE_CALL_DAYS must be a positive whole number of days, not "/);
  });
});
