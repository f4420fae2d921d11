import { type Client, Query, Storage, TablesDB } from 'node-appwrite';
import { BucketId, DATABASE_ID, TableId } from '#shared/ids.ts';

/**
 * What the health check asks of Appwrite. Each probe resolves when the service answered and throws
 * when it did not; the fake in the unit tests implements the same interface.
 */
export interface HealthRepo {
  /** Reads one row of the `stats` table (scope `rows.read`). */
  probeDatabase(): Promise<void>;
  /** Lists one file of the `avatars` bucket (scope `files.read`). */
  probeStorage(): Promise<void>;
}

/** The health probes over `node-appwrite`, with the execution's client. */
export function createHealthRepo(client: Client): HealthRepo {
  const tables = new TablesDB(client);
  const storage = new Storage(client);
  // `total: false` spares the server a count: we only ask whether it answers.
  return {
    async probeDatabase() {
      await tables.listRows({
        databaseId: DATABASE_ID,
        tableId: TableId.stats,
        queries: [Query.limit(1)],
        total: false,
      });
    },
    async probeStorage() {
      await storage.listFiles({
        bucketId: BucketId.avatars,
        queries: [Query.limit(1)],
        total: false,
      });
    },
  };
}
