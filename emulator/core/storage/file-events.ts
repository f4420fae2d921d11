import type { AppwriteEvent } from '../platform/events.ts';
import { isoDate } from '../platform/time.ts';
import type { WriteOptions } from '../platform/write-options.ts';
import type { Bucket } from './buckets.ts';
import { fileReadRoles } from './file-access.ts';
import { fileModel, type StoredFile } from './files.ts';

/**
 * `buckets.[bucketId].files.[fileId].<action>`, as Appwrite's file routes label themselves
 * (Modules/Storage/Http/Buckets/Files/*.php): the File as payload, read by the bucket's readers
 * (and, with fileSecurity, the file's). Storage publishes it once the change is made.
 */
export function fileEvent(
  action: 'create' | 'update' | 'delete',
  bucket: Bucket,
  file: StoredFile,
  options: WriteOptions,
): AppwriteEvent {
  return {
    pattern: `buckets.[bucketId].files.[fileId].${action}`,
    params: { bucketId: bucket.id, fileId: file.id },
    payload: fileModel(file),
    readRoles: fileReadRoles(bucket, file),
    userId: options.by,
    timestamp: isoDate(),
  };
}
