import {
  AppwriteException,
  type Client,
  Functions,
  ID,
  type Models,
  Permission,
  Query,
  Role,
  TablesDB,
  Users,
} from 'node-appwrite';
import { isStatus, orNull } from '#lib/appwrite-errors.ts';
import { registrationStore } from '#lib/registrations.ts';
import { withRetry } from '#lib/retry.ts';
import { FunctionId } from '#shared/functions.ts';
import { ADMIN_LABEL, DATABASE_ID, TableId } from '#shared/ids.ts';
import type { AdminUserView } from '#shared/schemas/admin.ts';
import type { JobFields } from '#shared/schemas/job.ts';
import type { RegistrationFields } from '#shared/schemas/registration.ts';

/** One page of users as Appwrite lists them (by cursor), before the handler decides `nextCursor`. */
export interface UserListQuery {
  search?: string | undefined;
  cursor?: string | undefined;
  /** How many to read: the handler asks for one more than it answers, to know whether more follow. */
  limit: number;
}

/**
 * What the `admin` function asks of Appwrite. The node-appwrite implementation is below; the unit
 * tests use an in-memory one (tests/unit/functions/admin-fake-repo.ts).
 */
export interface AdminRepo {
  /** Records an id about to be issued, so `on-user-created` vets its user once (`registrations`). */
  issueRegistration(userId: string, fields: RegistrationFields): Promise<void>;
  /** Withdraws an issued id no user took; already gone is fine. */
  withdrawRegistration(userId: string): Promise<void>;
  /** The user, or `null` when there is none (404). */
  getUser(userId: string): Promise<AdminUserView | null>;
  /**
   * Users after `cursor` in Appwrite's order, optionally matching `search`. `null` when the cursor
   * names no user (Appwrite's 400 `general_cursor_not_found`).
   */
  listUsers(query: UserListQuery): Promise<AdminUserView[] | null>;
  /** Creates a user with a password; `null` when the email (or id) is taken (409). */
  createUser(input: {
    userId: string;
    email: string;
    password: string;
    name: string;
  }): Promise<AdminUserView | null>;
  /** Replaces the user's labels; `null` when the user is gone. */
  setLabels(userId: string, labels: string[]): Promise<AdminUserView | null>;
  /** `users.updateStatus`: `true` active, `false` blocked; `null` when the user is gone. */
  setStatus(userId: string, status: boolean): Promise<AdminUserView | null>;
  /** `true` when this call deleted the user, `false` when there was none. */
  deleteUser(userId: string): Promise<boolean>;
  /** Creates a `jobs` row readable only by `readerId`; returns its id. */
  createJob(fields: JobFields, readerId: string): Promise<string>;
  /** Marks a job failed with a plain reason (when its execution could not be started). */
  failJob(jobId: string, error: string): Promise<void>;
  /** Starts an async execution of `export-users` for the job (scope `executions.write`). */
  startExport(jobId: string): Promise<void>;
}

/** The admin view of a user: never the password hash, prefs, sessions or targets. */
export function adminUserView(user: Models.User<Models.Preferences>): AdminUserView {
  return {
    $id: user.$id,
    $createdAt: user.$createdAt,
    name: user.name,
    email: user.email,
    emailVerification: user.emailVerification,
    status: user.status,
    admin: user.labels.includes(ADMIN_LABEL),
    labels: [...user.labels],
  };
}

/** The repository over `node-appwrite`, with the execution's client. */
export function createAdminRepo(client: Client): AdminRepo {
  const users = new Users(client);
  const tables = new TablesDB(client);
  const functions = new Functions(client);
  const registrations = registrationStore(tables);

  return {
    issueRegistration: (userId, fields) => registrations.issue(userId, fields),
    withdrawRegistration: (userId) => registrations.remove(userId),
    async getUser(userId) {
      const user = await withRetry(() => orNull(users.get({ userId })));
      return user === null ? null : adminUserView(user);
    },
    async listUsers({ search, cursor, limit }) {
      const queries = [Query.limit(limit)];
      if (cursor !== undefined) queries.push(Query.cursorAfter(cursor));
      try {
        // `total: false`: the page is all we need, and Appwrite counts only up to 5,000 anyway.
        const page = await withRetry(() =>
          users.list({ queries, total: false, ...(search ? { search } : {}) }),
        );
        return page.users.map(adminUserView);
      } catch (thrown) {
        if (thrown instanceof AppwriteException && thrown.type === 'general_cursor_not_found') {
          return null;
        }
        throw thrown;
      }
    },
    async createUser({ userId, email, password, name }) {
      try {
        // Not retried: a lost answer would make the retry a 409 for a user that was made.
        return adminUserView(await users.create({ userId, email, password, name }));
      } catch (thrown) {
        if (isStatus(thrown, 409)) return null;
        throw thrown;
      }
    },
    async setLabels(userId, labels) {
      const user = await withRetry(() => orNull(users.updateLabels({ userId, labels })));
      return user === null ? null : adminUserView(user);
    },
    async setStatus(userId, status) {
      const user = await withRetry(() => orNull(users.updateStatus({ userId, status })));
      return user === null ? null : adminUserView(user);
    },
    async deleteUser(userId) {
      try {
        await users.delete({ userId });
        return true;
      } catch (thrown) {
        if (isStatus(thrown, 404)) return false;
        throw thrown;
      }
    },
    async createJob(fields, readerId) {
      const row = await tables.createRow({
        databaseId: DATABASE_ID,
        tableId: TableId.jobs,
        rowId: ID.unique(),
        data: fields,
        // `/verified`: an id taken again after its admin was deleted is not verified until its new
        // owner verifies an address — by then on-user-deleted has removed the job.
        permissions: [Permission.read(Role.user(readerId, 'verified'))],
      });
      return row.$id;
    },
    async failJob(jobId, error) {
      await withRetry(() =>
        tables.updateRow({
          databaseId: DATABASE_ID,
          tableId: TableId.jobs,
          rowId: jobId,
          data: { status: 'failed', error },
        }),
      );
    },
    async startExport(jobId) {
      await functions.createExecution({
        functionId: FunctionId.exportUsers,
        body: JSON.stringify({ jobId }),
        async: true,
        xpath: '/',
        // biome-ignore lint/suspicious/noExplicitAny: the ExecutionMethod enum value as a plain string
        method: 'POST' as any,
        headers: { 'content-type': 'application/json' },
      });
    },
  };
}
