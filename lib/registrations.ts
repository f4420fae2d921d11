import type { TablesDB } from 'node-appwrite';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import { RegistrationFields } from '#shared/schemas/registration.ts';
import { isStatus, orNull } from './appwrite-errors.ts';
import { withRetry } from './retry.ts';

/**
 * The `registrations` table (see shared/schemas/registration.ts): one row per user id Agora issued
 * and no user has taken yet. Its rows grant nothing to anyone (no permissions, rowSecurity off): only
 * functions, with their key, read and write them.
 */
export interface RegistrationStore {
  /** Records that `userId` was issued (before `users.create`). */
  issue(userId: string, fields: RegistrationFields): Promise<void>;
  /** The record of an issued id no user has finished taking; `null` when there is none. */
  find(userId: string): Promise<RegistrationFields | null>;
  /** Removes the record (taken, withdrawn, or its user deleted); already gone is fine. */
  remove(userId: string): Promise<void>;
}

/** The store over `node-appwrite`. Reads and the delete by id are idempotent and retried; the create is not. */
export function registrationStore(tables: TablesDB): RegistrationStore {
  const at = (rowId: string) => ({
    databaseId: DATABASE_ID,
    tableId: TableId.registrations,
    rowId,
  });
  return {
    async issue(userId, fields) {
      await tables.createRow({ ...at(userId), data: fields, permissions: [] });
    },
    async find(userId) {
      const row = await orNull(withRetry(() => tables.getRow(at(userId))));
      if (row === null) return null;
      // A row that does not parse grants nothing: the gate then blocks, as for no row at all.
      const parsed = RegistrationFields.safeParse({
        issuedBy: (row as Record<string, unknown>).issuedBy,
        admin: (row as Record<string, unknown>).admin ?? false,
        handle: (row as Record<string, unknown>).handle ?? null,
      });
      return parsed.success ? parsed.data : null;
    },
    async remove(userId) {
      try {
        await withRetry(() => tables.deleteRow(at(userId)));
      } catch (thrown) {
        if (!isStatus(thrown, 404)) throw thrown;
      }
    },
  };
}
