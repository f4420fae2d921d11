import type { Statement } from 'better-sqlite3';
import { type Transact, transactionRunner } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import {
  type Action,
  allows,
  effectiveRoles,
  grantsOf,
  parsePermissions,
  ROW_ACTIONS,
  rowGrantSql,
  rowPermissionsForWrite,
} from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import { parseQueries } from '../platform/query-parse.ts';
import { ident, isConstraint } from '../platform/sql-text.ts';
import { formatDate } from './column-types.ts';
import { type CompiledQuery, compileQueries, type OrderTerm } from './queries.ts';
import { BULK_LIMIT, type DataMode, requireRowList, timestamps, validateData } from './row-data.ts';
import {
  bulkPermissions,
  createPermissions,
  newRowId,
  requireBulkData,
  requireCreateData,
  requirePayload,
  rowNotFound,
  unauthorized,
} from './row-input.ts';
import { type Row, type RowList, rowFromValues, toRow } from './row-model.ts';
import type { Schema, TableInfo } from './schema.ts';

export { presentRow, type Row, type RowList } from './row-model.ts';

/** Appwrite counts list totals up to APP_LIMIT_COUNT; deeper pages are reached with cursors. */
export const COUNT_LIMIT = 5000;

type Access = 'all' | 'rows' | 'none';

/**
 * Rows of Appwrite tables: reads filtered by permissions in SQL, writes validated against the
 * columns, each write one SQLite transaction. Access follows Appwrite (facts §2.4): a table-level
 * permission OR, with rowSecurity, a row-level one; create needs the table-level permission; API
 * keys bypass permissions.
 */
export class Rows {
  private readonly schema: Schema;
  private statements = new Map<string, Statement>();
  private statementsVersion = -1;
  private pointReads = new WeakMap<TableInfo, Statement>();

  private readonly transact: Transact;

  constructor(schema: Schema) {
    this.schema = schema;
    this.transact = transactionRunner(schema.db);
  }

  // ---- reads -----------------------------------------------------------------------------

  /**
   * One row; unreadable or missing is 404 `row_not_found` (Appwrite does not reveal it exists).
   * Its queries may only select (utopia-php/database getDocument's Document validator): any other
   * method is 400 `general_query_invalid`.
   */
  get(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: string,
    queries?: unknown,
  ): Row {
    const table = this.table(principal, databaseId, tableId);
    const parsed = parseQueries(queries);
    const other = parsed.find((q) => q.method !== 'select');
    if (other) {
      throw new AppwriteError(
        'general_query_invalid',
        `Invalid query method: ${other.method} (getting one row takes only select).`,
      );
    }
    // Only `select` can be left, and without queries there is nothing to compile.
    const select = parsed.length === 0 ? null : compileQueries(table, parsed).select;
    const access = this.access(principal, table, 'read');
    if (access === 'all') {
      const values = this.pointRead(table).get(rowId) as unknown[] | undefined;
      if (!values) throw rowNotFound(rowId);
      return rowFromValues(table, values, select);
    }
    let sql = `SELECT * FROM "${table.rowsTable}" r WHERE r."$id" = ?`;
    const params: unknown[] = [rowId];
    if (access === 'rows') {
      const grant = rowGrantSql(table.permsTable, 'read', effectiveRoles(principal));
      sql += ` AND ${grant.sql}`;
      params.push(...grant.params);
    }
    const record = access === 'none' ? undefined : this.prepare(sql).get(...params);
    if (!record) throw rowNotFound(rowId);
    return toRow(table, record as Record<string, unknown>, select);
  }

