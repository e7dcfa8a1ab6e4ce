import { describe, expect, it } from 'vitest';
import { computeOfferFromEnv } from './compute.ts';
import { DEFAULT_QUOTAS, quotaSettingsFromEnv } from './quotas.ts';

describe('quota and compute settings from the environment', () => {
  it('take whole positive numbers, fall back to the defaults when unset or empty, and refuse anything else naming the variable', () => {
    expect(quotaSettingsFromEnv({})).toEqual(DEFAULT_QUOTAS);
    expect(quotaSettingsFromEnv({ WEIR_QUOTA_TPM: '', WEIR_DEPLOYMENT_TPM: '' })).toEqual(DEFAULT_QUOTAS);
    expect(quotaSettingsFromEnv({ WEIR_QUOTA_TPM: '450000', WEIR_DEPLOYMENT_TPM: '1' })).toEqual({ defaultPoolTpm: 450_000, defaultAllocationTpm: 1 });
    for (const bad of ['0', '-1', '1.5', 'lots', '1e400']) {
      expect(() => quotaSettingsFromEnv({ WEIR_DEPLOYMENT_TPM: bad })).toThrow(`WEIR_DEPLOYMENT_TPM must be a positive whole number of tokens a minute, not "${bad}"`);
    }
    expect(() => quotaSettingsFromEnv({ WEIR_QUOTA_TPM: 'x' })).toThrow(expect.objectContaining({ code: 'invalid_config' }));

    expect(computeOfferFromEnv({ WEIR_COMPUTE_MEMORY_MB: '2048' }, 3)).toEqual({ threads: 3, memoryBytes: 2048 * 1024 * 1024 });
    const machine = computeOfferFromEnv({}, 2);
    expect(machine.memoryBytes % (1024 * 1024)).toBe(0);
    expect(machine.memoryBytes).toBeGreaterThan(0);
    expect(() => computeOfferFromEnv({ WEIR_COMPUTE_MEMORY_MB: '0' }, 2)).toThrow('WEIR_COMPUTE_MEMORY_MB must be a positive whole number of MiB, not "0"');
  });
});
