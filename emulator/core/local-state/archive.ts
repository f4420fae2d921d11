import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  constants,
  copyFileSync,
  createWriteStream,
  linkSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import Database from 'better-sqlite3';
import * as tar from 'tar';
import type { Sql } from '../platform/db.ts';
import { AppwriteError } from '../platform/errors.ts';
import { FILE_MODE, FOLDER_MODE } from '../platform/private-files.ts';
import { databaseFile } from '../project.ts';

/**
 * The whole local state in one file (`<projectId>-<stamp>.appwrite-local`): an uncompressed tar of
 * the data folder as it stood at one instant —
 *
 * - `appwrite-local.json`, the manifest (`format`, `version`, `projectId`, `exportedAt`);
 * - `appwrite-local.sqlite`, a consistent snapshot of the database (the WAL checkpointed into the
 *   file, then the file copied; `VACUUM INTO` when another process holds the WAL back; no
 *   `-wal`/`-shm` files);
 * - every other file of the data folder: stored files (`storage/`), function deployments
 *   (`functions/`), whatever else a tool keeps there —
 *
 * except what belongs to this machine rather than to the project: `credentials.json` (the API key
 * and console password `npm run emulator` prints), unfinished uploads (`.uploads/` folders), this
 * module's own working folder (`.local-state/`), and what a site build keeps or writes in place
 * (`sites/.cache/`, the dependency and npm caches; `sites/.homes/`, builds' home folders; a building
 * deployment's `node_modules/`, moved back into the cache when the build ends — see
 * core/sites/site-deployments.ts). Those are rebuilt by the next build; npm writes them in place
 * while a build runs, which a consistent snapshot cannot hold, and they are most of an Agora data
 * folder's bytes (the client's dependencies).
 *
 * Consistent while writes happen: the snapshot and the hard links to every file are made in one
 * synchronous step, so no request runs between them (stored files and deployments are written once
 * and replaced by rename, never rewritten in place, so a link keeps the bytes the snapshot knew). The
 * tar is then streamed from those links.
 */

/** The manifest's `format`; an import refuses anything else. */
export const STATE_FORMAT = 'appwrite-local-state';
const STATE_VERSION = 1;
const MANIFEST = 'appwrite-local.json';
const DATABASE = 'appwrite-local.sqlite';

/** Entries of the data folder that are the machine's, not the project's: never exported or replaced. */
export const MACHINE_ENTRIES: ReadonlySet<string> = new Set(['credentials.json', '.local-state']);

/** The working folder (staging areas, the state an import replaces) inside the data folder. */
export function workFolder(dataDir: string): string {
  return join(dataDir, '.local-state');
}

/** Why an import was refused (a 400 with this message; the current state is untouched). */
export class StateArchiveError extends Error {}

/** The manifest of an export. */
export interface StateManifest {
  format: typeof STATE_FORMAT;
  version: number;
  projectId: string;
  exportedAt: string;
}

/** The database file and its WAL companions: replaced by the snapshot, never linked. */
function isDatabaseFile(name: string, dataDir: string): boolean {
  const base = databaseFile(dataDir).slice(dataDir.length + 1);
  return name === base || name === `${base}-wal` || name === `${base}-shm`;
}

/** Folders of site builds (paths in the data folder) that are caches, never exported. */
const SITE_BUILD_CACHES: ReadonlySet<string> = new Set(['sites/.cache', 'sites/.homes']);

/**
 * Whether a folder (its path in the data folder) is left out of an export: unfinished uploads, the
 * site builds' caches, and `sites/<siteId>/<deploymentId>/node_modules` (there only while it builds).
 */
function isCacheFolder(path: string): boolean {
  if (posix.basename(path) === '.uploads' || SITE_BUILD_CACHES.has(path)) return true;
  const parts = path.split('/');
  return parts.length === 4 && parts[0] === 'sites' && parts[3] === 'node_modules';
}

/**
 * Mirrors `from` into `to` with hard links (symbolic links recreated), skipping cache folders;
 * `path` is `from`'s path in the data folder.
 */
function linkTree(from: string, to: string, path: string): void {
  mkdirSync(to, { recursive: true, mode: FOLDER_MODE });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const inside = `${path}/${entry.name}`;
    if (entry.isDirectory() && isCacheFolder(inside)) continue;
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) linkTree(source, target, inside);
    else if (entry.isSymbolicLink()) symlinkSync(readlinkSync(source), target);
    else if (entry.isFile()) linkSync(source, target);
  }
}

