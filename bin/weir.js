#!/usr/bin/env node
// The built CLI (npm install builds it through the `prepare` script).
import { main } from '../dist/engine/cli.js';

const io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t.endsWith('\n') ? t : t + '\n') };
process.exitCode = await main(process.argv.slice(2), io);
