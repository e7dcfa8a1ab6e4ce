import { WeirError } from '../errors.ts';
import type { ConnectionRow, Store } from '../store/types.ts';
import { TESTABLE_TYPES, testConnection, type ConnectionTestResult } from './connection-test.ts';

type ConnectionInput = Parameters<Store['connections']['put']>[0];

/** Connections as the API manages them; secrets go in and only their names come out. */
export class Connections {
  constructor(private readonly store: Store) {}

  list(): Promise<ConnectionRow[]> {
    return this.store.connections.list();
  }

  get(name: string): Promise<ConnectionRow | undefined> {
    return this.store.connections.get(name);
  }

  /** `created` tells a PUT's 201 from its 200. */
  async put(row: ConnectionInput): Promise<{ row: ConnectionRow; created: boolean }> {
    const existed = !!(await this.store.connections.get(row.name));
    return { row: await this.store.connections.put(row), created: !existed };
  }

  delete(name: string): Promise<boolean> {
    return this.store.connections.delete(name);
  }

  /** One real request to the service (short timeout); undefined when there is no such connection. */
  async test(name: string): Promise<ConnectionTestResult | undefined> {
    const c = await this.store.connections.resolve(name);
    if (!c) return undefined;
    if (!(TESTABLE_TYPES as readonly string[]).includes(c.type)) {
      throw new WeirError('connection_invalid', `connection "${name}" is of type "${c.type}"; Test works for ${TESTABLE_TYPES.join(', ')}`, { status: 422, path: ['type'] });
    }
    return testConnection({ name, type: c.type, settings: c.settings, secrets: c.secrets });
  }
}
