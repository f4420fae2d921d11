import { createReadStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Sql } from '../platform/db.ts';
import { FOLDER_MODE } from '../platform/private-files.ts';
import { databaseFile } from '../project.ts';
import { isStateEntry, type StateManifest, unpackState, workFolder } from './archive.ts';

/**
 * The file moves of an import or a reset, done while no project has the data folder open: the
 * current state is moved aside (renames inside the data folder, so nothing is copied and it can be
 * put back whole), the new one moved in, and what belongs to this machine rather than to the state
 * carried over.
 */

/** Moves every state entry of `dataDir` into `aside` (made). */
export function moveStateAside(dataDir: string, aside: string): void {
  mkdirSync(aside, { recursive: true, mode: FOLDER_MODE });
  for (const name of readdirSync(dataDir)) {
    if (isStateEntry(name)) renameSync(join(dataDir, name), join(aside, name));
  }
}

/**
 * Moves every entry of `from` into `dataDir` (whose state entries must be gone). The database goes
 * last, so a data folder with a database holds a whole state (see recoverInterruptedSwap).
 */
export function moveStateIn(from: string, dataDir: string): void {
  const database = databaseFile(from).slice(from.length + 1);
  const names = readdirSync(from).filter(isStateEntry);
  names.sort((a, b) => Number(a.startsWith(database)) - Number(b.startsWith(database)));
  for (const name of names) renameSync(join(from, name), join(dataDir, name));
}

/**
 * At start: a swap the process did not live to finish. The state it had moved aside
 * (`.local-state/previous-*`) is put back when the data folder has no database (the new state never
 * fully arrived); otherwise the swap had completed and it is dropped. Staging folders of exports and
 * imports are dropped too.
 */
export function recoverInterruptedSwap(dataDir: string): void {
  const work = workFolder(dataDir);
  if (!existsSync(work)) return;
  const previous = readdirSync(work).filter((name) => name.startsWith('previous-'));
  const latest = previous.sort().at(-1);
  if (latest && !existsSync(databaseFile(dataDir))) {
    clearState(dataDir);
    moveStateIn(join(work, latest), dataDir);
  }
  rmSync(work, { recursive: true, force: true });
}

/** Removes every state entry of `dataDir` (a failed swap, before the old state is moved back). */
export function clearState(dataDir: string): void {
  for (const name of readdirSync(dataDir)) {
    if (isStateEntry(name)) rmSync(join(dataDir, name), { recursive: true, force: true });
  }
}

/** The columns two tables share (an older state may lack newer columns). */
function sharedColumns(db: Sql, table: string): string[] {
  const names = (schema: string) =>
    (db.prepare(`PRAGMA ${schema}.table_info("${table}")`).all() as { name: string }[]).map(
      (column) => column.name,
    );
  const previous = new Set(names('previous'));
  return names('main').filter((name) => previous.has(name));
}

/**
 * What the machine keeps across an import or a reset, copied from the state moved aside into the new
 * one: the console account and its sessions (so the console that asked stays signed in, and
 * `credentials.json`'s password still works), and the API keys (so `credentials.json`'s key still
 * works; an imported state's own keys are kept beside them). Nothing else of the old state survives.
 */
export function carryOverMachineRows(db: Sql, aside: string): void {
  const previous = databaseFile(aside);
  if (!existsSync(previous)) return;
  db.prepare('ATTACH DATABASE ? AS previous').run(previous);
  try {
    db.transaction(() => {
      const copy = (table: string, verb: string) => {
        const exists = db
          .prepare("SELECT 1 FROM previous.sqlite_master WHERE type = 'table' AND name = ?")
          .get(table);
        if (!exists) return;
        const columns = sharedColumns(db, table)
          .map((name) => `"${name}"`)
          .join(', ');
        db.exec(
          `${verb} INTO main."${table}" (${columns}) SELECT ${columns} FROM previous."${table}"`,
        );
      };
      db.exec('DELETE FROM main.console_sessions; DELETE FROM main.console_accounts;');
      copy('console_accounts', 'INSERT');
      copy('console_sessions', 'INSERT');
      copy('auth_keys', 'INSERT OR IGNORE');
    })();
  } finally {
    db.exec('DETACH DATABASE previous');
  }
}

/**
 * Replaces the state of a data folder no server has open with the one in `file` (the command line's
 * `--import`): checked and unpacked first, so a refused file (StateArchiveError) changes nothing.
 * The console account and the key are made again at start from credentials.json, so nothing is
 * carried over here.
 */
export async function importStateFile(file: string, dataDir: string): Promise<StateManifest> {
  const staging = join(workFolder(dataDir), `import-${Date.now().toString(36)}`);
  try {
    const manifest = await unpackState(createReadStream(file), staging);
    clearState(dataDir);
    moveStateIn(staging, dataDir);
    return manifest;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}
