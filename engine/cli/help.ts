/** `weir help`, and `weir <command> --help`: the usage lines of that command. */
export const HELP = `weir — build, run and deploy LLM flows

usage:
  weir serve [--port 8787] [--host 127.0.0.1] [--data-dir .weir] [--workers 4]
  weir worker [--data-dir .weir] [--workers 4]      (background jobs only, on WEIR_DATABASE_URL + WEIR_REDIS_URL)
  weir run <flow.yaml> [--input key=value …] [--inputs file.json] [--trace] [--json]
                       [--concurrency N] [--timeout 30s]
  weir run <flow.yaml> --data lines.jsonl [--column-mapping input='\${data.col}' …] [--output out.jsonl]
                       [--concurrency N] [--run <earlier output.jsonl or batch run id> [--data-dir .weir]] [--timeout 30s] [--json]
  weir validate <flow.yaml …>
  weir publish <flow.yaml | flow name> [--message text]
  weir deploy <deployment> --flow <flow> [--version N] [--rpm N] [--safety-policy p]
  weir deploy <deployment> --model <model id> [--connection c --remote-model m] [--tpm N]
  weir keys create <deployment> [--name n] [--expires 2027-06-30T00:00:00Z] [--rpm N] [--tpm N]
  weir keys list <deployment> | revoke <deployment> <key id or prefix>
  weir models list|search <words> [--task t] [--license l] [--provider p] [--local] [--json]
  weir models show <id> [--json] | add <file.gguf|onnx-folder> [--name n] [--task t] [--force]
  weir models pull <id>
  weir data add <files|folders…> --index <name> [--tag t …] [--text-field f] [--embedding-model id]
  weir data list | show <index> | search <index> <query…> [--mode m] [--top-k n] | rm <index> [document]
  weir data reindex <index> --embedding-model <id> [--chunk-tokens n] [--overlap-tokens n]
  weir data chat-flow <index> [--deployment d] [--flow name] [--replace]
  weir import promptflow <folder | zip | folder of flows> [--out dir] [--deployment-map gpt-4=chat …] [--name n]
                       [--connection conn.yaml …] [--data-dir .weir] [--inline] [--force] [--json]
  weir help | weir <command> --help

publish, deploy, keys and data work on the data folder a server uses (--data-dir, WEIR_HOME or .weir;
WEIR_DATABASE_URL and WEIR_REDIS_URL for several instances); a running server sees their changes.

exit codes: 0 ok, 1 the run failed (a batch: some lines failed; data add: some files were skipped; import: items need
attention), 2 invalid flow or bad arguments (import: the flow could not be imported)
`;

const COMMANDS = ['serve', 'worker', 'run', 'validate', 'publish', 'deploy', 'keys', 'models', 'data', 'import'] as const;

/** The usage lines that start with `weir <command>` (with their continuation lines), and the exit codes. */
export function commandHelp(command: string): string | undefined {
  if (!(COMMANDS as readonly string[]).includes(command)) return undefined;
  const lines = HELP.split('\n');
  const picked: string[] = [];
  let inCommand = false;
  for (const line of lines) {
    if (line.startsWith('  weir ')) inCommand = line.startsWith(`  weir ${command} `) || line === `  weir ${command}`;
    else if (!line.startsWith('    ')) inCommand = false;
    if (inCommand) picked.push(line);
  }
  const tail = HELP.slice(HELP.indexOf('\n\n', HELP.indexOf('weir help')) + 2);
  return `usage:\n${picked.join('\n')}\n\n${tail}`;
}
