import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import * as tar from 'tar';
import { DocTable } from './core/platform/doc-table.ts';
import type { Project } from './core/project.ts';
import { readFunctionSettings } from './http/functions/functions.ts';
import { filterRequest } from './http/platform/formats/request-filters.ts';

/** What applying the `functions` of a project file did, for the start-up log. */
export interface FunctionsReport {
  functions: number;
  deployed: string[];
}

/**
 * What this applier reads of a project file (project-file.ts `ProjectFile`, which it is given; not
 * imported, as project-file.ts imports this module).
 */
interface FunctionsSection {
  /** Where the file was found: function paths are relative to its folder. */
  path: string;
  functions?: unknown;
}

/** The response format appwrite-cli 12, whose appwrite.json this reads, sends. */
const APPWRITE_JSON_FORMAT = '1.8.0';

/** Entries never packed, whatever the function's `ignore` says (the CLI always skips `.appwrite`). */
const ALWAYS_IGNORED = ['node_modules', '.git', '.appwrite'];

/**
 * Applies the `functions` of an appwrite.json at start, as `appwrite push functions` would: each
 * function is created or updated with its settings (validated as the API validates them), and when
 * its code is built — `<path>/<entrypoint>` exists — its folder is packed and deployed unless the
 * same code is already active. Nothing is deleted. `ignore` entries are matched as top-level names
 * of the function folder (no globs).
 */
export async function applyFunctionsConfig(
  project: Project,
  file: FunctionsSection,
): Promise<FunctionsReport> {
  const service = project.functions;
  const report: FunctionsReport = { functions: 0, deployed: [] };
  if (!Array.isArray(file.functions)) return report;
  const base = dirname(file.path);
  const packed = new DocTable<{ $id: string; sha: string; deploymentId: string }>(
    project.db,
    'fn_start_deployments',
  );
  for (const entry of file.functions as Record<string, unknown>[]) {
    const id = String(entry.$id);
    const current = service.functions.find(id);
    // appwrite.json is appwrite-cli 12's (one `specification`): read as the CLI would send it.
    const settings = readFunctionSettings(
      filterRequest(entry, 'functions.update', APPWRITE_JSON_FORMAT),
      current,
    );
    if (current) service.functions.patch(id, settings);
    else service.functions.create(id, settings);
    report.functions++;

    if (typeof entry.path !== 'string' || settings.entrypoint === '') continue;
    const folder = resolve(base, entry.path);
    if (!existsSync(join(folder, settings.entrypoint))) continue;
    const ignore = new Set([...ALWAYS_IGNORED, ...ignoreList(entry.ignore)]);
    const temp = mkdtempSync(join(tmpdir(), 'appwrite-local-pack-'));
    try {
      const archive = join(temp, 'code.tar.gz');
      await tar.c(
        {
          // Unpacked again at once on this machine: the fastest level (a third of the time at
          // start, for a fifth more bytes).
          gzip: { level: 1 },
          file: archive,
          cwd: folder,
          portable: true,
          filter: (path) => !ignore.has(path.replace(/^\.\//, '').split('/')[0] ?? ''),
        },
        ['.'],
      );
      const data = readFileSync(archive);
      const sha = createHash('sha256').update(data).digest('hex');
      const previous = packed.get(id);
      const active = service.functions.get(id).deploymentId;
      if (previous?.sha === sha && previous.deploymentId === active) continue;
      const deployment = await service.deployments.upload({
        functionId: id,
        entrypoint: settings.entrypoint,
        commands: settings.commands,
        activate: true,
        file: { name: 'code.tar.gz', data },
        contentRange: undefined,
        appwriteId: undefined,
        type: 'manual',
      });
      packed.put({ $id: id, sha, deploymentId: deployment.$id });
      report.deployed.push(id);
    } finally {
      rmSync(temp, { recursive: true, force: true });
    }
  }
  return report;
}

function ignoreList(value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value : [];
  return list
    .filter((v): v is string => typeof v === 'string')
    .map((v) => v.replace(/^\.?\//, '').replace(/\/$/, ''));
}