  /**
   * A page of rows. Without table-level read and without rowSecurity a user gets 401
   * `user_unauthorized` (utopia-php/database `find` throws AuthorizationException); with rowSecurity
   * the permission check is an EXISTS on the side table inside the same SELECT.
   */
  list(
    principal: Principal,
    databaseId: string,
    tableId: string,
    queries?: unknown,
    includeTotal = true,
  ): RowList {
    const table = this.table(principal, databaseId, tableId);
    const compiled = compileQueries(table, parseQueries(queries));
    const access = this.access(principal, table, 'read');
    if (access === 'none') throw unauthorized();
    const rows = this.select(table, compiled, access === 'rows' ? principal : null);
    const total = includeTotal
      ? this.count(table, compiled, access === 'rows' ? principal : null)
      : 0;
    return { total, rows: rows.map((r) => toRow(table, r, compiled.select)) };
  }

  private select(
    table: TableInfo,
    q: CompiledQuery,
    filterFor: Principal | null,
  ): Record<string, unknown>[] {
    const { sql, params, reversed } = this.listSql(table, q, filterFor);
    const rows = this.prepare(sql).all(...params) as Record<string, unknown>[];
    return reversed ? rows.reverse() : rows;
  }

  /**
   * The page query: filters, the read-permission EXISTS (for callers without table-level read),
   * the cursor as a keyset condition, and ORDER BY with `"$sequence"` appended in the direction of
   * the last term so the order is total. `cursorBefore` runs the order reversed and flips the page.
   */
  private listSql(
    table: TableInfo,
    q: CompiledQuery,
    filterFor: Principal | null,
  ): { sql: string; params: unknown[]; reversed: boolean } {
    const conditions = [q.where];
    const params = [...q.params];
    if (filterFor) {
      const grant = rowGrantSql(table.permsTable, 'read', effectiveRoles(filterFor));
      conditions.push(grant.sql);
      params.push(...grant.params);
    }
    let orders: OrderTerm[] = [...q.orders];
    const tieDesc = orders.length > 0 ? (orders[orders.length - 1] as OrderTerm).desc : false;
    if (!orders.some((o) => o.column === '$sequence')) {
      orders.push({ column: '$sequence', expr: 'r."$sequence"', desc: tieDesc });
    }
    const reversed = q.cursor !== null && !q.cursor.after;
    if (reversed) orders = orders.map((o) => ({ ...o, desc: !o.desc }));
    if (q.cursor) {
      const anchor = this.prepare(`SELECT * FROM "${table.rowsTable}" r WHERE r."$id" = ?`).get(
        q.cursor.id,
      ) as Record<string, unknown> | undefined;
      if (!anchor) {
        throw new AppwriteError(
          'general_cursor_not_found',
          `Row "${q.cursor.id}" given as the cursor was not found.`,
        );
      }
      const keyset = keysetCondition(orders, anchor);
      conditions.push(keyset.sql);
      params.push(...keyset.params);
    }
    const orderBy = q.random
      ? 'random()'
      : orders.map((o) => `${o.expr} ${o.desc ? 'DESC' : 'ASC'}`).join(', ');
    const sql = `SELECT * FROM "${table.rowsTable}" r WHERE ${conditions.join(' AND ')} ORDER BY ${orderBy} LIMIT ? OFFSET ?`;
    params.push(q.limit, q.offset);
    return { sql, params, reversed };
  }

  private count(table: TableInfo, q: CompiledQuery, filterFor: Principal | null): number {
    let where = q.where;
    const params = [...q.params];
    if (filterFor) {
      const grant = rowGrantSql(table.permsTable, 'read', effectiveRoles(filterFor));
      where += ` AND ${grant.sql}`;
      params.push(...grant.params);
    }
    const sql = `SELECT COUNT(*) AS n FROM (SELECT 1 FROM "${table.rowsTable}" r WHERE ${where} LIMIT ${COUNT_LIMIT})`;
    return (this.prepare(sql).get(...params) as { n: number }).n;
  }

