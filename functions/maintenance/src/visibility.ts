import { hiddenRead, VISIBLE_READ } from '../../_lib/visibility.ts';
import type { MaintenanceRepo } from './maintenance-repo.ts';

/** How many posts or comments one page holds. */
export const VISIBILITY_PAGE = 100;

/** What the visibility repair found: rows whose read permissions were set (or due, dry run). */
export interface VisibilityResult {
  checked: number;
  repaired: number;
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item) => b.includes(item));
}

/**
 * Gives every post and comment the read permissions its `hidden` flag calls for
 * (functions/_lib/visibility.ts): `read("any")` while visible, its author's and admins' once
 * hidden. `posts` and `comments` have `rowSecurity` on and no table read, so a row without them is
 * readable by nobody — rows made before moderation existed, or by a key without permissions. This
 * is the backfill after deploying moderation to a project with data, and a repair afterwards.
 */
export async function repairVisibility(
  repo: MaintenanceRepo,
  dryRun: boolean,
): Promise<VisibilityResult> {
  const result: VisibilityResult = { checked: 0, repaired: 0 };
  for (const table of ['posts', 'comments'] as const) {
    let cursor: string | null = null;
    for (;;) {
      const page = await repo.readersPage(table, cursor, VISIBILITY_PAGE);
      for (const row of page) {
        const wanted = row.hidden ? hiddenRead(row.authorId) : [...VISIBLE_READ];
        if (sameSet(row.permissions, wanted)) continue;
        if (dryRun || (await repo.writePermissions(table, row.$id, wanted))) result.repaired += 1;
      }
      result.checked += page.length;
      if (page.length < VISIBILITY_PAGE) break;
      cursor = page[page.length - 1]?.$id ?? null;
    }
  }
  return result;
}
