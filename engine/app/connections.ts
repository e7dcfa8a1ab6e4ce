import type { ConnectionRow, Store } from '../store/types.ts';

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
}
