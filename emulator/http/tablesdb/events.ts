import { readRolesOf } from '../../core/platform/permissions.ts';
import { isoDate } from '../../core/platform/time.ts';
import type { Project } from '../../core/project.ts';
import { presentRow, type Row } from '../../core/tablesdb/rows.ts';
import type { TableInfo } from '../../core/tablesdb/schema.ts';
import type { Dialect, Req } from './dialect.ts';

/**
 * Publishes the events Appwrite's database routes label themselves with, after the change has
 * committed. Patterns use the route's own spelling (`…tables.[tableId].rows.[rowId].create` on
 * TablesDB, `…collections.[collectionId].documents.[documentId].create` on the legacy paths); the
 * event-name generator mirrors them across both. Bulk routes announce each row, as Appwrite's
 * `triggerBulk` does.
 */
export class DataEvents {
  private readonly project: Project;
  private readonly d: Dialect;

  constructor(project: Project, d: Dialect) {
    this.project = project;
    this.d = d;
  }

  /** Row events: payload is the row as format 1.9.5 shows it, read roles from table and row. */
  rows(request: Req, table: TableInfo, rows: readonly Row[], action: string): void {
    const d = this.d;
    const pattern = `databases.[databaseId].${d.tables}.[${d.tableParam}].${d.rows}.[${d.rowParam}].${action}`;
    for (const row of rows) {
      this.project.events.publish({
        pattern,
        params: { databaseId: table.databaseId, [d.tableParam]: table.id, [d.rowParam]: row.$id },
        payload: presentRow(row, { responseFormat: '1.9.5', legacy: d.legacy }),
        readRoles: readRolesOf(table.permissions, table.rowSecurity, row.$permissions),
        databaseType: table.databaseType,
        ...userOf(request),
        timestamp: isoDate(),
      });
    }
  }

  /**
   * Schema events (databases, tables, columns, indexes). Only the console may read these, so they
   * carry no read roles.
   */
  schema(
    request: Req,
    what: { databaseId: string; databaseType: TableInfo['databaseType'] },
    path: 'database' | { table: string; column?: string; index?: string },
    action: string,
    payload: Record<string, unknown>,
  ): void {
    const d = this.d;
    let pattern = 'databases.[databaseId]';
    const params: Record<string, string> = { databaseId: what.databaseId };
    if (path !== 'database') {
      pattern += `.${d.tables}.[${d.tableParam}]`;
      params[d.tableParam] = path.table;
      if (path.column !== undefined) {
        const param = d.legacy ? 'attributeId' : 'columnId';
        pattern += `.${d.columns}.[${param}]`;
        params[param] = path.column;
      }
      if (path.index !== undefined) {
        pattern += '.indexes.[indexId]';
        params.indexId = path.index;
      }
    }
    this.project.events.publish({
      pattern: `${pattern}.${action}`,
      params,
      payload,
      readRoles: [],
      databaseType: what.databaseType,
      ...userOf(request),
      timestamp: isoDate(),
    });
  }
}

function userOf(request: Req): { userId?: string } {
  return request.principal.kind === 'user' ? { userId: request.principal.userId } : {};
}
