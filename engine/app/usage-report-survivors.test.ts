import { describe, expect, it } from 'vitest';
import { WeirError } from '../errors.ts';
import { parseGroups } from './usage-report.ts';

/** Cases around the mutants Stryker left alive in usage-report.ts (see test/mutation/web-apps.md): group_by as a caller writes it. */

function refusal(raw: string): WeirError {
  try {
    parseGroups(raw);
  } catch (e) {
    expect(e).toBeInstanceOf(WeirError);
    return e as WeirError;
  }
  throw new Error(`group_by "${raw}" was taken`);
}

describe('group_by', () => {
  it('takes names with spaces around them and empty entries', () => {
    expect(parseGroups(' deployment , day,,')).toEqual(['deployment', 'day']);
  });

  it('names the groups it takes when given another', () => {
    expect(refusal('deployment,colour')).toMatchObject({ code: 'invalid_request', status: 400, path: ['group_by'], message: 'group_by takes deployment, key, model, day, hour, not "colour"' });
  });

  it('refuses day and hour together, saying so', () => {
    expect(refusal('day,hour')).toMatchObject({ code: 'invalid_request', status: 400, path: ['group_by'], message: 'group_by takes day or hour, not both' });
  });
});
