#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { builtinNodes } from '../nodes/index.ts';
import { runCommand, validateCommand, type Io } from './cli/commands.ts';
import { commandHelp, HELP } from './cli/help.ts';
import { deployCommand, keysCommand, publishCommand } from './cli/deploy-commands.ts';
import { batchCommand } from './cli/batch-command.ts';
import { dataCommand } from './cli/data-command.ts';
import { importCommand } from './cli/import-command.ts';
import { modelsCommand } from './cli/models-command.ts';
import { serveCommand, workerCommand } from './cli/serve-command.ts';
import { WeirError } from './errors.ts';
import { NodeRegistry } from './registry.ts';

/** The `weir` command. Only this entry point puts the node types and the engine together. */
export async function main(argv: string[], io: Io, registry = new NodeRegistry(builtinNodes)): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (!command || command === 'help' || command === '--help' || command === '-h') {
      io.out(HELP);
      return command ? 0 : 2;
    }
    // `weir run --help`: the command's usage, not a parse error (only before a `--`, after which it is a value).
    const flags = rest.includes('--') ? rest.slice(0, rest.indexOf('--')) : rest;
    if (flags.includes('--help') || flags.includes('-h')) {
      const usage = commandHelp(command);
      if (usage) {
        io.out(usage);
        return 0;
      }
    }
    if (command === 'publish') return await publishCommand(rest, registry, io);
    if (command === 'deploy') return await deployCommand(rest, registry, io);
    if (command === 'keys') return await keysCommand(rest, registry, io);
    if (command === 'serve') {
      const { values } = parseArgs({ args: rest, options: { port: { type: 'string', short: 'p' }, host: { type: 'string' }, 'data-dir': { type: 'string' }, workers: { type: 'string' } } });
      return await serveCommand({ port: values.port, host: values.host, dataDir: values['data-dir'], workers: values.workers }, registry, io);
    }
    if (command === 'worker') {
      const { values } = parseArgs({ args: rest, options: { 'data-dir': { type: 'string' }, workers: { type: 'string' } } });
      return await workerCommand({ dataDir: values['data-dir'], workers: values.workers }, registry, io);
    }
    if (command === 'models') return await modelsCommand(rest, io, {});
    if (command === 'import') return await importCommand(rest, registry, io);
    if (command === 'data') return await dataCommand(rest, io, registry, { isTty: Boolean(process.stdout.isTTY) });
    if (command === 'validate') {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      if (!positionals.length) throw new WeirError('invalid_argument', 'weir validate needs at least one flow file');
      return await validateCommand(positionals, registry, io);
    }
    if (command === 'run') {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: {
          input: { type: 'string', short: 'i', multiple: true, default: [] },
          inputs: { type: 'string' },
          trace: { type: 'boolean', default: false },
          json: { type: 'boolean', default: false },
          concurrency: { type: 'string' },
          timeout: { type: 'string' },
          data: { type: 'string' },
          'column-mapping': { type: 'string', multiple: true, default: [] },
          output: { type: 'string', short: 'o' },
          run: { type: 'string' },
          'data-dir': { type: 'string' },
        },
      });
      if (positionals.length !== 1) throw new WeirError('invalid_argument', 'weir run needs exactly one flow file');
      const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
      if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency > 0)) {
        throw new WeirError('invalid_argument', `--concurrency ${values.concurrency}: expected a whole number above 0`);
      }
      const ctl = new AbortController();
      const onSigint = () => ctl.abort();
      process.once('SIGINT', onSigint);
      try {
        if (values.data !== undefined) {
          const { data, output, run, json, timeout } = values;
          return await batchCommand({ flow: positionals[0], data, columnMapping: values['column-mapping'], output, run, dataDir: values['data-dir'], json, timeout, concurrency, isTty: Boolean(process.stdout.isTTY), signal: ctl.signal }, registry, io);
        }
        if (values.output || values.run || values['column-mapping'].length) throw new WeirError('invalid_argument', '--output, --run and --column-mapping are for batch runs: give --data lines.jsonl');
        return await runCommand({ flow: positionals[0], input: values.input, inputs: values.inputs, trace: values.trace, json: values.json, concurrency, timeout: values.timeout, signal: ctl.signal }, registry, io);
      } finally {
        process.off('SIGINT', onSigint);
      }
    }
    throw new WeirError('invalid_argument', `unknown command "${command}" (try: weir help)`);
  } catch (err) {
    if (err instanceof WeirError) {
      io.err(`error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof Error && (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`error: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

const isEntry = process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isEntry) {
  const io: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n') };
  main(process.argv.slice(2), io).then((code) => (process.exitCode = code));
}
