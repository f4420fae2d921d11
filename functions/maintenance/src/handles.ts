import { randomBytes } from 'node:crypto';
import { handleCandidate, handleFromName } from '#shared/schemas/common.ts';
import type { MaintenanceRepo } from './maintenance-repo.ts';

/** Profiles handled per page, and pages per run (a board made before handles: up to 5,000 a run). */
const PAGE = 100;
const MAX_PAGES = 50;
/** Tries per profile: the derived handle, numbered ones, then random suffixes. */
const TRIES = 8;

/**
 * Gives every profile made before handles one, derived from its name and made unique the way
 * `on-user-created` does (`ada`, `ada2`, …): the unique index `handle` decides, so a sign-up taking
 * the same handle meanwhile is never overwritten. A dry run only counts them. Returns how many.
 */
export async function giveHandles(repo: MaintenanceRepo, dryRun: boolean): Promise<number> {
  let given = 0;
  for (let page = 0; page < MAX_PAGES; page++) {
    const profiles = await repo.profilesWithoutHandle(PAGE);
    if (dryRun) return profiles.length;
    for (const profile of profiles) {
      const base = handleFromName(profile.name);
      for (let attempt = 0; attempt < TRIES; attempt++) {
        const outcome = await repo.setHandle(
          profile.$id,
          handleCandidate(base, attempt, randomBytes(3).toString('hex')),
        );
        if (outcome === 'set') given += 1;
        if (outcome !== 'taken') break;
      }
    }
    if (profiles.length < PAGE) break;
  }
  return given;
}
