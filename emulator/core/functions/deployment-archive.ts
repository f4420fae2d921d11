import { chmod, mkdir, rm } from 'node:fs/promises';
import { posix } from 'node:path';
import * as tar from 'tar';
import { FILE_MODE, FOLDER_MODE } from '../platform/private-files.ts';

/**
 * Unpacks a deployment's code archive (the tar.gz appwrite-cli and the SDKs upload) into its own
 * folder, refusing anything that could write or point outside it. Appwrite's builder unpacks the
 * archive inside a container, where a hostile entry can only damage the container; here it would
 * reach the host, so every entry is checked before anything is written:
 *
 * - paths must be relative and must not climb (`..`) — node-tar would silently strip them, we refuse;
 * - symbolic links must point inside the folder (a link to `/etc` or `../../x` is refused), hard
 *   links must name another entry of the archive;
 * - only files, folders and links (no devices, FIFOs);
 * - at most 100,000 entries and 1 GB unpacked, so a small archive cannot fill the disk;
 * - modes are the owner's only: folders 0700, files 0600 or 0700 when the archive marks them
 *   executable. Setuid, setgid and sticky bits are dropped, as are group and other bits — the server
 *   may run as root, and the folder sits in a data folder only its owner may read.
 *
 * A malformed archive (not gzip, not tar, truncated) is refused the same way. The caller turns a
 * refusal into a failed deployment, which is how Appwrite reports an archive its build cannot use.
 */

/** Why an archive was refused (the message goes into the deployment's build logs). */
export class ArchiveError extends Error {}

const MAX_ENTRIES = 100_000;
const MAX_UNPACKED_BYTES = 1_000_000_000;
const ALLOWED_TYPES = new Set([
  'File',
  'OldFile',
  'ContiguousFile',
  'Directory',
  'SymbolicLink',
  'Link',
]);

/** Normalised relative path of an entry, or `null` when it is absolute or climbs out. */
function insidePath(path: string): string | null {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) return null;
  const normal = posix.normalize(path);
  if (normal === '..' || normal.startsWith('../')) return null;
  return normal;
}

/** Checks every entry of the archive; throws ArchiveError on the first bad one. */
async function inspect(file: string): Promise<void> {
  const problems: string[] = [];
  let entries = 0;
  let bytes = 0;
  const names = new Set<string>();
  const links: { path: string; target: string }[] = [];
  try {
    await tar.t({
      file,
      strict: true,
      onReadEntry: (entry) => {
        entries++;
        bytes += entry.size ?? 0;
        const path = insidePath(entry.path);
        if (!ALLOWED_TYPES.has(entry.type)) {
          problems.push(`entry ${JSON.stringify(entry.path)} is a ${entry.type}, not a file`);
        } else if (path === null) {
          problems.push(`entry ${JSON.stringify(entry.path)} points outside the deployment`);
        } else {
          names.add(path);
          if (entry.type === 'SymbolicLink') {
            const target = entry.linkpath ?? '';
            const resolved = target.startsWith('/')
              ? null
              : insidePath(posix.join(posix.dirname(path), target));
            if (resolved === null) {
              problems.push(`link ${JSON.stringify(entry.path)} points outside the deployment`);
            }
          } else if (entry.type === 'Link') {
            links.push({ path, target: entry.linkpath ?? '' });
          }
        }
        entry.resume();
      },
    });
  } catch (error) {
    throw new ArchiveError(
      `The code archive is not a readable tar.gz (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
  for (const link of links) {
    const target = insidePath(link.target);
    if (target === null || !names.has(target)) {
      problems.push(`hard link ${JSON.stringify(link.path)} names no file of the archive`);
    }
  }
  if (entries > MAX_ENTRIES) problems.push(`more than ${MAX_ENTRIES} entries`);
  if (bytes > MAX_UNPACKED_BYTES) problems.push('more than 1 GB once unpacked');
  if (problems.length > 0) {
    throw new ArchiveError(`The code archive was refused: ${problems.slice(0, 5).join('; ')}.`);
  }
}

/** The mode an entry is written with: the owner's bits only, executable kept, never setuid/setgid. */
export function privateMode(type: string, mode: number | undefined): number {
  if (type === 'Directory') return FOLDER_MODE;
  return (mode ?? 0) & 0o111 ? 0o700 : FILE_MODE;
}

/**
 * Unpacks `archive` into `folder` (created; emptied first if it exists). Throws ArchiveError when the
 * archive is refused, leaving no folder behind.
 */
export async function unpackDeployment(archive: string, folder: string): Promise<void> {
  await inspect(archive);
  await rm(folder, { recursive: true, force: true });
  await mkdir(folder, { recursive: true, mode: FOLDER_MODE });
  await chmod(folder, FOLDER_MODE);
  try {
    await tar.x({
      file: archive,
      cwd: folder,
      strict: true,
      preserveOwner: false,
      // Every entry's mode is replaced before node-tar creates it (it creates files with the
      // entry's mode), so no file exists for a moment with the archive's setuid bit. Folders node-tar
      // makes for entries the archive does not list get `dmode`.
      onReadEntry: (entry) => {
        entry.mode = privateMode(entry.type, entry.mode);
      },
      dmode: FOLDER_MODE,
      fmode: FILE_MODE,
      chmod: true,
    });
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw new ArchiveError(
      `The code archive could not be unpacked (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
}
