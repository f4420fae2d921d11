/**
 * Agora's storage buckets on a local Appwrite for contract tests, created through the Storage API
 * with the settings appwrite.json declares (as `appwrite push buckets` would), plus a tiny real PNG
 * to upload.
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Client, type Compression, Storage } from 'node-appwrite';
import { findProjectFile } from '../../emulator/project-file.ts';

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../..');

interface BucketEntry {
  $id: string;
  $permissions: string[];
  fileSecurity: boolean;
  name: string;
  enabled: boolean;
  maximumFileSize: number;
  allowedFileExtensions: string[];
  compression: string;
  encryption: boolean;
  antivirus: boolean;
}

/** Creates every bucket appwrite.json declares, with its permissions and limits. */
export async function applyAgoraBuckets(keyClient: Client): Promise<void> {
  const file = findProjectFile(REPO_ROOT);
  const buckets = (file?.buckets as BucketEntry[] | undefined) ?? [];
  const storage = new Storage(keyClient);
  for (const bucket of buckets) {
    await storage.createBucket({
      bucketId: bucket.$id,
      name: bucket.name,
      permissions: bucket.$permissions,
      fileSecurity: bucket.fileSecurity,
      enabled: bucket.enabled,
      maximumFileSize: bucket.maximumFileSize,
      allowedFileExtensions: bucket.allowedFileExtensions,
      compression: bucket.compression as Compression,
      encryption: bucket.encryption,
      antivirus: bucket.antivirus,
    });
  }
}

/** A valid 1×1 PNG (67 bytes). */
export const TINY_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
