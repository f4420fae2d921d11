import { AppwriteError } from '../platform/errors.ts';
import { resolveId } from '../platform/ids.ts';
import { parsePermissions, TABLE_ACTIONS } from '../platform/permissions.ts';
import { type BucketInput, COMPRESSIONS, STORAGE_LIMIT } from './buckets.ts';
import type { Storage } from './service.ts';

type Json = Record<string, unknown>;

/**
 * Applies the `buckets` of an appwrite.json at start, as `appwrite push buckets` would (CLI 12.0.1
 * push.js: the `KeysStorage` fields, create when missing, otherwise update). Idempotent; buckets absent
 * from the file are kept, as the TablesDB applier keeps tables. Returns how many buckets it applied.
 */
export function applyBucketsConfig(storage: Storage, config: unknown): number {
  const buckets = (config as Json | null)?.buckets;
  if (!Array.isArray(buckets)) return 0;
  let applied = 0;
  for (const entry of buckets) {
    if (typeof entry !== 'object' || entry === null) continue;
    const spec = entry as Json;
    const id = typeof spec.$id === 'string' ? resolveId(spec.$id) : null;
    if (!id || spec.$id === 'unique()') {
      throw new AppwriteError(
        'general_argument_invalid',
        `Bucket id ${JSON.stringify(spec.$id)} is not valid.`,
      );
    }
    const input = bucketInputOf(id, spec);
    const current = storage.buckets.get(id);
    if (!current) storage.buckets.create(id, input);
    else if (JSON.stringify(pick(current)) !== JSON.stringify(pick(input))) {
      storage.buckets.update(id, input);
    }
    applied++;
  }
  return applied;
}

function bucketInputOf(id: string, spec: Json): BucketInput {
  const size = spec.maximumFileSize ?? STORAGE_LIMIT;
  if (!Number.isInteger(size) || (size as number) < 1 || (size as number) > STORAGE_LIMIT) {
    throw new AppwriteError(
      'general_argument_invalid',
      `Bucket "${id}": maximumFileSize must be an integer from 1 to ${STORAGE_LIMIT}.`,
    );
  }
  const compression = typeof spec.compression === 'string' ? spec.compression : 'none';
  if (!COMPRESSIONS.includes(compression)) {
    throw new AppwriteError('general_argument_invalid', `Bucket "${id}": unknown compression.`);
  }
  const extensions = Array.isArray(spec.allowedFileExtensions)
    ? spec.allowedFileExtensions.filter((e): e is string => typeof e === 'string')
    : [];
  return {
    name: typeof spec.name === 'string' ? spec.name : id,
    permissions: parsePermissions(spec.$permissions ?? [], TABLE_ACTIONS) ?? [],
    fileSecurity: spec.fileSecurity === true,
    enabled: spec.enabled !== false,
    maximumFileSize: size as number,
    allowedFileExtensions: extensions,
    compression,
    encryption: spec.encryption !== false,
    antivirus: spec.antivirus !== false,
    transformations: spec.transformations !== false,
  };
}

/** The settings compared to decide whether an update is needed. */
function pick(b: BucketInput): unknown[] {
  return [
    b.name,
    b.permissions,
    b.fileSecurity,
    b.enabled,
    b.maximumFileSize,
    b.allowedFileExtensions,
    b.compression,
    b.encryption,
    b.antivirus,
    b.transformations,
  ];
}
