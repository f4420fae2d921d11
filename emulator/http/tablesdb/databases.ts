import type { FastifyInstance } from 'fastify';
import type { ErrorTypeName } from '../../core/platform/error-types.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import type { Project } from '../../core/project.ts';
import type { Dialect } from './dialect.ts';
import { registerRowRoutes } from './rows.ts';
import { registerSchemaRoutes } from './schema.ts';
import { registerTransactionRoutes } from './transactions.ts';

/** The legacy Databases names, list wrappers and scopes. */
const LEGACY: Dialect = {
  root: '/databases',
  tables: 'collections',
  tableParam: 'collectionId',
  columns: 'attributes',
  rows: 'documents',
  rowParam: 'documentId',
  security: 'documentSecurity',
  legacy: true,
  databaseType: 'legacy',
  scopes: {
    databasesRead: ['databases.read'],
    databasesWrite: ['databases.write'],
    tablesRead: ['collections.read'],
    tablesWrite: ['collections.write'],
    columnsRead: ['collections.read'],
    columnsWrite: ['collections.write'],
    indexesRead: ['collections.read'],
    indexesWrite: ['collections.write'],
    rowsRead: ['documents.read'],
    rowsWrite: ['documents.write'],
  },
};

/**
 * The legacy Databases paths (`/v1/databases/{db}/collections/{c}/attributes|indexes|documents`),
 * which appwrite-cli 12 uses to push columns and indexes (facts §5.5). Same data as TablesDB; the
 * errors carry the legacy names (`document_*`, `collection_*`, `attribute_*`, `index_*`), as
 * Appwrite's Databases routes throw them (Databases/Action.php).
 */
export async function registerDatabases(app: FastifyInstance, project: Project): Promise<void> {
  await app.register(async (legacy) => {
    // Runs before the app's error handler: renames the type, then lets the app format the body.
    legacy.setErrorHandler((error) => {
      throw error instanceof AppwriteError
        ? new AppwriteError(legacyErrorType(error.type), error.message)
        : error;
    });
    registerTransactionRoutes(legacy, project, LEGACY);
    registerSchemaRoutes(legacy, project, LEGACY);
    registerRowRoutes(legacy, project, LEGACY);
  });
}

const RENAMES: [string, string][] = [
  ['row_', 'document_'],
  ['table_', 'collection_'],
  ['column_index_', 'index_'],
  ['column_', 'attribute_'],
  ['COLUMN_', 'ATTRIBUTE_'],
];

/** The legacy name of a TablesDB error type (`row_not_found` → `document_not_found`). */
export function legacyErrorType(type: ErrorTypeName): ErrorTypeName {
  for (const [from, to] of RENAMES) {
    if (type.startsWith(from)) return (to + type.slice(from.length)) as ErrorTypeName;
  }
  return type;
}
