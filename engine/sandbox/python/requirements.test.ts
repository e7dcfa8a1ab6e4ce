import { describe, expect, test } from 'vitest';
import { parseRequirements } from './requirements.ts';

describe('parseRequirements', () => {
  test('names the module each line provides; promptflow lines are the stand-in, options and comments are not packages', () => {
    const lines = [
      'promptflow[azure]',
      'promptflow-tools',
      'python-dotenv==1.0.0',
      '# a comment',
      '',
      '--extra-index-url https://mirror.example/simple',
      '-r other.txt',
      'beautifulsoup4>=4.12 ; python_version >= "3.8"',
      'PyYAML',
      'requests  # for fetching',
      'azure_search_documents',
      'my.package',
    ];
    expect(parseRequirements(lines).map((r) => [r.dist, r.module])).toEqual([
      ['python-dotenv', 'dotenv'],
      ['beautifulsoup4', 'bs4'],
      ['pyyaml', 'yaml'],
      ['requests', 'requests'],
      ['azure-search-documents', 'azure'],
      ['my.package', 'my_package'],
    ]);
    expect(parseRequirements(['requests  # for fetching'])[0].line).toBe('requests');
  });
});
