/**
 * Compute quota for local models: the instance offers local deployments some memory; deployments
 * sharing one loaded model count it once; one that does not fit is refused with what is left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { memoryNeed } from '../../engine/app/gateway/compute.ts';
import { makeApi, type Api } from '../helpers/api.ts';

const MIB = 1024 * 1024;
let api: Api;
/** What the shipped models need by the estimate: the extractive model's size is not listed (256 MiB), use-lite's is. */
let extractive: number;
let useLite: number;

beforeAll(async () => {
  const probe = makeApi();
  extractive = Math.ceil(memoryNeed((await probe.ws.catalog.get('weir-extractive'))!) / MIB);
  useLite = Math.ceil(memoryNeed((await probe.ws.catalog.get('use-lite'))!) / MIB);
  await probe.close();
  // Room for both and 100 MiB more: not for a second extractive model.
  api = makeApi({ workspace: { compute: { threads: 2, memoryBytes: (extractive + useLite + 100) * MIB } } });
});
afterAll(() => api.close());

describe('compute quota for local models', () => {
  it('counts a loaded model once however many deployments share it, and refuses the one that does not fit, saying what is left', async () => {
    const offered = extractive + useLite + 100;
    expect(extractive).toBe(256);
    expect((await api.call('GET', '/api/compute')).json).toEqual({ threads: 2, memory_mb: { offered, used: 0, left: offered }, models: [] });
    expect((await api.call('POST', '/api/deployments', { name: 'chat', model: 'weir-extractive' })).status).toBe(201);
    // The same model and options again: shared, nothing more taken.
    expect((await api.call('POST', '/api/deployments', { name: 'chat-2', model: 'weir-extractive' })).status).toBe(201);
    expect((await api.call('POST', '/api/deployments', { name: 'embed', model: 'use-lite' })).status).toBe(201);
    const used = (await api.call('GET', '/api/compute')).json;
    expect(used.memory_mb).toEqual({ offered, used: extractive + useLite, left: 100 });
    expect(used.models).toEqual([
      { model: 'weir-extractive', context_size: null, memory_mb: extractive, deployments: ['chat', 'chat-2'] },
      { model: 'use-lite', context_size: null, memory_mb: useLite, deployments: ['embed'] },
    ]);
    // A model's file and a fifth more.
    expect(Math.ceil(memoryNeed({ fileSizeBytes: 105e6 }) / MIB)).toBe(121);
    const refused = await api.call('POST', '/api/deployments', { name: 'qa', model: 'weir-extractive', context_size: 512 });
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'compute_exceeded', param: 'model' });
    expect(refused.json.error.message).toBe(`model "weir-extractive" needs about 256 MiB of memory; this instance offers local models ${offered} MiB, ${extractive + useLite} MiB in use by weir-extractive, use-lite, 100 MiB left (WEIR_COMPUTE_MEMORY_MB sets the offer)`);
    // Deleting a deployment that shared its model frees nothing; deleting the last one frees the model's memory.
    await api.call('DELETE', '/api/deployments/chat-2');
    expect((await api.call('GET', '/api/compute')).json.memory_mb.used).toBe(extractive + useLite);
    await api.call('DELETE', '/api/deployments/embed');
    expect((await api.call('GET', '/api/compute')).json.memory_mb).toEqual({ offered, used: extractive, left: useLite + 100 });
    await api.call('DELETE', '/api/deployments/chat');
    expect((await api.call('POST', '/api/deployments', { name: 'qa', model: 'weir-extractive', context_size: 512 })).status).toBe(201);
    expect((await api.call('GET', '/api/compute')).json.models).toEqual([{ model: 'weir-extractive', context_size: 512, memory_mb: extractive, deployments: ['qa'] }]);
  });
});
