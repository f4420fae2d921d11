import type { FastifyInstance } from 'fastify';
import type { Project } from '../../core/project.ts';
import { registerDatabases } from './databases.ts';
import type { Dialect } from './dialect.ts';
import { registerRowRoutes } from './rows.ts';
import { registerSchemaRoutes } from './schema.ts';
import { registerTransactionRoutes } from './transactions.ts';

/** TablesDB's names, list wrappers and scopes (Appwrite 1.9.5 route labels). */
const TABLESDB: Dialect = {
  root: '/tablesdb',
  tables: 'tables',
  tableParam: 'tableId',
  columns: 'columns',
  rows: 'rows',
  rowParam: 'rowId',
  security: 'rowSecurity',
  legacy: false,
  databaseType: 'tablesdb',
  scopes: {
    databasesRead: ['databases.read'],
    databasesWrite: ['databases.write'],
    tablesRead: ['tables.read', 'collections.read'],
    tablesWrite: ['tables.write', 'collections.write'],
    columnsRead: ['tables.read', 'collections.read', 'columns.read', 'attributes.read'],
    columnsWrite: ['tables.write', 'collections.write', 'columns.write', 'attributes.write'],
    indexesRead: ['tables.read', 'collections.read', 'indexes.read'],
    indexesWrite: ['tables.write', 'collections.write', 'indexes.write'],
    rowsRead: ['rows.read', 'documents.read'],
    rowsWrite: ['rows.write', 'documents.write'],
  },
};

/**
 * TablesDB (`/v1/tablesdb/...`): databases, tables, columns, indexes and rows as node-appwrite's
 * `TablesDB` service calls them (facts §2.2). Scopes are Appwrite 1.9.5's: each route accepts the
 * TablesDB scope or its legacy twin (TablesDB/Tables/Create.php: `['tables.write', 'collections.write']`).
 * Also registers the legacy Databases paths (http/tablesdb/databases.ts), so app.ts needs one line.
 */
export async function registerTablesDB(app: FastifyInstance, project: Project): Promise<void> {
  registerTransactionRoutes(app, project, TABLESDB);
  registerSchemaRoutes(app, project, TABLESDB);
  registerRowRoutes(app, project, TABLESDB);
  await registerDatabases(app, project);
}
