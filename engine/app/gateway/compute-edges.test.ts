/** Compute quota's refusal when nothing is loaded yet, and the offer's refusal, in their exact words. */
import { describe, expect, it } from 'vitest';
import { useTempStore } from '../../../test/helpers/temp-store.ts';
import { ModelCatalog } from '../../models/catalog.ts';
import { Compute, computeOfferFromEnv } from './compute.ts';

const MIB = 1024 * 1024;
const temp = useTempStore();
const catalog = () => new ModelCatalog(() => temp.store.models.list());

describe('compute quota at its edges', () => {
  it('refuses a model larger than the whole offer with nothing loaded, saying "in use by nothing"', async () => {
    const entry = (await catalog().get('weir-extractive'))!;
    // weir-extractive's size is not listed: 256 MiB by the estimate.
    const compute = new Compute(temp.store, catalog(), { threads: 1, memoryBytes: 255 * MIB });
    await expect(compute.check(entry, {})).rejects.toMatchObject({
      code: 'compute_exceeded',
      status: 409,
      path: ['model'],
      message: 'model "weir-extractive" needs about 256 MiB of memory; this instance offers local models 255 MiB, 0 MiB in use by nothing, 255 MiB left (WEIR_COMPUTE_MEMORY_MB sets the offer)',
    });
    // One MiB more and it fits exactly.
    await new Compute(temp.store, catalog(), { threads: 1, memoryBytes: 256 * MIB }).check(entry, {});
  });

  it('refuses an offer that is not a whole number of MiB above 0, naming the variable and the value', () => {
    for (const raw of ['0', '-5', '1.5', 'lots']) {
      expect(() => computeOfferFromEnv({ WEIR_COMPUTE_MEMORY_MB: raw }, 1)).toThrow(
        expect.objectContaining({ code: 'invalid_config', message: `WEIR_COMPUTE_MEMORY_MB must be a positive whole number of MiB, not "${raw}"` }),
      );
    }
  });
});
