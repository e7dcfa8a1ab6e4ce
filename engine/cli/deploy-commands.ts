/**
 * `weir publish`, `weir deploy` and `weir keys`: the publish → deploy → key steps of the studio and
 * the management API, on the data folder (or WEIR_DATABASE_URL) a server uses, so a flow can go from
 * a file in a repository to a keyed endpoint in a script or a CI job without the studio.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { FlowValidationError, WeirError } from '../errors.ts';
import type { NodeRegistry } from '../registry.ts';
import { readFlowSource } from '../app/flow-source.ts';
import { expiryOf } from '../api/routes/key-json.ts';
import type { DeploymentRow } from '../store/types.ts';
import { openCliWorkspace } from './cli-workspace.ts';
import type { Io } from './commands.ts';
import { formatProblem, relative } from './format.ts';

const FLOW_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const DEPLOYMENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

const fail = (message: string): never => {
  throw new WeirError('invalid_argument', message);
};

function wholeNumber(flag: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) fail(`--${flag} ${raw}: expected a whole number above 0`);
  return n;
}

/** `weir publish <flow.yaml | stored flow>`: a file becomes the flow's draft first; then the draft is published. */
export async function publishCommand(args: string[], registry: NodeRegistry, io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { message: { type: 'string', short: 'm' }, author: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } } });
  if (positionals.length !== 1) fail('usage: weir publish <flow.yaml | flow name> [--message text]');
  const target = positionals[0];
  const cli = await openCliWorkspace(registry, values['data-dir']);
  try {
    let name = target;
    if (existsSync(target)) {
      const src = readFlowSource(readFileSync(target, 'utf8'), target.endsWith('.json') ? 'application/json' : 'application/yaml');
      if (src.problems.length) {
        for (const p of src.problems) io.err(formatProblem(relative(target), p));
        return 2;
      }
      const declared = (src.definition as { name?: unknown } | null)?.name;
      if (typeof declared !== 'string' || !FLOW_NAME.test(declared)) fail(`${relative(target)}: the flow needs a name (letters, digits, _ and -) to be published under`);
      name = declared as string;
      const { checked } = await cli.ws.flows.save(name, src, src.locate);
      for (const p of checked.problems) io.err(formatProblem(relative(target), p));
      if (!checked.ok) return 2;
    } else if (!FLOW_NAME.test(target) || !(await cli.ws.flows.find(target))) {
      fail(`${target}: no such file, and no stored flow of that name (weir publish takes a flow file or a flow the studio saved)`);
    }
    const { version, created } = await cli.ws.publish(name, values.message ?? '', values.author ?? process.env.USER ?? 'cli');
    if (values.json) io.out(JSON.stringify({ flow: name, version: version.number, created }, null, 2) + '\n');
    else io.out(created ? `published ${name} version ${version.number}\n` : `${name} is unchanged since version ${version.number}: nothing new published\n`);
    return 0;
  } catch (err) {
    if (err instanceof FlowValidationError) {
      for (const p of err.problems) io.err(formatProblem(name(target), p));
      return 2;
    }
    throw err;
  } finally {
    await cli.close();
  }
}

const name = (target: string) => (existsSync(target) ? relative(target) : target);

/**
 * `weir deploy <name> --flow f [--version N]`: a new deployment of the flow, or an existing one moved
 * to that version (all its traffic; the studio does splits). `--model id`: a model deployment.
 */
export async function deployCommand(args: string[], registry: NodeRegistry, io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { flow: { type: 'string' }, version: { type: 'string' }, model: { type: 'string' }, connection: { type: 'string' }, 'remote-model': { type: 'string' }, tpm: { type: 'string' }, rpm: { type: 'string' }, 'safety-policy': { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
  });
  if (positionals.length !== 1) fail('usage: weir deploy <deployment> --flow <flow> [--version N] | --model <model id>');
  const deployment = positionals[0];
  if (!DEPLOYMENT_NAME.test(deployment)) fail(`"${deployment}": a deployment name is lower-case letters, digits and -, up to 63 characters`);
  if ((values.flow === undefined) === (values.model === undefined)) fail('give --flow <flow> (a published flow) or --model <model id> (weir models list), not both');
  const version = wholeNumber('version', values.version);
  const tpm = wholeNumber('tpm', values.tpm);
  const rpm = wholeNumber('rpm', values.rpm);
  const cli = await openCliWorkspace(registry, values['data-dir']);
  try {
    const { deployments } = cli.ws;
    const existing = await deployments.cached(deployment);
    let row: DeploymentRow;
    let action: string;
    if (values.model !== undefined) {
      if (values.version !== undefined || rpm !== undefined) fail('--version and --rpm apply to flow deployments');
      if (existing) fail(`deployment "${deployment}" already exists (delete it in the studio or with DELETE /api/deployments/${deployment} to deploy another model under its name)`);
      const options = { ...(values.connection ? { connection: values.connection } : {}), ...(values['remote-model'] ? { remoteModel: values['remote-model'] } : {}), ...(tpm !== undefined ? { tpm } : {}), ...(values['safety-policy'] ? { safetyPolicy: values['safety-policy'] } : {}) };
      row = await deployments.createModel({ name: deployment, model: values.model, options, traceSampleRate: 1 });
      // Loaded here once, so a model that cannot load is told now rather than at the first call.
      const loaded = await cli.ws.models.get(deployment).then(() => undefined, (err: unknown) => (err instanceof Error ? err.message : String(err)));
      action = loaded ? `deployed model ${values.model} as "${deployment}", but it failed to load here: ${loaded}` : `deployed model ${values.model} as "${deployment}" (it loads)`;
    } else {
      const flow = values.flow!;
      if (tpm !== undefined || values.connection || values['remote-model']) fail('--tpm, --connection and --remote-model apply to model deployments');
      const versions = await cli.ws.flows.versions(flow);
      if (!versions.length) fail(`flow "${flow}" has no published version yet: weir publish ${flow}`);
      const number = version ?? versions[versions.length - 1].number;
      if (!versions.some((v) => v.number === number)) fail(`flow "${flow}" has no version ${number} (published: ${versions.map((v) => v.number).join(', ')})`);
      const traffic = [{ version: number, weight: 100 }];
      if (existing) {
        if (existing.kind !== 'flow' || existing.flow !== flow) fail(`deployment "${deployment}" serves ${existing.kind === 'flow' ? `flow "${existing.flow}"` : `model ${existing.model}`}, not flow "${flow}"`);
        row = await deployments.update(deployment, { traffic, ...(rpm !== undefined ? { rpm } : {}), ...(values['safety-policy'] ? { safetyPolicy: values['safety-policy'] } : {}) });
        action = `"${deployment}" now serves ${flow} version ${number} (all its traffic)`;
      } else {
        row = await deployments.createFlow({ name: deployment, flow, traffic, traceSampleRate: 1, rpm, safetyPolicy: values['safety-policy'] });
        action = `deployed ${flow} version ${number} as "${deployment}"`;
      }
    }
    const endpoint = row.kind === 'model' ? `/v1 (model "${row.name}") and /openai/deployments/${row.name}` : `/deployments/${row.name}/score`;
    if (values.json) io.out(JSON.stringify({ name: row.name, kind: row.kind, flow: row.flow, model: row.model, traffic: row.traffic }, null, 2) + '\n');
    else io.out(`${action}\nendpoint: ${endpoint}\n${(await deployments.activeKeyCount(row.name)) ? '' : `it has no key yet: weir keys create ${row.name}\n`}`);
    return 0;
  } finally {
    await cli.close();
  }
}

