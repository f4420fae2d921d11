import { chmodSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The data folder holds secrets in plain text — the JWT signing secret and token key in the SQLite
 * file, function variables, stored files, `credentials.json` — so only its owner may read it:
 * folders 0700, files 0600 (0700 for an executable in deployed code). Everything that writes there
 * creates with these modes itself rather than trusting the process umask (the app is also built by
 * tests and other hosts that never set one); main.ts sets `umask 077` as well, for whatever else
 * (SQLite's own files, function code) creates files.
 */

/** The mode of every folder under the data folder. */
export const FOLDER_MODE = 0o700;
/** The mode of every file under the data folder (owner read/write). */
export const FILE_MODE = 0o600;

/** Creates `path` and its missing parents as 0700, and makes `path` 0700 if it already existed. */
export function makePrivateFolder(path: string): void {
  mkdirSync(path, { recursive: true, mode: FOLDER_MODE });
  chmodSync(path, FOLDER_MODE);
}

/**
 * Takes group and other bits (and setuid, setgid, sticky) off everything under `root`, as a data
 * folder written by an older version has 0644 files and 0755 folders. Symbolic links are left alone
 * (chmod would follow them out of the folder); an executable keeps its owner's x bit.
 */
export function tightenTree(root: string): void {
  const pending = [root];
  for (let path = pending.pop(); path !== undefined; path = pending.pop()) {
    const stat = lstatSync(path, { throwIfNoEntry: false });
    if (!stat || stat.isSymbolicLink()) continue;
    const mode = stat.mode & 0o7777;
    if (stat.isDirectory()) {
      if (mode !== FOLDER_MODE) chmodSync(path, FOLDER_MODE);
      for (const name of readdirSync(path)) pending.push(join(path, name));
    } else if (stat.isFile()) {
      const wanted = mode & 0o100 ? 0o700 : FILE_MODE;
      if (mode !== wanted) chmodSync(path, wanted);
    }
  }
}
