/**
 * What the CLI tests share: spawning the built `weir` command and the small flows it runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project folder: the CLI runs from here, as `npm run weir` would. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function weir(...args: string[]): Promise<Exit> {
  return weirWith({}, ...args);
}

/** `weir` from another folder or with more environment (`env` values override the process's). */
export function weirWith(opts: { cwd?: string; env?: Record<string, string | undefined> }, ...args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/weir.js'), ...args], { cwd: opts.cwd ?? ROOT, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export const lines = (text: string) => text.split('\n').filter((l) => l.trim() !== '');

export const FLOWS: Record<string, string> = {
  'greet.flow.yaml': `weir: 1
name: greet
inputs:
  name: { type: string, default: world }
  times: { type: integer, default: 1 }
  loud: { type: boolean, default: false }
  tags: { type: list, default: [] }
outputs:
  text: \${hello.output}
  info: \${shape.output}
nodes:
  - name: hello
    type: prompt
    inputs: { name: \${inputs.name} }
    config: { template: "Hello, {{ name }}!" }
  - name: shape
    type: transform
    inputs: { name: \${inputs.name}, times: \${inputs.times}, loud: \${inputs.loud}, tags: \${inputs.tags} }
    config: { expression: '{"name_type": $type(name), "times": times * 2, "loud": loud, "tags": $count(tags)}' }
`,
  'branch.flow.yaml': `weir: 1
name: branch
inputs:
  text: { type: string, default: hi }
  loud: { type: boolean, default: false }
outputs:
  result: \${pick.output}
nodes:
  - name: shout
    type: transform
    inputs: { text: \${inputs.text} }
    config: { expression: "$uppercase(text)" }
    activate: { when: \${inputs.loud}, is: true }
  - name: quiet
    type: transform
    inputs: { text: \${inputs.text} }
    config: { expression: "$lowercase(text)" }
    activate: { when: \${inputs.loud}, is: false }
  - name: pick
    type: coalesce
    inputs: { loud: \${shout.output}, quiet: \${quiet.output} }
`,
  'fallback.flow.yaml': `weir: 1
name: fallback
inputs:
  text: { type: string, default: hi }
  loud: { type: boolean, default: false }
outputs:
  result: \${pick.output}
nodes:
  - name: shout
    type: transform
    inputs: { text: \${inputs.text} }
    config: { expression: "$uppercase(text)" }
    activate: { when: \${inputs.loud}, is: true }
  - name: pick
    type: coalesce
    inputs: { loud: \${shout.output}, plain: \${inputs.text} }
`,
  'parse.flow.yaml': `weir: 1
name: parse
inputs:
  amount: { type: string, default: twelve }
outputs:
  total: \${add_tax.output}
nodes:
  - name: add_tax
    type: transform
    inputs: { amount: \${inputs.amount} }
    config: { expression: "$number(amount) * 1.2" }
`,
  'local-call.flow.yaml': `weir: 1
name: local-call
outputs:
  status: \${health.output.status}
nodes:
  - name: health
    type: http
    config: { url: "http://127.0.0.1:8080/health", timeout_ms: 2000 }
`,
  'bad.flow.yaml': `weir: 1
name: bad
inputs:
  question: { type: string }
outputs:
  answer: \${answer.output}
nodes:
  - name: answer
    type: llm_agent
    inputs: { question: \${inputs.question}, context: \${retrieve.output} }
`,
  'warn.flow.yaml': `weir: 1
name: warn
outputs:
  a: \${a.output}
nodes:
  - name: a
    type: prompt
    config: { template: "A" }
  - name: b
    type: prompt
    config: { template: "B" }
`,
  'shout.flow.yaml': `weir: 1
name: shout
inputs:
  text: { type: string }
outputs:
  text: \${up.output}
nodes:
  - name: up
    type: transform
    inputs: { text: \${inputs.text} }
    config: { expression: "$uppercase(text) & '!'" }
`,
  'announce.flow.yaml': `weir: 1
name: announce
inputs:
  who: { type: string }
outputs:
  announcement: \${loud.output.text}
nodes:
  - name: line
    type: prompt
    inputs: { who: \${inputs.who} }
    config: { template: "welcome {{ who }}" }
  - name: loud
    type: flow
    inputs: { text: \${line.output} }
    config: { flow: shout }
`,
};

/** The CLI runs from dist/, which `npm test` rebuilds first; build it here when vitest runs alone. */
export function ensureBuilt(): void {
  if (!existsSync(path.join(ROOT, 'dist/engine/cli.js'))) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit', timeout: 170_000 });
  }
}