  /**
   * The plan SQLite picks for the page query a list runs (EXPLAIN QUERY PLAN), so tests and
   * benchmarks can check that an index serves it rather than a scan and a sort.
   */
  explainList(
    principal: Principal,
    databaseId: string,
    tableId: string,
    queries?: unknown,
  ): string[] {
    const table = this.table(principal, databaseId, tableId);
    const compiled = compileQueries(table, parseQueries(queries));
    const access = this.access(principal, table, 'read');
    const { sql, params } = this.listSql(table, compiled, access === 'rows' ? principal : null);
    const plan = this.schema.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {
      detail: string;
    }[];
    return plan.map((r) => r.detail);
  }

  // ---- checks a transaction stages with (transaction-writes.ts) ----------------------------

  /** The table as a row route finds it: 404 while it or its database is disabled, unless a key asks. */
  tableOf(principal: Principal, databaseId: string, tableId: string): TableInfo {
    return this.table(principal, databaseId, tableId);
  }

  /** The row if `principal` may read it, else `null` (a missing row too). */
  readable(principal: Principal, table: TableInfo, rowId: string): Row | null {
    const record = this.raw(table, rowId);
    if (!record) return null;
    const access = this.access(principal, table, 'read');
    if (access === 'none') return null;
    if (access === 'rows' && !this.rowGrants(principal, table, record, 'read')) return null;
    return toRow(table, record, null);
  }

  /**
   * Whether `principal` may `action` this row — for `create`, the table — as a direct write would
   * check it: a table-level grant or, with rowSecurity, one on the row. 401 `user_unauthorized` if not.
   */
  authorize(principal: Principal, table: TableInfo, rowId: string | null, action: Action): void {
    const record = rowId === null || action === 'create' ? undefined : this.raw(table, rowId);
    if (record) this.requireRowGrant(principal, table, record, action);
    else this.requireTableGrant(principal, table, action);
  }

  /** When the row was last written (`$updatedAt`), or `null` when it does not exist. */
  updatedAtOf(table: TableInfo, rowId: string): string | null {
    const record = this.prepare(
      `SELECT "$updatedAt" AS at FROM "${table.rowsTable}" WHERE "$id" = ?`,
    ).get(rowId) as { at: string } | undefined;
    return record ? record.at : null;
  }

  // ---- writes ----------------------------------------------------------------------------

  /** Creates one row; needs table-level create (or a key). 409 `row_already_exists` on a taken id. */
  create(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: unknown,
    data: unknown,
    permissions: unknown,
  ): Row {
    const table = this.table(principal, databaseId, tableId);
    this.requireTableGrant(principal, table, 'create');
    const record = requireCreateData(data);
    return this.write(() => this.insert(principal, table, rowId, record, permissions));
  }

  /**
   * Creates many rows in one transaction. Only API keys may: Appwrite checks the caller after the
   * params and before it looks up the database (Documents/Create.php: 401
   * `general_unauthorized_scope`); no rows at all is `row_missing_data`, as neither `data` nor `rows`.
   */
  createMany(principal: Principal, databaseId: string, tableId: string, rows: unknown): RowList {
    const list = requireRowList(rows);
    if (list.length === 0) throw new AppwriteError('row_missing_data', 'The row data is missing.');
    if (principal.kind !== 'key') {
      throw new AppwriteError(
        'general_unauthorized_scope',
        'Creating several rows at once needs an API key.',
      );
    }
    const table = this.table(principal, databaseId, tableId);
    const created = this.write(() =>
      list.map((item) => {
        const { $id, $permissions, ...data } = item;
        bulkPermissions($permissions);
        return this.insert(principal, table, $id ?? 'unique()', data, $permissions);
      }),
    );
    return { total: created.length, rows: created };
  }

