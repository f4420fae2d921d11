import { Query, type TablesDB } from 'node-appwrite';
import { isType, orNull } from '#lib/appwrite-errors.ts';
import { withRetry } from '#lib/retry.ts';
import { DATABASE_ID, STATS_ROW_ID, TableId } from '#shared/ids.ts';
import { activityRowId } from '#shared/schemas/activity.ts';
import { notificationPermissions } from '../../_lib/notifications.ts';
import {
  type AtomicOutcome,
  type AtomicWrite,
  type CounterMove,
  type CounterRef,
  mergedCounters,
  type RowWrite,
} from '../../_lib/post-writes.ts';
import { ensureActivityRow, ensureStatsRow } from '../../_lib/stats-counter.ts';
import { VISIBLE_READ } from '../../_lib/visibility.ts';
import type { PreparedAtomic } from './posts-repo.ts';

/** Seconds a transaction may live: Appwrite's least. A write's three calls take milliseconds. */
const TTL = 60;

/** Tries of one write: the first, then after each repair (a missing counter row, a counter at 0). */
const ATTEMPTS = 3;

const databaseId = DATABASE_ID;

/**
 * The posts repository's atomic writes (`PostsRepo.atomically`, rules in
 * functions/_lib/post-writes.ts), over node-appwrite: one TablesDB transaction — create it, stage
 * every row and counter with one `createOperations`, commit. Either all of it is written or none.
 *
 * The fast path assumes every row is where it should be. When the commit (or the staging, which
 * checks that rows to change exist) refuses, the write is repaired and tried again:
 * - 409 `transaction_conflict` when the write creates a row: that row exists already → `exists`.
 *   Without a create it is a row changed between staging and commit: tried again as it is.
 * - 404 `document_not_found`: a row to delete or update, or a required counter's row, is gone → `missing`; a
 *   missing `stats` or today's `activity` row is made at zero, a missing profile's counter dropped.
 * - 400 `attribute_limit_exceeded`: a counter would go below 0 (it drifted): the move down is cut
 *   to what the counter holds.
 *
 * Nothing here is retried blindly: a staged operation sent twice would count twice.
 */
export function atomicWrites(
  tables: TablesDB,
): (write: AtomicWrite, opened?: Promise<string>) => Promise<AtomicOutcome> {
  return async (write, opened) => {
    let counters = mergedCounters(write.counters);
    const create = write.rows.find((row) => row.action === 'create');
    for (let attempt = 1; ; attempt += 1) {
      try {
        // The first attempt may use a transaction opened beforehand; a repaired one opens its own.
        const transaction = attempt === 1 ? opened : undefined;
        await commit(tables, operationsOf(write, counters, new Date()), transaction);
        return { status: 'done' };
      } catch (thrown) {
        const conflict = isType(thrown, 'transaction_conflict');
        if (conflict && create) return { status: 'exists', rowId: create.rowId };
        const repairable =
          conflict ||
          isType(thrown, 'document_not_found') ||
          isType(thrown, 'attribute_limit_exceeded');
        if (!repairable || attempt >= ATTEMPTS) throw thrown;
        const repaired = await repair(tables, write.rows, counters);
        if ('missing' in repaired) return { status: 'missing', rowId: repaired.missing };
        counters = repaired.counters;
      }
    }
  };
}

/**
 * The write of `atomicWrites` with its transaction opened now, before the write is known: the
 * `createTransaction` round trip overlaps whatever the route reads first (the member check, the
 * post). An open transaction holds nothing until operations are staged — a commit conflicts only
 * with rows changed after staging — so opening early changes no outcome. One not used
 * (the route refused) is rolled back by `release`; unreleased, it would expire after `TTL`.
 */
export function preparedAtomicWrites(tables: TablesDB): () => PreparedAtomic {
  const write = atomicWrites(tables);
  return () => {
    const opened = withRetry(() => tables.createTransaction({ ttl: TTL })).then((t) => t.$id);
    // Its failure surfaces in `atomically`; a route refused before that never sees it.
    opened.catch(() => undefined);
    let used = false;
    return {
      atomically(atomic) {
        if (used) throw new Error('A prepared atomic write is used once.');
        used = true;
        return write(atomic, opened);
      },
      async release() {
        if (used) return;
        used = true;
        await opened
          .then((transactionId) => tables.updateTransaction({ transactionId, rollback: true }))
          .catch(() => undefined);
      },
    };
  };
}

/**
 * One transaction: created (or the one `opened` beforehand), staged in one call, committed; rolled
 * back if the staging is refused.
 */
