/**
 * What a sub-flow runs (its flow's latest version) is cached per instance. A publish on one
 * instance reaches another at once over the bus; without the message (a bus that was away) the other
 * still picks it up within CACHE_MAX_AGE_MS.
 */
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { MemoryBus } from '../bus/memory-bus.ts';
import { useTempStore } from '../../test/helpers/temp-store.ts';
import { testRegistry } from '../../test/helpers/test-nodes.ts';
import { CACHE_MAX_AGE_MS } from './deployments.ts';
import { Workspace } from './workspace.ts';

const temp = useTempStore();
const flow = (text: string) => ({ weir: 1, name: 'sub', outputs: { o: '${a.output}' }, nodes: [{ name: 'a', type: 'pass', inputs: { value: text } }] });
let a: Workspace;
let b: Workspace;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
  // Two instances on one store whose buses do not reach each other: every message is lost.
  a = new Workspace(temp.store, testRegistry(), { bus: new MemoryBus() });
  b = new Workspace(temp.store, testRegistry(), { bus: new MemoryBus() });
});
afterEach(async () => {
  vi.useRealTimers();
  await a.close();
  await b.close();
});

it('another instance runs a newly published version within the cache bound, even without the message', async () => {
  await a.flows.save('sub', { source: '', format: 'json', definition: flow('one') });
  await a.publish('sub', 'v1', 'me');
  expect(await b.resolveFlow('sub')).toEqual(flow('one'));

  await a.flows.save('sub', { source: '', format: 'json', definition: flow('two') });
  await a.publish('sub', 'v2', 'me');
  // The publishing instance sees it at once.
  expect(await a.resolveFlow('sub')).toEqual(flow('two'));
  // The other one still trusts what it read, but not for longer than the bound.
  expect(await b.resolveFlow('sub')).toEqual(flow('one'));
  vi.setSystemTime(Date.now() + CACHE_MAX_AGE_MS);
  expect(await b.resolveFlow('sub')).toEqual(flow('two'));
});