/**
 * Copies the database as it stands. The fast way: checkpoint the WAL into the main file (this process
 * is its only writer, so nothing can slip in before the copy, which is synchronous too) and copy that
 * one file. If another connection holds the WAL back (a reader in another process), the checkpoint
 * is partial and the file alone would miss commits: then `VACUUM INTO`, one read transaction.
 */
function copyDatabase(db: Sql, target: string): void {
  const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as {
    busy: number;
    log: number;
    checkpointed: number;
  }[];
  const file = db.name;
  if (result && result.busy === 0 && result.log === result.checkpointed && file) {
    // A copy-on-write clone where the file system has them (btrfs, XFS, APFS), else a plain copy.
    copyFileSync(file, target, constants.COPYFILE_FICLONE);
    chmodSync(target, FILE_MODE);
  } else {
    db.prepare('VACUUM INTO ?').run(target);
  }
}

/**
 * Takes the snapshot into `staging` (which must not exist; it is made inside the data folder so the
 * hard links stay on one file system). Synchronous on purpose: see the module comment.
 */
export function snapshotState(
  db: Sql,
  dataDir: string,
  projectId: string,
  staging: string,
): StateManifest {
  mkdirSync(staging, { recursive: true, mode: FOLDER_MODE });
  copyDatabase(db, join(staging, DATABASE));
  for (const entry of readdirSync(dataDir, { withFileTypes: true })) {
    if (MACHINE_ENTRIES.has(entry.name) || isDatabaseFile(entry.name, dataDir)) continue;
    const source = join(dataDir, entry.name);
    const target = join(staging, entry.name);
    if (entry.isDirectory()) linkTree(source, target, entry.name);
    else if (entry.isFile()) linkSync(source, target);
  }
  const manifest: StateManifest = {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    projectId,
    exportedAt: new Date().toISOString(),
  };
  writeFileSync(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, {
    mode: FILE_MODE,
  });
  return manifest;
}

/** The tar of a snapshot, manifest first, as a stream. */
export function packState(staging: string): Readable {
  const rest = readdirSync(staging).filter((name) => name !== MANIFEST && name !== DATABASE);
  // node-tar's stream is a Minipass; Fastify and `pipeline` want a Node stream.
  return Readable.from(
    tar.c({ cwd: staging, portable: true }, [MANIFEST, DATABASE, ...rest.sort()]),
  );
}

/** Largest state unpacked (the body limit of an import bounds the archive itself). */
const MAX_UNPACKED_BYTES = 16 * 1024 ** 3;
const MAX_ENTRIES = 2_000_000;

/** Normalised relative path of an entry, or `null` when it is absolute or climbs out. */
function insidePath(path: string): string | null {
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) return null;
  const normal = posix.normalize(path);
  if (normal === '..' || normal.startsWith('../')) return null;
  return normal.replace(/\/$/, '');
}

/**
 * Checks each entry as it is read, before node-tar writes it: files, folders, symbolic links that
 * stay inside (deployments hold `node_modules/.bin` links) and hard links to an earlier entry; nothing
 * absolute or climbing out; nothing this machine keeps for itself (`credentials.json`,
 * `.local-state/`). A refused entry is not written; the problems are reported once the stream ends.
 */
class EntryCheck {
  readonly problems: string[] = [];
  readonly names = new Set<string>();
  entries = 0;
  bytes = 0;

  /** Whether node-tar may write the entry. */
  admit(entry: tar.ReadEntry): boolean {
    this.entries++;
    this.bytes += entry.size ?? 0;
    const path = insidePath(entry.path);
    const top = path?.split('/')[0] ?? '';
    let problem: string | null = null;
    if (path === null || path === '.' || MACHINE_ENTRIES.has(top)) {
      problem = `entry ${JSON.stringify(entry.path)} is not part of a state`;
    } else if (entry.type === 'SymbolicLink') {
      const target = entry.linkpath ?? '';
      if (target.startsWith('/') || !insidePath(posix.join(posix.dirname(path), target))) {
        problem = `link ${JSON.stringify(entry.path)} points outside the state`;
      }
    } else if (entry.type === 'Link') {
      if (!this.names.has(insidePath(entry.linkpath ?? '') ?? '')) {
        problem = `hard link ${JSON.stringify(entry.path)} names no earlier entry`;
      }
    } else if (!['File', 'OldFile', 'ContiguousFile', 'Directory'].includes(entry.type)) {
      problem = `entry ${JSON.stringify(entry.path)} is a ${entry.type}`;
    }
    if (this.entries > MAX_ENTRIES) problem = `more than ${MAX_ENTRIES} entries`;
    if (this.bytes > MAX_UNPACKED_BYTES) problem = 'more than 16 GiB once unpacked';
    if (problem) {
      this.problems.push(problem);
      return false;
    }
    if (path) this.names.add(path);
    return true;
  }

