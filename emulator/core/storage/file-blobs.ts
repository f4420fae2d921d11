import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { AppwriteError } from '../platform/errors.ts';
import { FILE_MODE, FOLDER_MODE } from '../platform/private-files.ts';

/**
 * The bytes of stored files, on disk under one root (`<dataDir>/storage`):
 *
 *   <root>/<bucketId>/<fileId>                    a complete file
 *   <root>/.uploads/<bucketId>/<fileId>/<n>.part  chunk n of an upload in progress
 *
 * Chunks are kept apart and only joined when the last one is in, because the SDKs send up to eight
 * at once and in any order. Every write goes to a temporary name first and is renamed into place, so
 * a crash or a duplicate chunk never leaves a half-written file where a reader looks. Bucket ids
 * cannot start with a dot, so `.uploads` never collides with a bucket. Folders are made 0700 and
 * files 0600 (core/platform/private-files.ts): stored files are other people's data.
 */

/** An id safe as one path segment: Appwrite's UID rule (no slash, no `..`, no leading dot). */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]{0,35}$/;

function segment(id: string): string {
  if (!SEGMENT.test(id)) {
    // Routes validate ids before they get here; this is the last line against path tricks.
    throw new AppwriteError('general_argument_invalid', 'Invalid id.');
  }
  return id;
}

let tmpCounter = 0;
function tmpName(path: string): string {
  tmpCounter += 1;
  return `${path}.${process.pid}.${tmpCounter}.tmp`;
}

/** What assembling or writing a whole file reports. */
export interface BlobInfo {
  size: number;
  /** MD5 of the content, hex (Appwrite's `signature`). */
  md5: string;
  /** The first bytes, for media type detection. */
  head: Buffer;
}

const HEAD_BYTES = 4096;

/** File bytes on disk. */
export class FileBlobs {
  readonly root: string;

  constructor(root: string) {
    this.root = root;
    mkdirSync(join(root, '.uploads'), { recursive: true, mode: FOLDER_MODE });
  }

  /** Where a complete file lives. */
  pathOf(bucketId: string, fileId: string): string {
    return join(this.root, segment(bucketId), segment(fileId));
  }

  private partsDir(bucketId: string, fileId: string): string {
    return join(this.root, '.uploads', segment(bucketId), segment(fileId));
  }

  /** Stores a file received in one request. */
  async writeWhole(bucketId: string, fileId: string, data: Buffer): Promise<BlobInfo> {
    const path = this.pathOf(bucketId, fileId);
    mkdirSync(join(this.root, bucketId), { recursive: true, mode: FOLDER_MODE });
    const tmp = tmpName(path);
    await writeFile(tmp, data, { mode: FILE_MODE });
    await rename(tmp, path);
    return {
      size: data.length,
      md5: createHash('md5').update(data).digest('hex'),
      head: data.subarray(0, HEAD_BYTES),
    };
  }

  /** Stores chunk `chunk` (1-based) of an upload; a repeated chunk replaces the earlier copy. */
  async writeChunk(bucketId: string, fileId: string, chunk: number, data: Buffer): Promise<void> {
    const dir = this.partsDir(bucketId, fileId);
    mkdirSync(dir, { recursive: true, mode: FOLDER_MODE });
    const path = join(dir, `${chunk}.part`);
    const tmp = tmpName(path);
    await writeFile(tmp, data, { mode: FILE_MODE });
    await rename(tmp, path);
  }

  /** Joins chunks 1..`chunks` into the complete file and removes them. */
  async assemble(bucketId: string, fileId: string, chunks: number): Promise<BlobInfo> {
    const dir = this.partsDir(bucketId, fileId);
    const path = this.pathOf(bucketId, fileId);
    mkdirSync(join(this.root, bucketId), { recursive: true, mode: FOLDER_MODE });
    const tmp = tmpName(path);
    const hash = createHash('md5');
    let size = 0;
    let head = Buffer.alloc(0);
    const out = await open(tmp, 'w', FILE_MODE);
    try {
      for (let n = 1; n <= chunks; n++) {
        const part = await readFile(join(dir, `${n}.part`));
        hash.update(part);
        if (head.length < HEAD_BYTES) {
          head = Buffer.concat([head, part.subarray(0, HEAD_BYTES - head.length)]);
        }
        await out.write(part);
        size += part.length;
      }
    } finally {
      await out.close();
    }
    await rename(tmp, path);
    await rm(dir, { recursive: true, force: true });
    return { size, md5: hash.digest('hex'), head };
  }

  /** The size of a complete file, or `null` when it is not on disk. */
  sizeOf(bucketId: string, fileId: string): number | null {
    const path = this.pathOf(bucketId, fileId);
    return existsSync(path) ? statSync(path).size : null;
  }

  /** A stream of a complete file's bytes, optionally a range (`end` inclusive). */
  stream(bucketId: string, fileId: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(bucketId, fileId), range);
  }

  /** A complete file's bytes. */
  read(bucketId: string, fileId: string): Promise<Buffer> {
    return readFile(this.pathOf(bucketId, fileId));
  }

  /** Removes a file and any chunks of an upload under its id. */
  async remove(bucketId: string, fileId: string): Promise<void> {
    await rm(this.pathOf(bucketId, fileId), { force: true });
    await rm(this.partsDir(bucketId, fileId), { recursive: true, force: true });
  }

  /** Removes the chunks of an upload (not a complete file of the same id). */
  async removeParts(bucketId: string, fileId: string): Promise<void> {
    await rm(this.partsDir(bucketId, fileId), { recursive: true, force: true });
  }

  /** Removes everything a bucket holds. */
  removeBucket(bucketId: string): void {
    rmSync(join(this.root, segment(bucketId)), { recursive: true, force: true });
    rmSync(join(this.root, '.uploads', segment(bucketId)), { recursive: true, force: true });
  }

  /**
   * Chunk folders with no upload behind them (a crash between writing a chunk and recording it),
   * as `[bucketId, fileId]` pairs.
   */
  uploadFolders(): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    const base = join(this.root, '.uploads');
    for (const bucketId of safeList(base)) {
      for (const fileId of safeList(join(base, bucketId))) out.push([bucketId, fileId]);
    }
    return out;
  }

  /** Leftover temporary files (`*.tmp`) from writes a crash interrupted. */
  removeTemporaries(): void {
    for (const bucketId of safeList(this.root)) {
      if (bucketId === '.uploads') continue;
      for (const name of safeList(join(this.root, bucketId), false)) {
        if (name.endsWith('.tmp')) rmSync(join(this.root, bucketId, name), { force: true });
      }
    }
  }
}

function safeList(dir: string, idsOnly = true): string[] {
  try {
    return readdirSync(dir).filter((name) => !idsOnly || SEGMENT.test(name));
  } catch {
    return [];
  }
}