async function commit(
  tables: TablesDB,
  operations: object[],
  opened?: Promise<string>,
): Promise<void> {
  const transactionId =
    (await opened) ?? (await withRetry(() => tables.createTransaction({ ttl: TTL }))).$id;
  try {
    await tables.createOperations({ transactionId, operations });
  } catch (thrown) {
    await tables.updateTransaction({ transactionId, rollback: true }).catch(() => undefined);
    throw thrown;
  }
  await tables.updateTransaction({ transactionId, commit: true });
}

function tableOf(counter: CounterRef): string {
  return counter.table === 'stats' ? TableId.stats : TableId[counter.table];
}

function rowOf(counter: CounterRef): string {
  return counter.table === 'stats' ? STATS_ROW_ID : counter.rowId;
}

/**
 * One row write as a createOperations operation. A comment is made readable by everyone, a
 * notification by its recipient only.
 */
function rowOperation(row: RowWrite): object {
  const tableId = TableId[row.table];
  if (row.action === 'delete') return { action: 'delete', databaseId, tableId, rowId: row.rowId };
  if (row.action === 'update') {
    const permissions = row.permissions ? { $permissions: row.permissions } : {};
    return {
      action: 'update',
      databaseId,
      tableId,
      rowId: row.rowId,
      data: { ...row.data, ...permissions },
    };
  }
  const $permissions =
    row.table === 'comments'
      ? [...VISIBLE_READ]
      : row.table === 'notifications'
        ? notificationPermissions(row.data.recipientId)
        : [];
  return {
    action: 'create',
    databaseId,
    tableId,
    rowId: row.rowId,
    data: { ...row.data, $permissions },
  };
}

/** The write as createOperations' operations: the rows, then the counters (and today's activity). */
function operationsOf(write: AtomicWrite, counters: readonly CounterMove[], now: Date) {
  const operations: object[] = write.rows.map(rowOperation);
  const move = (tableId: string, rowId: string, column: string, delta: number) =>
    delta > 0
      ? { action: 'increment', databaseId, tableId, rowId, data: { column, value: delta } }
      : {
          action: 'decrement',
          databaseId,
          tableId,
          rowId,
          data: { column, value: -delta, min: 0 },
        };
  for (const { counter, delta } of counters) {
    operations.push(move(tableOf(counter), rowOf(counter), counter.column, delta));
    // Something created counts in today's activity too (a delete leaves the day as it was).
    if (counter.table === 'stats' && delta > 0 && write.activity !== false) {
      operations.push(move(TableId.activity, activityRowId(now), counter.column, delta));
    }
  }
  return operations;
}

/**
 * After a refused commit: `missing` names a row to delete or a required counter's row that is gone;
 * otherwise the counters to try again with — the `stats` and today's `activity` rows made when
 * missing, a missing profile's moves dropped, each move down cut to what its counter holds.
 */
async function repair(
  tables: TablesDB,
  rows: readonly RowWrite[],
  counters: readonly CounterMove[],
): Promise<{ missing: string } | { counters: CounterMove[] }> {
  for (const tableId of new Set(rows.map((row) => row.table))) {
    const ids = rows
      .filter((r) => r.action !== 'create' && r.table === tableId)
      .map((r) => r.rowId);
    if (ids.length === 0) continue;
    const found = await withRetry(() =>
      tables.listRows({
        databaseId,
        tableId: TableId[tableId],
        queries: [Query.equal('$id', ids), Query.select(['$id']), Query.limit(ids.length)],
        total: false,
      }),
    );
    const present = new Set(found.rows.map((row) => row.$id));
    const gone = ids.find((id) => !present.has(id));
    if (gone !== undefined) return { missing: gone };
  }
  if (counters.some((m) => m.counter.table === 'stats')) await ensureStatsRow(tables);
  if (counters.some((m) => m.counter.table === 'stats' && m.delta > 0)) {
    await ensureActivityRow(tables, new Date());
  }
  const current = await Promise.all(
    counters.map(({ counter }) =>
      orNull(
        withRetry(() =>
          tables.getRow({
            databaseId,
            tableId: tableOf(counter),
            rowId: rowOf(counter),
            queries: [Query.select([counter.column])],
          }),
        ),
      ),
    ),
  );
  const next: CounterMove[] = [];
  for (const [i, move] of counters.entries()) {
    const row = current[i] as Record<string, unknown> | null | undefined;
    if (!row) {
      if (move.required) return { missing: rowOf(move.counter) };
      continue;
    }
    const value = Number(row[move.counter.column] ?? 0);
    const delta = move.delta < 0 ? Math.max(move.delta, -value) : move.delta;
    if (delta !== 0) next.push({ ...move, delta });
  }
  return { counters: next };
}
