import { WeirError } from '../errors.ts';
import type { ValidationResult } from '../flow/validate.ts';
import type { FlowRow, Store, VersionRow } from '../store/types.ts';
import type { FlowSource } from './flow-source.ts';
import { resourceUses, resourceWarnings, type KnownResources } from './resource-warnings.ts';

/** What the Workspace checks a draft with before it is stored (validateDraft). */
export type DraftCheck = (definition: unknown, locate?: FlowSource['locate']) => Promise<ValidationResult>;

type Draft = Pick<FlowSource, 'source' | 'format' | 'definition'>;

/**
 * Drafts and their published versions as the API reads and writes them. Publishing and deleting
 * stay on the Workspace: they drop its cached plans and versions.
 */
export class Flows {
  constructor(
    private readonly store: Store,
    private readonly check: DraftCheck,
  ) {}

  /** Every draft with how many versions it has, for the flow list. */
  async list(): Promise<{ flow: FlowRow; versions: number }[]> {
    const flows = await this.store.flows.list();
    const versions = await Promise.all(flows.map((f) => this.store.versions.list(f.name)));
    return flows.map((flow, i) => ({ flow, versions: versions[i].length }));
  }

  /** The draft, or undefined: for callers that treat a missing one as a new one. */
  find(name: string): Promise<FlowRow | undefined> {
    return this.store.flows.get(name);
  }

  async get(name: string): Promise<FlowRow> {
    const row = await this.store.flows.get(name);
    if (!row) throw new WeirError('flow_not_found', `flow "${name}" not found`, { status: 404 });
    return row;
  }

  /** A new draft; refused when the name is taken, so a POST never overwrites. */
  async create(name: string, draft: Draft, locate?: FlowSource['locate']): Promise<{ row: FlowRow; checked: ValidationResult }> {
    if (await this.store.flows.get(name)) throw new WeirError('flow_exists', `flow "${name}" already exists (PUT /api/flows/${name} replaces it)`, { status: 409 });
    return this.save(name, draft, locate);
  }

  /** Creates or replaces a draft. Checked first: a draft the server could not serve back is refused. */
  async save(name: string, draft: Draft, locate?: FlowSource['locate']): Promise<{ row: FlowRow; checked: ValidationResult }> {
    const checked = await this.withWarnings(await this.check(draft.definition, locate), locate);
    const row = await this.store.flows.put({ name, source: draft.source, format: draft.format, definition: draft.definition });
    return { row, checked };
  }

  /**
   * Adds warnings for the deployments, data indexes and connections the flow names that this server
   * does not have. Only what the flow names is looked up, so a flow naming none costs nothing.
   */
  async withWarnings(result: ValidationResult, locate?: FlowSource['locate']): Promise<ValidationResult> {
    const uses = resourceUses(result.analysis);
    if (!uses.length) return result;
    const kinds = new Set(uses.map((u) => u.kind));
    const known: KnownResources = {};
    const [deployments, indexes, connections] = await Promise.all([
      kinds.has('deployment') ? this.store.deployments.list() : undefined,
      kinds.has('index') ? this.store.data.listIndexes() : undefined,
      kinds.has('connection') ? this.store.connections.list() : undefined,
    ]);
    if (deployments) known.deployment = new Set(deployments.map((d) => d.name));
    if (indexes) known.index = new Set(indexes.map((i) => i.name));
    if (connections) known.connection = new Set(connections.map((c) => c.name));
    const warnings = resourceWarnings(uses, known);
    if (!warnings.length) return result;
    for (const w of warnings) Object.assign(w, locate?.(w.path));
    return { ...result, problems: [...result.problems, ...warnings] };
  }

  async versions(name: string): Promise<VersionRow[]> {
    return this.store.versions.list((await this.get(name)).name);
  }

  /** `number` undefined (no number given) is a missing version too, with the same 404. */
  async version(flow: string, number: number | undefined): Promise<VersionRow> {
    const v = number === undefined ? undefined : await this.store.versions.get(flow, number);
    if (!v) throw new WeirError('version_not_found', `version ${number} of flow "${flow}" not found`, { status: 404 });
    return v;
  }
}