/** `weir keys create|list|revoke <deployment>`: a key is printed once, then only its prefix. */
export async function keysCommand(args: string[], registry: NodeRegistry, io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { name: { type: 'string' }, expires: { type: 'string' }, rpm: { type: 'string' }, tpm: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } } });
  const [sub, deployment, id] = positionals;
  const usage = 'usage: weir keys create <deployment> [--name n] [--expires 2027-06-30T00:00:00Z] [--rpm N] [--tpm N] | list <deployment> | revoke <deployment> <key id or prefix>';
  if (!sub || !deployment || !['create', 'list', 'revoke'].includes(sub)) fail(sub && !['create', 'list', 'revoke'].includes(sub) ? `unknown keys command "${sub}" (${usage})` : usage);
  if (sub === 'revoke' && !id) fail('usage: weir keys revoke <deployment> <key id or prefix> (weir keys list shows them)');
  if (values.expires !== undefined && Number.isNaN(Date.parse(values.expires))) fail(`--expires ${values.expires}: expected an ISO 8601 date-time like 2027-06-30T00:00:00Z`);
  const rpm = wholeNumber('rpm', values.rpm);
  const tpm = wholeNumber('tpm', values.tpm);
  const cli = await openCliWorkspace(registry, values['data-dir']);
  try {
    const { deployments } = cli.ws;
    if (sub === 'create') {
      const { row, secret } = await deployments.createKey(deployment, values.name ?? 'default', { expiresAt: expiryOf(values.expires), rpm: rpm ?? null, tpm: tpm ?? null });
      if (values.json) io.out(JSON.stringify({ id: row.id, name: row.name, prefix: row.prefix, key: secret }, null, 2) + '\n');
      else {
        io.out(`${secret}\n`);
        io.err(`key "${row.name}" (id ${row.id}) for "${deployment}": shown once, store it now\n`);
      }
      return 0;
    }
    const keys = await deployments.listKeys(deployment);
    if (sub === 'list') {
      const rows = keys.map((k) => ({ id: k.id, name: k.name, prefix: k.prefix, active: k.revokedAt === null && (k.expiresAt === null || k.expiresAt > Date.now()), created_at: new Date(k.createdAt).toISOString(), expires_at: k.expiresAt && new Date(k.expiresAt).toISOString(), last_used_at: k.lastUsedAt && new Date(k.lastUsedAt).toISOString(), rpm: k.rpm, tpm: k.tpm }));
      if (values.json) io.out(JSON.stringify(rows, null, 2) + '\n');
      else if (!rows.length) io.out(`"${deployment}" has no keys: weir keys create ${deployment}\n`);
      else for (const k of rows) io.out(`${k.id}  ${k.prefix}…  ${k.name}  ${k.active ? 'active' : 'revoked or expired'}  last used ${k.last_used_at ?? 'never'}\n`);
      return 0;
    }
    const matches = keys.filter((k) => k.id === id || k.prefix === id || k.prefix.startsWith(id!));
    if (matches.length !== 1) fail(matches.length ? `"${id}" matches ${matches.length} keys of "${deployment}": give its id (weir keys list ${deployment})` : `"${deployment}" has no key with id or prefix "${id}" (weir keys list ${deployment})`);
    await deployments.revokeKey(deployment, matches[0].id);
    io.out(`revoked key "${matches[0].name}" (${matches[0].prefix}…) of "${deployment}"\n`);
    return 0;
  } finally {
    await cli.close();
  }
}
