import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import { WeirError } from '../../errors.ts';
import { writeFlowYaml } from '../../flow/yaml-source.ts';
import { diffFlows } from '../../app/flow-diff.ts';
import { flowName, readFlowSource, type FlowSource } from '../../app/flow-source.ts';
import { flowFromTemplate } from '../../app/flow-templates.ts';
import type { Workspace } from '../../app/workspace.ts';
import type { ValidationResult } from '../../flow/validate.ts';
import type { FlowRow, VersionRow } from '../../store/types.ts';
import { intParam, parseJsonText, readJson } from '../body.ts';
import { notFound } from '../errors.ts';
import { runDraft } from './run-draft.ts';

// `name@variant`: a variant of a flow (prompt flow's node variants, imported as flows of their own).
const NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,127}(@[A-Za-z0-9_-]{1,64})?$/;

/** POST /api/flows {template, name, params}: a new flow from one of GET /api/templates. */
const FromTemplate = z
  .object({
    template: z.string().min(1).max(100),
    name: z.string().regex(NAME, 'a flow name is letters, digits, _ and -, not starting with a digit (at most 128), with an optional @variant'),
    params: z.record(z.string().max(100), z.string().max(200)).default({}),
  })
  .strict();

const isTemplateRequest = (body: unknown): boolean => body !== null && typeof body === 'object' && !Array.isArray(body) && 'template' in body;

function versionJson(v: VersionRow) {
  return { flow: v.flow, version: v.number, hash: v.hash, message: v.message, author: v.author, created_at: new Date(v.createdAt).toISOString() };
}

/** A draft's version for If-Match: the hash of its text as stored (the same text, the same tag). */
function draftTag(row: FlowRow): string {
  return `"${createHash('sha256').update(row.source).digest('base64url').slice(0, 22)}"`;
}

