import type { Sql } from './db.ts';
import type { ListPlan } from './list-plan.ts';

/** One SQL list: its table, the filters that always apply, and what it selects (users, teams, memberships, files). */
export interface PageSource {
  table: string;
  /** The id column, for the cursor (`teams_teams.id`, `f.id`). */
  idSql: string;
  /** The insertion order, the last tie-break (`teams_teams.seq`, `f.seq`). */
  seqSql: string;
  /** What each row selects (`*`, or `*` plus computed columns). */
  select: string;
  /** Conditions the caller adds to the plan's (the team or bucket, who may read). */
  where: string[];
  params: unknown[];
  /**
   * Whether the cursor may be any row of the table, not only one the list shows (users: Appwrite
   * looks the cursor user up by id alone).
   */
  cursorAnywhere?: boolean;
}

/**
 * A page of `source` for a compiled plan (core/platform/list-plan.ts):
 * filters, order with insertion order as the tie-break, keyset paging from a cursor row, then
 * limit/offset. The cursor must be a row the list itself can show (any row with `cursorAnywhere`), else `cursorMissing`. `total`
 * counts up to `cap` (Appwrite's `APP_LIMIT_COUNT`) and is 0 when not asked for.
 */
export function selectPage<Row>(
  db: Sql,
  source: PageSource,
  plan: ListPlan,
  withTotal: boolean,
  cap: number,
): { total: number; rows: Row[] } | { cursorMissing: true } {
  const where = [...source.where, ...plan.where];
  const params = [...source.params, ...plan.params];
  const whereSql = () => (where.length ? `WHERE ${where.join(' AND ')}` : '');
  const total = withTotal
    ? (
        db
          .prepare(
            `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${source.table} ${whereSql()} LIMIT ?)`,
          )
          .get(...params, cap) as { n: number }
      ).n
    : 0;
  const orders = [...plan.orders, { sql: source.seqSql, desc: false }];
  const reverse = plan.cursor?.direction === 'before';
  if (plan.cursor) {
    const cursorWhere = [...(source.cursorAnywhere ? [] : where), `${source.idSql} = ?`];
    const cursorParams = source.cursorAnywhere ? [] : params;
    const at = db
      .prepare(
        `SELECT ${orders.map((o, i) => `${o.sql} AS c${i}`).join(', ')} FROM ${source.table} WHERE ${cursorWhere.join(' AND ')}`,
      )
      .get(...cursorParams, plan.cursor.id) as Record<string, unknown> | undefined;
    if (!at) return { cursorMissing: true };
    // (a, b) after (x, y) under mixed directions: a > x OR (a = x AND b > y).
    const clauses: string[] = [];
    orders.forEach((order, i) => {
      const forward = order.desc !== reverse ? '<' : '>';
      const equal = orders.slice(0, i).map((o) => `${o.sql} = ?`);
      clauses.push([...equal, `${order.sql} ${forward} ?`].join(' AND '));
      for (let j = 0; j < i; j++) params.push(at[`c${j}`]);
      params.push(at[`c${i}`]);
    });
    where.push(`(${clauses.map((c) => `(${c})`).join(' OR ')})`);
  }
  const orderSql = orders.map((o) => `${o.sql} ${o.desc !== reverse ? 'DESC' : 'ASC'}`).join(', ');
  const rows = db
    .prepare(
      `SELECT ${source.select} FROM ${source.table} ${whereSql()} ORDER BY ${orderSql} LIMIT ? OFFSET ?`,
    )
    .all(...params, plan.limit, plan.offset) as Row[];
  if (reverse) rows.reverse();
  return { total, rows };
}