  /** Updates the given columns (and permissions, if sent) of one row. */
  update(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: string,
    data: unknown,
    permissions: unknown,
  ): Row {
    const table = this.table(principal, databaseId, tableId);
    const record = requirePayload(data, permissions, 'update');
    return this.write(() => {
      const existing = this.raw(table, rowId);
      if (!existing) throw rowNotFound(rowId);
      let plan: ChangePlan;
      try {
        plan = this.planChange(principal, table, existing, record, permissions, 'update');
      } catch (error) {
        // Appwrite checks the caller before the data (utopia-php/database updateDocument).
        this.requireRowGrant(principal, table, existing, 'update');
        throw error;
      }
      if (plan.unchanged) {
        // Nothing would change: Appwrite writes nothing, keeps `$updatedAt` and asks only for read
        // permission (utopia-php/database updateDocument, `$shouldUpdate`).
        this.requireRowGrant(principal, table, existing, 'read');
        return toRow(table, existing, null);
      }
      this.requireRowGrant(principal, table, existing, 'update');
      return this.apply(table, existing, plan);
    });
  }

  /**
   * Creates the row if it is missing, else updates it (both answer 201). Nothing to write (no data,
   * no permissions) is `row_missing_payload` (Documents/Upsert.php). On a row that exists, the data
   * must still hold every required column: only optional ones carry over (DataMode `upsert`).
   */
  upsert(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: string,
    data: unknown,
    permissions: unknown,
  ): Row {
    const record = requirePayload(data, permissions, 'upsert');
    const table = this.table(principal, databaseId, tableId);
    return this.write(() => {
      const existing = this.raw(table, rowId);
      if (!existing) {
        this.requireTableGrant(principal, table, 'create');
        return this.insert(principal, table, rowId, record, permissions);
      }
      this.requireRowGrant(principal, table, existing, 'update');
      const plan = this.planChange(principal, table, existing, record, permissions, 'upsert');
      // Nothing would change: written nowhere, `$updatedAt` kept (upsertDocuments skips it).
      return plan.unchanged ? toRow(table, existing, null) : this.apply(table, existing, plan);
    });
  }

  /**
   * Upserts many rows in one transaction (API keys only, see bulkTable). One `$id` twice in the
   * batch is 409 `row_already_exists` and nothing is written (utopia-php/database upsertDocuments:
   * "Duplicate document IDs found in the input array"). A row the batch would not change is
   * skipped, as upsertDocuments skips it: not written, not in the answer nor its total.
   */
  upsertMany(principal: Principal, databaseId: string, tableId: string, rows: unknown): RowList {
    const list = requireRowList(rows);
    const table = this.bulkTable(principal, databaseId, tableId);
    const ids = list.map((item) => item.$id).filter((id) => typeof id === 'string' && id !== '');
    if (new Set(ids).size !== ids.length) {
      throw new AppwriteError(
        'row_already_exists',
        'The same row id is given more than once in one upsert.',
      );
    }
    const out = this.write(() =>
      list.flatMap((item) => {
        const { $id, $permissions, ...data } = item;
        bulkPermissions($permissions);
        const existing = typeof $id === 'string' ? this.raw(table, $id) : undefined;
        if (!existing)
          return [this.insert(principal, table, $id ?? 'unique()', data, $permissions)];
        const plan = this.planChange(principal, table, existing, data, $permissions, 'upsert');
        return plan.unchanged ? [] : [this.apply(table, existing, plan)];
      }),
    );
    return { total: out.length, rows: out };
  }

  /**
   * Applies `data` to every row matching `queries` (API keys only), in one transaction. No `data`
   * is 400 `row_missing_payload` (Bulk/Update.php checks it first). `total` counts every row
   * changed; the answer (and so the events) holds the first BULK_LIMIT, as Appwrite's.
   */
  updateMany(
    principal: Principal,
    databaseId: string,
    tableId: string,
    data: unknown,
    queries: unknown,
  ): RowList {
    const record = requireBulkData(data);
    const table = this.bulkTable(principal, databaseId, tableId);
    const compiled = compileQueries(table, parseQueries(queries));
    // Without a limit, bulk operations cover every matching row, not a default page.
    if (!compiled.limitGiven) compiled.limit = Number.MAX_SAFE_INTEGER;
    const rows = this.write(() =>
      this.select(table, compiled, null).map((existing) =>
        this.change(principal, table, existing, record, undefined),
      ),
    );
    return { total: rows.length, rows: rows.slice(0, BULK_LIMIT) };
  }

