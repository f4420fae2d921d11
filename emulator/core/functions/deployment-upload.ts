import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { appendFile, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppwriteError } from '../platform/errors.ts';
import { uniqueId } from '../platform/ids.ts';
import { FILE_MODE, FOLDER_MODE } from '../platform/private-files.ts';

/**
 * The code upload both deployment routes share (`POST /functions/{id}/deployments` and
 * `POST /sites/{id}/deployments`, SRV Modules/{Functions,Sites}/Http/Deployments/Create.php): the
 * whole archive in one request, or 5 MB chunks with `Content-Range` and, after the first,
 * `X-Appwrite-ID` — as appwrite-cli and the SDKs send it. Chunks are kept one file each, so they may
 * arrive in any order; the count of files present is the progress.
 */

/** The SDKs' and the CLI's chunk size (`APP_LIMIT_UPLOAD_CHUNK_SIZE`). */
export const DEPLOYMENT_CHUNK_SIZE = 5 * 1024 * 1024;

/** `_APP_COMPUTE_SIZE_LIMIT` default: the largest code archive. */
export const DEPLOYMENT_SIZE_LIMIT = 30_000_000;

/** The uploaded file of one request, as the HTTP layer read it. */
export interface UploadedCode {
  file: { name: string; data: Buffer } | null;
  contentRange: string | undefined;
  appwriteId: string | undefined;
}

/** Which chunk of which deployment one request carries. */
export interface ChunkPlan {
  deploymentId: string;
  /** 0-based index of this chunk. */
  chunk: number;
  chunks: number;
  /** The whole archive's size. */
  size: number;
  data: Buffer;
}

const RANGE = /^bytes (\d{1,15})-(\d{1,15})\/(\d{1,15})$/;
const UID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;

/**
 * Checks one upload request — a `.gz` file, a well-formed range whose length matches the chunk, an
 * id Appwrite would accept, the size limit — and says which chunk it is. A request without
 * `Content-Range` is the whole archive under a new id.
 */
export function planChunk(input: UploadedCode): ChunkPlan {
  if (!input.file) throw new AppwriteError('storage_file_empty', 'No code file was sent.');
  if (!input.file.name.toLowerCase().endsWith('.gz')) {
    throw new AppwriteError(
      'storage_file_type_unsupported',
      'The code must be a gzip archive (.tar.gz).',
    );
  }
  let deploymentId = uniqueId();
  let chunk = 0;
  let chunks = 1;
  let size = input.file.data.length;
  if (input.contentRange) {
    const match = RANGE.exec(input.contentRange.trim());
    const start = Number(match?.[1]);
    const end = Number(match?.[2]);
    size = Number(match?.[3]);
    if (!match || end < start || end >= size || start % DEPLOYMENT_CHUNK_SIZE !== 0) {
      throw new AppwriteError('storage_invalid_content_range', 'The Content-Range is invalid.');
    }
    if (end - start + 1 !== input.file.data.length) {
      throw new AppwriteError(
        'storage_invalid_content_range',
        'The chunk is not as long as its Content-Range says.',
      );
    }
    chunks = Math.ceil(size / DEPLOYMENT_CHUNK_SIZE);
    chunk = Math.floor(start / DEPLOYMENT_CHUNK_SIZE);
    if (input.appwriteId !== undefined && input.appwriteId !== '') {
      if (!UID.test(input.appwriteId)) {
        throw new AppwriteError('storage_invalid_appwrite_id', 'The X-Appwrite-ID is invalid.');
      }
      deploymentId = input.appwriteId;
    }
  }
  if (size > DEPLOYMENT_SIZE_LIMIT) {
    throw new AppwriteError(
      'storage_invalid_file_size',
      `The code archive is larger than ${DEPLOYMENT_SIZE_LIMIT} bytes.`,
    );
  }
  return { deploymentId, chunk, chunks, size, data: input.file.data };
}

/**
 * Keeps one chunk in `staging` (created owner-only) and answers how many chunks are there now.
 * Synchronous, so two requests for the same deployment never interleave.
 */
export function stageChunk(staging: string, plan: ChunkPlan): number {
  mkdirSync(staging, { recursive: true, mode: FOLDER_MODE });
  writeFileSync(join(staging, String(plan.chunk).padStart(6, '0')), plan.data, {
    mode: FILE_MODE,
  });
  return readdirSync(staging).length;
}

/** Joins the staged chunks, in order, into `archive`. */
export async function joinChunks(staging: string, archive: string): Promise<void> {
  await rm(archive, { force: true });
  for (const part of readdirSync(staging).sort()) {
    await appendFile(archive, await readFile(join(staging, part)), { mode: FILE_MODE });
  }
}

/**
 * What an earlier request left under the same id says about this chunk: another resource's id is
 * 400 `storage_invalid_appwrite_id`; a different chunk count, 400 `storage_invalid_content_range`;
 * `true` when the archive is already whole (Appwrite answers with the deployment as it is).
 */
export function wholeAlready(
  doc: { resourceId: string; sourceChunksUploaded: number; sourceChunksTotal: number },
  resourceId: string,
  chunks: number,
): boolean {
  if (doc.resourceId !== resourceId) {
    throw new AppwriteError('storage_invalid_appwrite_id', 'The X-Appwrite-ID is taken.');
  }
  if (doc.sourceChunksUploaded >= doc.sourceChunksTotal) return true;
  if (doc.sourceChunksTotal !== chunks) {
    throw new AppwriteError(
      'storage_invalid_content_range',
      'The chunk disagrees with the earlier ones on the total size.',
    );
  }
  return false;
}
