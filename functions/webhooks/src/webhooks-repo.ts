import { type Client, TablesDB } from 'node-appwrite';
import { isStatus } from '#lib/appwrite-errors.ts';
import { withRetry } from '#lib/retry.ts';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import type { WebhookDeliveryFields } from '#shared/schemas/webhook.ts';

/**
 * What the `webhooks` function asks of Appwrite: the `webhook_deliveries` rows, by the id derived
 * from a delivery's body. The unit tests use an in-memory implementation.
 */
export interface WebhooksRepo {
  /** Records a delivery under `rowId`; `false` when a row with that id exists (409). */
  createDelivery(rowId: string, fields: WebhookDeliveryFields): Promise<boolean>;
  /** When the delivery recorded under `rowId` arrived, or `null` when there is none. */
  receivedAt(rowId: string): Promise<Date | null>;
  /** Deletes the record under `rowId`; `false` when it was already gone. */
  deleteDelivery(rowId: string): Promise<boolean>;
}

/**
 * The repository over `node-appwrite`. Every call is idempotent (fixed ids: a repeated create is a
 * 409, a repeated delete a 404), so each retries transient failures.
 */
export function createWebhooksRepo(client: Client): WebhooksRepo {
  const tables = new TablesDB(client);
  const at = { databaseId: DATABASE_ID, tableId: TableId.webhookDeliveries };
  return {
    async createDelivery(rowId, fields) {
      try {
        await withRetry(() => tables.createRow({ ...at, rowId, data: fields, permissions: [] }));
        return true;
      } catch (thrown) {
        if (isStatus(thrown, 409)) return false;
        throw thrown;
      }
    },
    async receivedAt(rowId) {
      try {
        const row = await withRetry(() => tables.getRow({ ...at, rowId }));
        return new Date(String((row as unknown as WebhookDeliveryFields).receivedAt));
      } catch (thrown) {
        if (isStatus(thrown, 404)) return null;
        throw thrown;
      }
    },
    async deleteDelivery(rowId) {
      try {
        await withRetry(() => tables.deleteRow({ ...at, rowId }));
        return true;
      } catch (thrown) {
        if (isStatus(thrown, 404)) return false;
        throw thrown;
      }
    },
  };
}