  /**
   * Deletes every row matching `queries` (API keys only), in one transaction. `total` counts every
   * row deleted; the answer (and so the events) holds the first BULK_LIMIT (Bulk/Delete.php).
   */
  deleteMany(principal: Principal, databaseId: string, tableId: string, queries: unknown): RowList {
    const table = this.bulkTable(principal, databaseId, tableId);
    const compiled = compileQueries(table, parseQueries(queries));
    // Without a limit, bulk operations cover every matching row, not a default page.
    if (!compiled.limitGiven) compiled.limit = Number.MAX_SAFE_INTEGER;
    const deleted = this.write(() => {
      const rows = this.select(table, compiled, null);
      const del = this.prepare(`DELETE FROM "${table.rowsTable}" WHERE "$sequence" = ?`);
      for (const r of rows) del.run(r.$sequence);
      return rows;
    });
    return {
      total: deleted.length,
      rows: deleted.slice(0, BULK_LIMIT).map((r) => toRow(table, r, null)),
    };
  }

  /** Deletes one row and returns it as it was; its permissions go with it (ON DELETE CASCADE). */
  delete(principal: Principal, databaseId: string, tableId: string, rowId: string): Row {
    const table = this.table(principal, databaseId, tableId);
    return this.write(() => {
      const existing = this.raw(table, rowId);
      if (!existing) throw rowNotFound(rowId);
      this.requireRowGrant(principal, table, existing, 'delete');
      this.prepare(`DELETE FROM "${table.rowsTable}" WHERE "$sequence" = ?`).run(
        existing.$sequence,
      );
      return toRow(table, existing, null);
    });
  }

