import { fileMissing, sha256, type KeptFiles } from '../../data/staged-files.ts';
import type { DataStore } from '../../store/data-types.ts';

/**
 * An index's uploaded files kept in the server database: a job accepted by one instance is read by
 * whichever instance's worker takes it, and re-indexing finds every document's file on any instance.
 */
export class StoreFiles implements KeptFiles {
  constructor(
    private readonly data: DataStore,
    private readonly index: string,
  ) {}

  async put(bytes: Uint8Array): Promise<string> {
    const hash = sha256(bytes);
    await this.data.putFile(this.index, hash, bytes);
    return hash;
  }

  async has(hash: string): Promise<boolean> {
    return (await this.data.hasFiles(this.index, [hash])).has(hash);
  }

  async read(hash: string, name: string): Promise<Uint8Array> {
    const bytes = await this.data.readFile(this.index, hash);
    if (!bytes) throw fileMissing(name, `the database (index "${this.index}")`);
    return bytes;
  }

  async prune(keep: Set<string>): Promise<void> {
    await this.data.pruneFiles(this.index, keep);
  }
}