/** Routes under /api/flows: drafts in YAML or JSON, validation, draft runs, publishing, versions, diffs. */
export function flowRoutes(ws: Workspace): Hono {
  const app = new Hono();
  /**
   * `locate` comes from the text just parsed; otherwise a stored YAML row is parsed again, and only
   * when there are problems to place (parsing a 300-node flow costs ~50 ms).
   */
  const placer = (src: Pick<FlowSource, 'source' | 'format' | 'locate'>): FlowSource['locate'] => {
    if (src.locate || src.format !== 'yaml') return src.locate;
    let lazy: FlowSource['locate'] | undefined;
    return (path) => (lazy ??= readFlowSource(src.source, 'application/yaml').locate)?.(path);
  };
  const flowJson = async (row: FlowRow, checked?: ValidationResult) => {
    const locate = placer(row);
    const v = checked ?? (await ws.flows.withWarnings(await ws.validate(row.definition, locate), locate));
    return {
      name: row.name, format: row.format, definition: row.definition, source: row.source, etag: draftTag(row),
      problems: v.problems, valid: v.ok,
      created_at: new Date(row.createdAt).toISOString(), updated_at: new Date(row.updatedAt).toISOString(),
    };
  };

  /** YAML text (application/yaml, text/*) or JSON (the flow document itself, stored as YAML). */
  const readBody = async (c: Context, previous?: FlowRow) => {
    const type = c.req.header('content-type') ?? '';
    const text = await c.req.text();
    if (!text.trim()) throw new WeirError('invalid_request', 'the body is empty: send the flow as YAML or JSON', { status: 400 });
    let src: FlowSource;
    if (/json/.test(type)) {
      const body = parseJsonText(text);
      if (body === null || typeof body !== 'object' || Array.isArray(body)) {
        throw new WeirError('not_a_mapping', 'a flow sent as JSON must be an object with weir, name and nodes', { status: 400 });
      }
      // Checked before the draft is written out as YAML, which costs far more than the check.
      ws.checkLimits(body);
      src = readFlowSource(body, type, previous?.format === 'yaml' ? previous.source : undefined);
    } else src = readFlowSource(text, type);
    if (src.problems.length) {
      const p = src.problems[0];
      throw new WeirError(p.code, `${p.message}${p.line ? ` (line ${p.line})` : ''}`, { status: 400 });
    }
    return src;
  };

  app.get('/', async (c) => {
    const flows = await ws.flows.list();
    return c.json({ data: flows.map(({ flow, versions }) => ({ name: flow.name, updated_at: new Date(flow.updatedAt).toISOString(), versions })) });
  });

  app.post('/', async (c) => {
    if (/json/.test(c.req.header('content-type') ?? '')) {
      const text = await c.req.text();
      const body = text.trim() ? parseJsonText(text) : undefined;
      if (isTemplateRequest(body)) {
        const r = FromTemplate.safeParse(body);
        if (!r.success) {
          const issue = r.error.issues[0];
          throw new WeirError('invalid_request', `${issue.path.join('.') || 'body'}: ${issue.message}`, { status: 400, path: issue.path.length ? (issue.path as (string | number)[]) : undefined });
        }
        const src = flowFromTemplate(r.data.template, r.data.name, r.data.params);
        if (src.problems.length) throw new WeirError('template_invalid', `flow template "${r.data.template}" does not read: ${src.problems[0].message}`, { status: 500 });
        const { row, checked } = await ws.flows.create(r.data.name, src, placer(src));
        return c.json(await flowJson(row, checked), 201);
      }
    }
    const src = await readBody(c);
    const name = flowName(src.definition);
    if (!NAME.test(name)) throw new WeirError('invalid_name', `flow name "${name}" must be letters, digits, _ and -, with an optional @variant`, { status: 400, path: ['name'] });
    const { row, checked } = await ws.flows.create(name, src, placer(src));
    return c.json(await flowJson(row, checked), 201);
  });

  app.get('/:name', async (c) => {
    const row = await ws.flows.get(c.req.param('name'));
    if ((c.req.header('accept') ?? '').includes('yaml')) return c.body(row.format === 'yaml' ? row.source : writeFlowYaml(row.definition), 200, { 'content-type': 'application/yaml; charset=utf-8' });
    return c.json(await flowJson(row));
  });

  app.put('/:name', async (c) => {
    const name = c.req.param('name');
    if (!NAME.test(name)) throw new WeirError('invalid_name', `flow name "${name}" must be letters, digits, _ and -, with an optional @variant`, { status: 400 });
    // The studio saves JSON: written into the stored YAML, the draft keeps its comments.
    const before = await ws.flows.find(name);
    // An editor sends the tag of the draft it loaded: a save over someone else's newer save is refused.
    const ifMatch = c.req.header('if-match');
    if (ifMatch && !(before && (ifMatch === '*' || ifMatch === draftTag(before)))) {
      throw new WeirError('draft_changed', `flow "${name}" was changed since it was loaded (another tab, the CLI or the API saved it): reload it, or save without If-Match to overwrite`, { status: 412 });
    }
    const src = await readBody(c, before);
    if (flowName(src.definition) !== name) throw new WeirError('name_mismatch', `the flow is named "${flowName(src.definition)}" but the URL says "${name}"`, { status: 400, path: ['name'] });
    const existed = !!before;
    const { row, checked } = await ws.flows.save(name, src, placer(src));
    return c.json(await flowJson(row, checked), existed ? 200 : 201);
  });

  app.delete('/:name', async (c) => {
    const name = c.req.param('name');
    if (!(await ws.deleteFlow(name))) throw notFound(`flow "${name}"`, 'flow_not_found');
    return c.body(null, 204);
  });

  app.post('/:name/validate', async (c) => {
    const { definition } = await ws.flows.get(c.req.param('name'));
    const v = await ws.flows.withWarnings(await ws.validate(definition));
    return c.json({ valid: v.ok, problems: v.problems });
  });

  app.post('/:name/runs', async (c) => runDraft(c, ws, (await ws.flows.get(c.req.param('name'))).name));

  app.post('/:name/publish', async (c) => {
    const body = await readJson(c, z.object({ message: z.string().max(2000).default(''), author: z.string().max(200).default('admin') }).strict());
    const { version, created } = await ws.publish((await ws.flows.get(c.req.param('name'))).name, body.message, body.author);
    return c.json({ ...versionJson(version), created }, created ? 201 : 200);
  });

  app.get('/:name/versions', async (c) => c.json({ data: (await ws.flows.versions(c.req.param('name'))).map(versionJson) }));

  app.get('/:name/versions/:n', async (c) => {
    const v = await ws.flows.version(c.req.param('name'), intParam(c.req.param('n'), 'version'));
    return c.json({ ...versionJson(v), definition: v.definition, source: v.source });
  });

  app.get('/:name/diff', async (c) => {
    const flow = c.req.param('name');
    // Both ends are required: without one the answer was a 404 for "version undefined".
    for (const q of ['from', 'to']) {
      if (!c.req.query(q)) throw new WeirError('invalid_request', `${q} is required: a version number${q === 'to' ? ' or draft' : ''}`, { status: 400, path: [q] });
    }
    const from = await ws.flows.version(flow, intParam(c.req.query('from'), 'from'));
    const toParam = c.req.query('to');
    const to = toParam === 'draft' ? (await ws.flows.get(flow)).definition : (await ws.flows.version(flow, intParam(toParam, 'to'))).definition;
    return c.json({ from: from.number, to: toParam === 'draft' ? 'draft' : Number(toParam), ...diffFlows(from.definition, to) });
  });

  return app;
}
