import { AppwriteError } from '../platform/errors.ts';
import { type Action, allows, effectiveRoles, grantsOf } from '../platform/permissions.ts';
import type { Principal } from '../platform/principal.ts';
import type { Bucket, BucketStore } from './buckets.ts';
import type { StoredFile } from './files.ts';

/**
 * Appwrite's access rules for buckets and files (SRV Modules/Storage/Http/Buckets/Files/*.php):
 *
 * - A missing bucket, or a disabled one for anyone but a key, is 404 `storage_bucket_not_found`.
 * - API keys bypass every permission.
 * - Reading needs `read` on the bucket, or — when the bucket has `fileSecurity` — on the file. Without
 *   fileSecurity and without bucket read, the answer is 401 `user_unauthorized`; with fileSecurity a
 *   file the caller cannot read is 404 `storage_file_not_found`, exactly like a missing one.
 * - Update and delete work the same with `update`/`delete`, except that the file is looked up without
 *   a read check, and lacking the file permission is 401 `user_unauthorized`.
 * - Creating a file needs `create` on the bucket (file permissions never grant create).
 */

/** The roles a principal is checked with (`any` included); `null` for a key, which skips checks. */
export function checkRoles(principal: Principal): string[] | null {
  return principal.kind === 'key' ? null : effectiveRoles(principal);
}

/** Whether the bucket's own permissions grant `action` to the caller (keys: always). */
export function bucketAllows(bucket: Bucket, action: Action, principal: Principal): boolean {
  const roles = checkRoles(principal);
  return roles === null || allows(bucket.permissions, action, roles);
}

/** The bucket files are read or written in: 404 when missing, or disabled for a non-key caller. */
export function bucketForFiles(store: BucketStore, id: string, principal: Principal): Bucket {
  const bucket = store.get(id);
  if (!bucket || (!bucket.enabled && principal.kind !== 'key')) {
    throw new AppwriteError('storage_bucket_not_found', `No bucket with the id '${id}'.`);
  }
  return bucket;
}

/** 401 `user_unauthorized`, worded for the action refused. */
export function unauthorized(action: Action | 'access'): AppwriteError {
  return new AppwriteError(
    'user_unauthorized',
    `You are not allowed to ${action} this file (no permission grants it to your roles).`,
  );
}

/**
 * Who may read a file, as roles: the bucket's read roles plus, with fileSecurity, the file's own
 * (what Realtime checks before delivering a file event). Keys are not a role; they read everything.
 */
export function fileReadRoles(bucket: Bucket, file: StoredFile): string[] {
  const roles = new Set<string>();
  for (const g of grantsOf(bucket.permissions)) if (g.action === 'read') roles.add(g.role);
  if (bucket.fileSecurity) {
    for (const g of grantsOf(file.permissions)) if (g.action === 'read') roles.add(g.role);
  }
  return [...roles];
}
