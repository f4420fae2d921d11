import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServiceContext } from './http/context.ts';

/** The parts of an appwrite.json the emulator reads; the rest is kept as parsed for appliers. */
export interface ProjectConfig {
  /** Where the file was found. */
  path: string;
  projectId?: string;
  [key: string]: unknown;
}

/**
 * Finds the project file as appwrite-cli 12 does: `appwrite.config.json`, then the legacy
 * `appwrite.json`, in `cwd` and then each parent folder. Returns `null` when there is none.
 */
export function findProjectConfig(cwd: string): ProjectConfig | null {
  let folder = cwd;
  for (;;) {
    for (const name of ['appwrite.config.json', 'appwrite.json']) {
      const path = join(folder, name);
      if (existsSync(path)) {
        const parsed = JSON.parse(readFileSync(path, 'utf8'));
        return { ...parsed, path };
      }
    }
    const parent = dirname(folder);
    if (parent === folder) return null;
    folder = parent;
  }
}

/**
 * Steps that apply a project file at start, as `appwrite push` would: each gets the context and the
 * parsed file. TablesDB (databases, tables, columns, indexes) and buckets add theirs here, e.g.
 * `CONFIG_APPLIERS.push(applyTablesDB)` — main.ts runs them in order before it serves.
 */
export type ConfigApplier = (ctx: ServiceContext, config: ProjectConfig) => void | Promise<void>;

/** The registered appliers, in order. */
export const CONFIG_APPLIERS: ConfigApplier[] = [];

/** Runs every applier on a project file. */
export async function applyProjectConfig(ctx: ServiceContext, config: ProjectConfig) {
  for (const apply of CONFIG_APPLIERS) await apply(ctx, config);
}
