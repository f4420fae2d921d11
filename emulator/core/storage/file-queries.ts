import { compileList, type ListPlan, type ListResource } from '../platform/list-plan.ts';

/**
 * The file list of `GET /storage/buckets/{id}/files`, over `storage_files` (alias `f`): the
 * attributes of SRV Validator/Queries/Files.php (`folder` since 2.0: web SDK 27's `listFiles`) plus
 * `$id`, `$createdAt`, `$updatedAt`. Appwrite searches files with a fulltext index over "id name".
 */
const FILES: ListResource = {
  plural: 'files',
  singular: 'file',
  columns: {
    $id: { sql: 'f.id', kind: 'text' },
    $createdAt: { sql: 'f.created_at', kind: 'text' },
    $updatedAt: { sql: 'f.updated_at', kind: 'text' },
    name: { sql: 'f.name', kind: 'text' },
    folder: { sql: 'f.folder', kind: 'text' },
    signature: { sql: 'f.signature', kind: 'text' },
    mimeType: { sql: 'f.mime_type', kind: 'text' },
    sizeOriginal: { sql: 'f.size_original', kind: 'int' },
    chunksTotal: { sql: 'f.chunks_total', kind: 'int' },
    chunksUploaded: { sql: 'f.chunks_uploaded', kind: 'int' },
  },
  searchIn: "(f.id || ' ' || f.name)",
};

/** A compiled file list request. */
export type FileListPlan = ListPlan;

/** Compiles the `queries` param plus a `search` term. */
export function compileFileList(rawQueries: unknown, search: string): FileListPlan {
  return compileList(FILES, rawQueries, search);
}
