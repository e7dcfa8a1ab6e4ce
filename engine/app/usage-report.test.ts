import { describe, expect, it } from 'vitest';
import { usageCsv } from './usage-report.ts';

describe('usage CSV', () => {
  it('quotes what needs quoting and keeps a spreadsheet from running a cell as a formula, leaving plain ids as they are', () => {
    const line = (deployment: string) => ({ deployment, requests: 1, prompt_tokens: 2, completion_tokens: 3, total_tokens: 5, cost: 0.5 });
    const csv = usageCsv([line('=HYPERLINK("x")'), line('a,b'), line('-9Ab_x'), line('-1+2'), line('@SUM(A1)')], ['deployment']);
    expect(csv.split('\r\n')).toEqual([
      'deployment,requests,prompt_tokens,completion_tokens,total_tokens,cost',
      `"'=HYPERLINK(""x"")",1,2,3,5,0.5`,
      '"a,b",1,2,3,5,0.5',
      '-9Ab_x,1,2,3,5,0.5',
      "'-1+2,1,2,3,5,0.5",
      "'@SUM(A1),1,2,3,5,0.5",
      '',
    ]);
  });
});
