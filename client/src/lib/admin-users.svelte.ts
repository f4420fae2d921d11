import { FunctionId, Route } from '#shared/functions.ts';
import type { AdminUserPage, AdminUserView } from '#shared/schemas/admin.ts';
import {
  back,
  type CursorStack,
  currentCursor,
  firstPage,
  forward,
  hasPrevious,
  pageNumber,
} from './admin-cursor-stack.ts';
import { optimisticPatch, type UserFlags } from './admin-users-patch.ts';
import { type ApiError, toApiError } from './api-error.ts';
import { callFunction } from './call-function.ts';
import { debounce, Latest } from './latest.ts';

/** How long typing pauses before the search runs. */
export const SEARCH_DEBOUNCE_MS = 300;

/** Users per page in the admin table. */
export const USERS_PAGE_SIZE = 20;

/** How the admin page reaches the `admin` function; a fake in tests. */
export interface AdminUsersApi {
  list(query: { search: string; cursor: string | null; limit: number }): Promise<AdminUserPage>;
  setAdmin(userId: string, admin: boolean): Promise<unknown>;
  setBlocked(userId: string, blocked: boolean): Promise<unknown>;
  remove(userId: string): Promise<unknown>;
}

/** The real `admin` function behind AdminUsersApi. */
export const adminUsersApi: AdminUsersApi = {
  list: ({ search, cursor, limit }) =>
    callFunction<AdminUserPage>(FunctionId.admin, Route.admin.listUsers, {}, undefined, {
      search,
      cursor: cursor ?? undefined,
      limit: String(limit),
    }),
  setAdmin: (userId, admin) =>
    callFunction(FunctionId.admin, Route.admin.setAdmin, { userId }, { admin }),
  setBlocked: (userId, blocked) =>
    callFunction(FunctionId.admin, Route.admin.setBlocked, { userId }, { blocked }),
  remove: (userId) => callFunction(FunctionId.admin, Route.admin.removeUser, { userId }),
};

/**
 * The admin's users table: a debounced search, pages by cursor forwards and back (a cursor stack,
 * since `total` stops at 5,000), and row actions shown at once and rolled back if the server says no.
 * An answer to an older request (a search typed over, a page clicked past) is dropped.
 *
 *   const table = new AdminUsers();  table.load();
 *   table.search = 'ann' (then table.searchChanged())   table.next()   table.previous()
 *   await table.toggleAdmin(user)   await table.toggleBlocked(user)   await table.remove(user)
 */
export class AdminUsers {
  /** The search box's text (bound to the input). */
  search = $state('');
  users = $state.raw<AdminUserView[]>([]);
  nextCursor = $state.raw<string | null>(null);
  stack = $state.raw<CursorStack>(firstPage());
  loading = $state(true);
  error = $state.raw<ApiError | null>(null);
  /** Ids of rows with a change on its way to the server (their buttons wait). */
  pending = $state.raw<ReadonlySet<string>>(new Set());

  readonly #api: AdminUsersApi;
  readonly #latest = new Latest();
  readonly #debounced: ReturnType<typeof debounce<[]>>;
  /** The search the shown rows answer (the box may hold newer text still waiting). */
  #activeSearch = '';

  constructor(api: AdminUsersApi = adminUsersApi, debounceMs = SEARCH_DEBOUNCE_MS) {
    this.#api = api;
    this.#debounced = debounce(() => void this.applySearch(), debounceMs);
  }

  get page(): number {
    return pageNumber(this.stack);
  }

  get hasPrevious(): boolean {
    return hasPrevious(this.stack);
  }

  get hasNext(): boolean {
    return this.nextCursor !== null;
  }

  /** Loads the page the cursor stack stands on, for the search last applied. */
  async load(): Promise<void> {
    this.loading = true;
    this.error = null;
    const query = {
      search: this.#activeSearch,
      cursor: currentCursor(this.stack),
      limit: USERS_PAGE_SIZE,
    };
    try {
      const page = await this.#latest.run(() => this.#api.list(query));
      if (!page) return; // a newer request owns the table now
      this.users = page.users;
      this.nextCursor = page.nextCursor;
    } catch (error) {
      this.error = toApiError(error);
    }
    this.loading = false;
  }

  /** Call on each keystroke: after a pause, searches from the first page. */
  searchChanged(): void {
    this.#debounced();
  }

  /** Searches now (Enter in the box, or the debounce ending). */
  applySearch(): Promise<void> {
    this.#debounced.cancel();
    this.#activeSearch = this.search.trim();
    this.stack = firstPage();
    return this.load();
  }

  next(): Promise<void> {
    if (this.nextCursor === null) return Promise.resolve();
    this.stack = forward(this.stack, this.nextCursor);
    return this.load();
  }

  previous(): Promise<void> {
    if (!hasPrevious(this.stack)) return Promise.resolve();
    this.stack = back(this.stack);
    return this.load();
  }

  /** Grants or revokes admin; throws the server's refusal after rolling the row back. */
  toggleAdmin(user: AdminUserView): Promise<void> {
    return this.#patch(user.$id, { admin: !user.admin }, () =>
      this.#api.setAdmin(user.$id, !user.admin),
    );
  }

  /** Blocks an active user or unblocks a blocked one; rolls back and throws on refusal. */
  toggleBlocked(user: AdminUserView): Promise<void> {
    const block = user.status;
    return this.#patch(user.$id, { status: !block }, () => this.#api.setBlocked(user.$id, block));
  }

  /** Deletes a user, then reloads the page so it fills up again. */
  async remove(user: AdminUserView): Promise<void> {
    await this.#api.remove(user.$id);
    this.users = this.users.filter((row) => row.$id !== user.$id);
    void this.load();
  }

  /** Shows a new user at once (after creating one), then reloads to place it where it belongs. */
  added(): Promise<void> {
    return this.load();
  }

  /** Stops a pending debounce (the page is going away). */
  dispose(): void {
    this.#debounced.cancel();
  }

  async #patch(userId: string, flags: UserFlags, send: () => Promise<unknown>): Promise<void> {
    const { next, rollback } = optimisticPatch(this.users, userId, flags);
    this.users = next;
    this.pending = new Set([...this.pending, userId]);
    try {
      await send();
    } catch (error) {
      this.users = rollback(this.users);
      throw toApiError(error);
    } finally {
      const pending = new Set(this.pending);
      pending.delete(userId);
      this.pending = pending;
    }
  }
}
