import { Hono, type Context } from 'hono';
import { WeirError } from '../../errors.ts';
import { ImportFailedError, importPromptflowInto } from '../../app/import-promptflow.ts';
import type { Workspace } from '../../app/workspace.ts';
import { errorBody } from '../errors.ts';
import { checkUploadedFiles, flowFolder, readCapped, readZip, UPLOAD_LIMITS, type UploadedFile, type UploadLimits } from '../import-upload.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}$/;
const OPTIONS = ['name', 'deployment_map', 'dry_run', 'replace'] as const;
type Option = (typeof OPTIONS)[number];
const MAX_MAP_ENTRIES = 100;
const MAP_PART = /^[A-Za-z0-9_.:/*-][A-Za-z0-9_.:/@ -]{0,199}$/;

const invalid = (param: string, message: string) => new WeirError('invalid_request', message, { status: 400, path: [param] });

function flag(value: string | undefined, param: string): boolean {
  if (value === undefined || value === '' || value === 'false' || value === '0') return false;
  if (value === 'true' || value === '1') return true;
  throw invalid(param, `${param} must be true or false, not "${value.slice(0, 40)}"`);
}

/** `{"gpt-4":"chat"}` or `gpt-4=chat,gpt-35-turbo=small` (the CLI's --deployment-map form). */
export function parseDeploymentMap(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined || !text.trim()) return undefined;
  const bad = (why: string) => new WeirError('invalid_deployment_map', `deployment_map ${why}: send JSON {"prompt flow deployment":"Weir deployment"} or from=to,from=to`, { status: 400, path: ['deployment_map'] });
  let pairs: [string, unknown][];
  if (text.trim().startsWith('{')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      throw bad('is not valid JSON');
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw bad('is not a JSON object');
    pairs = Object.entries(value);
  } else {
    pairs = text.split(',').filter((p) => p.trim()).map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) throw bad(`has "${p.trim().slice(0, 60)}" without "="`);
      return [p.slice(0, eq).trim(), p.slice(eq + 1).trim()];
    });
  }
  if (pairs.length > MAX_MAP_ENTRIES) throw bad(`has ${pairs.length} entries (at most ${MAX_MAP_ENTRIES})`);
  const map: Record<string, string> = {};
  for (const [from, to] of pairs) {
    if (!MAP_PART.test(from)) throw bad(`maps "${from.slice(0, 60)}", which is not a deployment or model name`);
    if (typeof to !== 'string' || !NAME.test(to)) throw bad(`maps "${from}" to ${JSON.stringify(to)?.slice(0, 60)}, which is not a Weir deployment name`);
    map[from] = to;
  }
  return map;
}

/** The files and the options of a multipart upload (a folder's files, each named by its relative path). */
async function readMultipart(c: Context, body: Uint8Array): Promise<{ files: UploadedFile[]; fields: Partial<Record<Option, string>> }> {
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': c.req.header('content-type')! } }).formData();
  } catch (err) {
    throw new WeirError('invalid_multipart', `the multipart body could not be read: ${(err as Error).message}`, { status: 400, cause: err });
  }
  const files: UploadedFile[] = [];
  const fields: Partial<Record<Option, string>> = {};
  for (const [field, value] of form.entries()) {
    if (typeof value !== 'string') {
      files.push({ path: value.name || field, bytes: new Uint8Array(await value.arrayBuffer()) });
    } else if ((OPTIONS as readonly string[]).includes(field)) {
      fields[field as Option] = value;
    } else {
      throw invalid(field, `unknown form field "${field.slice(0, 60)}": send the folder's files (named by their paths) and ${OPTIONS.join(', ')}`);
    }
  }
  return { files, fields };
}

/** Routes under /api/import: a prompt flow folder (zip or multipart files) into flows and connections. */
export function importRoutes(ws: Workspace, limits: UploadLimits = UPLOAD_LIMITS): Hono {
  const app = new Hono();
  app.post('/promptflow', async (c) => {
    const type = c.req.header('content-type') ?? '';
    const zip = /^application\/(?:x-)?zip(?:-compressed)?\b/i.test(type);
    if (!zip && !/^multipart\/form-data\b/i.test(type)) {
      throw new WeirError('unsupported_media_type', `send the flow folder as a zip (application/zip) or its files as multipart/form-data, each named by its path; got "${type.slice(0, 80) || 'no content type'}"`, { status: 415 });
    }
    const length = Number(c.req.header('content-length'));
    if (length > limits.bodyBytes) throw new WeirError('import_too_large', `the upload is ${length} bytes; an import may be at most ${limits.bodyBytes}`, { status: 413, path: ['body'] });
    const body = await readCapped(c.req.raw.body, limits);

    let fields: Partial<Record<Option, string>> = {};
    let upload;
    if (zip) upload = await readZip(body, limits);
    else {
      const form = await readMultipart(c, body);
      fields = form.fields;
      upload = checkUploadedFiles(form.files, limits);
    }
    const option = (o: Option) => c.req.query(o) ?? fields[o];
    const name = option('name')?.trim() || undefined;
    if (name !== undefined && !NAME.test(name)) throw new WeirError('invalid_name', `flow name "${name.slice(0, 130)}" must be letters, digits, _ and -, not starting with a digit (at most 128)`, { status: 400, path: ['name'] });
    const deploymentMap = parseDeploymentMap(option('deployment_map'));
    const dryRun = flag(option('dry_run'), 'dry_run');
    const replace = flag(option('replace'), 'replace');

    const folder = flowFolder(upload);
    try {
      const answer = await importPromptflowInto(ws, folder.files, { name: name ?? suggestedName(folder.folderName), deploymentMap, dryRun, replace });
      return c.json({ ...answer, ignored: folder.ignored }, answer.dry_run ? 200 : 201);
    } catch (err) {
      if (!(err instanceof ImportFailedError)) throw err;
      // The error carries the report too (as a failed flow's carries its problems): clients that read only `error` see why.
      const body = errorBody(422, err.code, err.message);
      return c.json({ error: { ...body.error, report: err.answer.report }, ...err.answer, ignored: folder.ignored }, 422);
    }
  });
  return app;
}

/** A folder's name made a flow name (`chat basic (2)` → `chat_basic_2`); the importer's default when none fits. */
function suggestedName(folder: string | undefined): string | undefined {
  if (!folder) return undefined;
  const name = folder.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 128);
  if (!name) return undefined;
  return /^[0-9-]/.test(name) ? `_${name}`.slice(0, 128) : name;
}