  /**
   * Adds `by` to (or, going down, subtracts it from) a numeric column in one `UPDATE … WHERE` that also checks
   * the bound, so concurrent calls never overshoot it. A missing value counts as 0. Passing the
   * bound is 400 `column_limit_exceeded`; a non-numeric column is 400 `attribute_type_invalid`
   * (Appwrite uses that type on both APIs, Rows/Column/Increment.php). In utopia-php/database's
   * order (increaseDocumentAttribute): `by` must be above 0 (400 `general_argument_invalid`), then
   * the column is checked, then the row is read — and Appwrite answers a missing row as it answers a
   * missing column, 404 `column_not_found` (both are the library's NotFoundException).
   */
  increment(
    principal: Principal,
    databaseId: string,
    tableId: string,
    rowId: string,
    columnKey: string,
    by: unknown,
    bound: unknown,
    direction: 'up' | 'down',
  ): Row {
    const value = by === undefined || by === null ? 1 : by;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `value` param: must be a number.',
      );
    }
    if (bound !== undefined && bound !== null && typeof bound !== 'number') {
      throw new AppwriteError('general_argument_invalid', 'Invalid bound: must be a number.');
    }
    const table = this.table(principal, databaseId, tableId);
    if (value <= 0) {
      throw new AppwriteError('general_argument_invalid', 'The value must be greater than 0.');
    }
    const column = table.columns.find((c) => c.key === columnKey);
    if (!column)
      throw new AppwriteError('column_not_found', `Column "${columnKey}" was not found.`);
    if ((column.kind !== 'integer' && column.kind !== 'float') || column.array) {
      throw new AppwriteError('attribute_type_invalid', `Column "${columnKey}" is not a number.`);
    }
    if (column.kind === 'integer' && !Number.isSafeInteger(value)) {
      throw new AppwriteError(
        'general_argument_invalid',
        'Invalid `value` param: must be an integer for an integer column.',
      );
    }
    const up = direction === 'up';
    const amount = up ? value : -value;
    const limits = [bound as number | null | undefined, up ? column.max : column.min].filter(
      (v): v is number => typeof v === 'number',
    );
    const limit = limits.length === 0 ? null : up ? Math.min(...limits) : Math.max(...limits);
    return this.write(() => {
      const existing = this.raw(table, rowId);
      if (!existing) {
        throw new AppwriteError(
          'column_not_found',
          `Row "${rowId}" was not found, so its column "${column.key}" cannot be changed.`,
        );
      }
      this.requireRowGrant(principal, table, existing, 'update');
      const col = ident(column.key);
      let sql = `UPDATE "${table.rowsTable}" SET ${col} = COALESCE(${col}, 0) + ?, "$updatedAt" = ? WHERE "$sequence" = ?`;
      const params: unknown[] = [amount, formatDate(new Date()), existing.$sequence];
      if (limit !== null) {
        sql += ` AND COALESCE(${col}, 0) + ? ${up ? '<=' : '>='} ?`;
        params.push(amount, limit);
      }
      const result = this.prepare(sql).run(...params);
      if (result.changes === 0) {
        throw new AppwriteError(
          'column_limit_exceeded',
          `Column "${column.key}" would pass its ${up ? 'maximum' : 'minimum'} of ${limit}.`,
        );
      }
      return toRow(table, this.raw(table, rowId) as Record<string, unknown>, null);
    });
  }

  // ---- internals -------------------------------------------------------------------------

  private insert(
    principal: Principal,
    table: TableInfo,
    rowId: unknown,
    data: Record<string, unknown>,
    permissions: unknown,
  ): Row {
    const id = newRowId(rowId);
    const perms = createPermissions(principal, permissions, data);
    const now = formatDate(new Date());
    const values = validateData(table, data, 'create');
    const times = timestamps(principal, data, now, now);
    const keys = Object.keys(values);
    const sql = `INSERT INTO "${table.rowsTable}" ("$id", "$createdAt", "$updatedAt", "$permissions"${keys
      .map((k) => `, ${ident(k)}`)
      .join('')}) VALUES (?, ?, ?, ?${keys.map(() => ', ?').join('')})`;
    let seq: number;
    try {
      seq = Number(
        this.prepare(sql).run(
          id,
          times.createdAt,
          times.updatedAt,
          JSON.stringify(perms),
          ...Object.values(values),
        ).lastInsertRowid,
      );
    } catch (error) {
      if (isConstraint(error)) {
        throw new AppwriteError(
          'row_already_exists',
          `A row with the id "${id}" or the same unique values already exists.`,
        );
      }
      throw error;
    }
    this.writePermissions(table, seq, perms);
    // The stored record is known: build the answer from it rather than reading the row back.
    const record: Record<string, unknown> = {
      ...values,
      $id: id,
      $sequence: seq,
      $createdAt: times.createdAt,
      $updatedAt: times.updatedAt,
      $permissions: JSON.stringify(perms),
    };
    return toRow(table, record, null);
  }

  /** Always writes (a bulk update bumps every row it matches, as Appwrite's updateDocuments). */
  private change(
    principal: Principal,
    table: TableInfo,
    existing: Record<string, unknown>,
    data: Record<string, unknown>,
    permissions: unknown,
  ): Row {
    return this.apply(
      table,
      existing,
      this.planChange(principal, table, existing, data, permissions, 'update'),
    );
  }

  /**
   * What a change to `existing` would write, checked; `unchanged` when it would write nothing new
   * (the same values, the same permissions, no other timestamps), which Appwrite does not write.
   */
  private planChange(
    principal: Principal,
    table: TableInfo,
    existing: Record<string, unknown>,
    data: Record<string, unknown>,
    permissions: unknown,
    mode: DataMode,
  ): ChangePlan {
    const requested = parsePermissions(permissions ?? data.$permissions, ROW_ACTIONS);
    const perms = rowPermissionsForWrite(principal, requested, false);
    const values = validateData(table, data, mode);
    const now = formatDate(new Date());
    const times = timestamps(principal, data, existing.$createdAt as string, now);
    const sameValues = Object.entries(values).every(([key, v]) => existing[key] === v);
    const samePerms =
      perms === null || sameSet(perms, JSON.parse(String(existing.$permissions)) as string[]);
    const sameTimes =
      times.createdAt === existing.$createdAt &&
      (times.updatedAt === now || times.updatedAt === existing.$updatedAt);
    return { values, perms, times, unchanged: sameValues && samePerms && sameTimes };
  }

  private apply(table: TableInfo, existing: Record<string, unknown>, plan: ChangePlan): Row {
    const { values, perms, times } = plan;
    const sets = ['"$updatedAt" = ?', '"$createdAt" = ?'];
    const params: unknown[] = [times.updatedAt, times.createdAt];
    for (const [key, v] of Object.entries(values)) {
      sets.push(`${ident(key)} = ?`);
      params.push(v);
    }
    if (perms) {
      sets.push('"$permissions" = ?');
      params.push(JSON.stringify(perms));
    }
    try {
      this.prepare(`UPDATE "${table.rowsTable}" SET ${sets.join(', ')} WHERE "$sequence" = ?`).run(
        ...params,
        existing.$sequence,
      );
    } catch (error) {
      if (isConstraint(error)) {
        throw new AppwriteError(
          'row_already_exists',
          'Another row already has these unique values.',
        );
      }
      throw error;
    }
    if (perms) {
      this.prepare(`DELETE FROM "${table.permsTable}" WHERE seq = ?`).run(existing.$sequence);
      this.writePermissions(table, existing.$sequence as number, perms);
    }
    const record: Record<string, unknown> = {
      ...existing,
      ...values,
      $createdAt: times.createdAt,
      $updatedAt: times.updatedAt,
      $permissions: perms ? JSON.stringify(perms) : existing.$permissions,
    };
    return toRow(table, record, null);
  }

  private writePermissions(table: TableInfo, seq: number, perms: string[]): void {
    const put = this.prepare(
      `INSERT OR IGNORE INTO "${table.permsTable}" (seq, action, role) VALUES (?, ?, ?)`,
    );
    for (const g of grantsOf(perms)) put.run(seq, g.action, g.role);
  }

  private raw(table: TableInfo, rowId: string): Record<string, unknown> | undefined {
    return this.prepare(`SELECT * FROM "${table.rowsTable}" WHERE "$id" = ?`).get(rowId) as
      | Record<string, unknown>
      | undefined;
  }

  /**
   * The table of a bulk upsert, update or delete. Those routes read the database document under the
   * caller's own permissions (Bulk/Upsert.php, Update.php, Delete.php: no `authorization->skip`,
   * which only keys and console admins turn off), and no user may read it: so for a session or a
   * guest the database is 404 `database_not_found`.
   */
  private bulkTable(principal: Principal, databaseId: string, tableId: string): TableInfo {
    if (principal.kind !== 'key') {
      throw new AppwriteError('database_not_found', `Database "${databaseId}" was not found.`);
    }
    return this.table(principal, databaseId, tableId);
  }

  /** The table, hidden (404) from non-keys while it or its database is disabled. */
  private table(principal: Principal, databaseId: string, tableId: string): TableInfo {
    const table = this.schema.table(databaseId, tableId);
    if (!table.databaseEnabled && principal.kind !== 'key') {
      throw new AppwriteError('database_not_found', `Database "${databaseId}" was not found.`);
    }
    if (!table.enabled && principal.kind !== 'key') {
      throw new AppwriteError('table_not_found', `Table "${tableId}" was not found.`);
    }
    return table;
  }

  private access(principal: Principal, table: TableInfo, action: Action): Access {
    if (principal.kind === 'key') return 'all';
    if (allows(table.permissions, action, effectiveRoles(principal))) return 'all';
    return table.rowSecurity ? 'rows' : 'none';
  }

  private requireTableGrant(principal: Principal, table: TableInfo, action: Action): void {
    if (this.access(principal, table, action) !== 'all') throw unauthorized();
  }

  /** Table-level grant, or with rowSecurity a grant on this row (a point lookup in the side table). */
  private requireRowGrant(
    principal: Principal,
    table: TableInfo,
    row: Record<string, unknown>,
    action: Action,
  ): void {
    const access = this.access(principal, table, action);
    if (access === 'all') return;
    if (access === 'rows' && this.rowGrants(principal, table, row, action)) return;
    throw unauthorized();
  }

  /** Whether the row itself grants `action` to one of the principal's roles (the side table). */
  private rowGrants(
    principal: Principal,
    table: TableInfo,
    row: Record<string, unknown>,
    action: Action,
  ): boolean {
    const roles = effectiveRoles(principal);
    const found = this.prepare(
      `SELECT 1 FROM "${table.permsTable}" WHERE seq = ? AND action = ? AND role IN (${roles.map(() => '?').join(', ')})`,
    ).get(row.$sequence, action, ...roles);
    return found !== undefined;
  }

  private write<T>(fn: () => T): T {
    return this.transact(fn);
  }

  /**
   * `get`'s read of one row by id without a permission filter, per table: in raw mode (values by
   * position, the columns in `rowFromValues`'s order), which spares better-sqlite3 naming every
   * value of every row it returns. A TableInfo is built anew after every schema change
   * (schema.ts), so a statement prepared against the old columns is never used for the new ones.
   */
  private pointRead(table: TableInfo): Statement {
    let statement = this.pointReads.get(table);
    if (!statement) {
      const names = ['$id', '$sequence', '$createdAt', '$updatedAt', '$permissions'];
      for (const column of table.columns) names.push(column.key);
      statement = this.schema.db
        .prepare(`SELECT ${names.map(ident).join(', ')} FROM "${table.rowsTable}" WHERE "$id" = ?`)
        .raw(true);
      this.pointReads.set(table, statement);
    }
    return statement;
  }

  /** Prepared statements are reused until the schema changes (an ALTER may change `SELECT *`). */
  private prepare(sql: string): Statement {
    if (this.statementsVersion !== this.schema.version) {
      this.statements = new Map();
      this.statementsVersion = this.schema.version;
    }
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.schema.db.prepare(sql);
      if (this.statements.size > 500) this.statements.clear();
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/** A checked change of one row (Rows.planChange). */
interface ChangePlan {
  values: Record<string, unknown>;
  perms: string[] | null;
  times: { createdAt: string; updatedAt: string };
  unchanged: boolean;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  const left = [...new Set(a)].sort();
  const right = [...new Set(b)].sort();
  return left.length === right.length && left.every((v, i) => v === right[i]);
}

/** `(a > ?) OR (a = ? AND b > ?) …` over the order terms, from the cursor row's values. */
function keysetCondition(
  orders: OrderTerm[],
  anchor: Record<string, unknown>,
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const ors: string[] = [];
  orders.forEach((term, i) => {
    const ands: string[] = [];
    for (const prior of orders.slice(0, i)) {
      ands.push(`${prior.expr} = ?`);
      params.push(anchorValue(anchor, prior));
    }
    ands.push(`${term.expr} ${term.desc ? '<' : '>'} ?`);
    params.push(anchorValue(anchor, term));
    ors.push(`(${ands.join(' AND ')})`);
  });
  return { sql: `(${ors.join(' OR ')})`, params };
}

function anchorValue(anchor: Record<string, unknown>, term: OrderTerm): unknown {
  const v = anchor[term.column];
  if (v === null || v === undefined) {
    throw new AppwriteError(
      'database_query_order_null',
      `The order column "${term.column}" is null on the cursor row; cursor paging needs non-null order values.`,
    );
  }
  return v;
}
