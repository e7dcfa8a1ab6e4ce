import { WeirError } from '../errors.ts';
import type { ValidationResult } from '../flow/validate.ts';
import type { FlowRow, Store, VersionRow } from '../store/types.ts';
import type { FlowSource } from './flow-source.ts';

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
    const checked = await this.check(draft.definition, locate);
    const row = await this.store.flows.put({ name, source: draft.source, format: draft.format, definition: draft.definition });
    return { row, checked };
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
