import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applySettingsConfig } from './core/project/config.ts';
import type { Project } from './core/project.ts';
import { applyBucketsConfig } from './core/storage/config.ts';
import { applyProjectConfig } from './core/tablesdb/config.ts';
import { applyFunctionsConfig } from './project-functions.ts';

/** The parts of an appwrite.json the emulator reads; the rest is kept as parsed for appliers. */
export interface ProjectFile {
  /** Where the file was found. */
  path: string;
  projectId?: string;
  [key: string]: unknown;
}

/**
 * Finds the project file as appwrite-cli 12 does: `appwrite.config.json`, then the legacy
 * `appwrite.json`, in `cwd` and then each parent folder. Returns `null` when there is none.
 */
export function findProjectFile(cwd: string): ProjectFile | null {
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
 * Steps that apply a project file at start, as `appwrite push` would: each gets the project
 * (core/project.ts) and the parsed file. Settings, TablesDB and buckets add one line each to
 * PROJECT_FILE_APPLIERS, e.g. `(project, file) => applyProjectConfig(project.tablesdb.schema, file)`
 * from core/tablesdb/config.ts; main.ts runs them in order before it serves.
 */
export type ProjectFileApplier = (project: Project, config: ProjectFile) => void | Promise<void>;

/** The registered appliers, in order. */
export const PROJECT_FILE_APPLIERS: readonly ProjectFileApplier[] = [
  // `settings` (services, auth methods and policies) first, as `appwrite push all` pushes them first.
  (project, file) => {
    applySettingsConfig(project.settings, file);
  },
  (project, file) => {
    applyProjectConfig(project.tablesdb.schema, file);
  },
  (project, file) => {
    applyBucketsConfig(project.storage, file);
  },
  async (project, file) => {
    await applyFunctionsConfig(project, file);
  },
];

/** Runs every applier on a project file. */
export async function applyProjectFile(project: Project, config: ProjectFile) {
  for (const apply of PROJECT_FILE_APPLIERS) await apply(project, config);
}