  /** Throws StateArchiveError unless the whole archive was sound. */
  verdict(): void {
    if (this.entries === 0) this.problems.push('the archive is empty');
    if (!this.names.has(MANIFEST)) this.problems.push(`no ${MANIFEST}`);
    if (!this.names.has(DATABASE)) this.problems.push(`no ${DATABASE}`);
    if (this.problems.length > 0) {
      throw new StateArchiveError(
        `The state file was refused: ${this.problems.slice(0, 5).join('; ')}.`,
      );
    }
  }
}

/** The manifest, checked. */
function readManifest(folder: string): StateManifest {
  let manifest: Partial<StateManifest>;
  try {
    manifest = JSON.parse(readFileSync(join(folder, MANIFEST), 'utf8'));
  } catch {
    throw new StateArchiveError(`The state file's ${MANIFEST} is not JSON.`);
  }
  if (manifest?.format !== STATE_FORMAT || manifest.version !== STATE_VERSION) {
    throw new StateArchiveError(
      `The state file's ${MANIFEST} is not a local Appwrite state of version ${STATE_VERSION}.`,
    );
  }
  return manifest as StateManifest;
}

/** The snapshot opens, passes SQLite's quick check and has the identity tables. */
function checkDatabase(file: string): void {
  let db: Sql | null = null;
  try {
    // Read-write: the copy is a WAL database, which a read-only handle cannot open without its
    // `-shm` file; it is our own staging copy.
    db = new Database(file, { fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new StateArchiveError(`The state's database is damaged (${check}).`);
    const users = db
      .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'auth_users'")
      .get();
    if (!users) throw new StateArchiveError("The state's database holds no local Appwrite tables.");
  } catch (error) {
    if (error instanceof StateArchiveError) throw error;
    throw new StateArchiveError(
      `The state's database does not open (${error instanceof Error ? error.message : String(error)}).`,
    );
  } finally {
    db?.close();
  }
}

/**
 * Unpacks a state from `source` (the request body, or a file's stream) into `staging` (made; removed
 * again on a refusal), in one pass: each entry is checked before it is written (EntryCheck), then the
 * manifest, then the database (it opens, passes SQLite's quick check and has the identity tables).
 * Throws StateArchiveError for anything that is not a whole, sound state; nothing outside `staging` is
 * touched.
 */
export async function unpackState(source: Readable, staging: string): Promise<StateManifest> {
  mkdirSync(staging, { recursive: true, mode: FOLDER_MODE });
  const check = new EntryCheck();
  try {
    try {
      await pipeline(
        source,
        tar.x({
          cwd: staging,
          strict: true,
          preserveOwner: false,
          filter: (_path, entry) => check.admit(entry as tar.ReadEntry),
          // Modes are the owner's only; node-tar creates files with the entry's mode, so it is
          // replaced before anything exists (as deployment archives are: functions/deployment-archive.ts).
          onReadEntry: (entry) => {
            entry.mode =
              entry.type === 'Directory'
                ? FOLDER_MODE
                : (entry.mode ?? 0) & 0o111
                  ? 0o700
                  : FILE_MODE;
          },
          dmode: FOLDER_MODE,
          fmode: FILE_MODE,
          chmod: true,
        }),
      );
    } catch (error) {
      if (error instanceof StateArchiveError) throw error;
      // A body over the limit (or another refusal raised while reading) keeps its own answer.
      if (error instanceof AppwriteError) throw error;
      throw new StateArchiveError(
        `The file is not a local Appwrite state (${error instanceof Error ? error.message : String(error)}).`,
      );
    }
    check.verdict();
    const manifest = readManifest(staging);
    checkDatabase(join(staging, DATABASE));
    rmSync(join(staging, MANIFEST));
    return manifest;
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/** Whether a data-folder entry is part of the project's state (moved out and in by a swap). */
export function isStateEntry(name: string): boolean {
  return !MACHINE_ENTRIES.has(name);
}

/**
 * Exports the state to `file` (written beside it as `<file>.partial`, then renamed, so an interrupted
 * export leaves no half file): the command line's `--export` and `--export-on-exit`.
 */
export async function writeStateFile(
  db: Sql,
  dataDir: string,
  projectId: string,
  file: string,
): Promise<StateManifest> {
  const staging = join(workFolder(dataDir), `export-${randomBytes(6).toString('hex')}`);
  const partial = `${file}.partial`;
  try {
    const manifest = snapshotState(db, dataDir, projectId, staging);
    await pipeline(packState(staging), createWriteStream(partial, { mode: FILE_MODE }));
    renameSync(partial, file);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
}
