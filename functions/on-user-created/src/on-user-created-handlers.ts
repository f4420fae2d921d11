import { randomBytes } from 'node:crypto';
import * as z from 'zod/mini';
import { isDerivedUserId } from '#lib/user-ids.ts';
import { ADMIN_LABEL, MEMBER_LABEL } from '#shared/ids.ts';
import { Limits } from '#shared/limits.ts';
import { handleCandidate, handleFromName } from '#shared/schemas/common.ts';
import { AppError } from '../../_lib/app-error.ts';
import { readJson } from '../../_lib/body.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import type { OnUserCreatedRepo } from './on-user-created-repo.ts';

/** What a handler needs per execution: the repository and the id secret. */
export interface OnUserCreatedDeps {
  repoFor: (req: RuntimeRequest) => OnUserCreatedRepo;
  /** Throws when the secret is missing or too short (lib/user-ids.ts `idSecret`). */
  secret: () => string;
}

/** The parts of Appwrite's User model (the event body) this function reads; the rest is ignored. */
const UserEvent = z.object({
  $id: z.string().check(z.minLength(1)),
  name: z._default(z.string(), ''),
  email: z._default(z.string(), ''),
});

/** What happened, as the execution's response (visible to whoever reads the execution with a key). */
export type Outcome =
  | { userId: string; outcome: 'blocked' }
  | { userId: string; outcome: 'profile_created' }
  | { userId: string; outcome: 'profile_exists' }
  | { userId: string; outcome: 'already_member' };

/** Tries of a handle: the chosen or derived one, then numbered ones (`ada2` … `ada6`), then random. */
const HANDLE_TRIES = 6;

/**
 * The profile with a unique handle: the one chosen at sign-up (the registration carries it), else one
 * derived from the name; when another member holds it (sign-ups racing for one handle), the next
 * numbered one, and at last a random suffix. `true` when this run created the profile.
 */
async function createWithHandle(
  repo: OnUserCreatedRepo,
  userId: string,
  name: string,
  chosen: string | null,
): Promise<boolean> {
  const base = chosen ?? handleFromName(name);
  for (let attempt = 0; attempt <= HANDLE_TRIES; attempt++) {
    const handle = handleCandidate(base, attempt, randomBytes(3).toString('hex'));
    const outcome = await repo.createProfile(userId, {
      name,
      handle,
      bio: null,
      avatarId: null,
      postsCount: 0,
      commentsCount: 0,
      likesReceived: 0,
    });
    if (outcome !== 'handle_taken') return outcome === 'created';
  }
  throw new Error(`no free handle for ${userId} after ${HANDLE_TRIES + 1} tries`);
}

/** The profile's display name: the user's name, else the email's local part, else a placeholder. */
function displayName(name: string, email: string): string {
  const chosen = name.trim() || email.split('@')[0]?.trim() || 'Member';
  return chosen.slice(0, Limits.name.max);
}

/**
 * `POST /` for the `users.*.create` event: the sign-up gate. It vets a new user only on positive
 * proof, and fails closed everywhere else:
 *
 * - it cannot read `AGORA_ID_SECRET` (missing, too short) → it can decide nothing, so it blocks;
 * - the id was not derived from the secret (Appwrite's open `account.create`) → blocked;
 * - the id has no open `registrations` row (a deleted user's id taken again, a withdrawn id) →
 *   blocked, unless this is a replayed event for a user it already vetted;
 * - otherwise: the profile (row id = user id; a replay finds it, 409, and counts nothing), `stats.users`
 *   + 1, the `member` label (plus `admin` when the registration asks), and only then the registration
 *   is consumed — so a run cut short (crash, timeout) leaves a user with no label, who can do
 *   nothing, and a re-run finishes the job.
 */
export function onUserCreated({ repoFor, secret }: OnUserCreatedDeps): RouteHandler {
  return async ({ req, res, log }) => {
    if (req.headers['x-appwrite-trigger'] !== 'event') {
      throw new AppError(
        'user_unauthorized',
        'This function runs on the users.*.create event only.',
      );
    }
    const parsed = UserEvent.safeParse(readJson(req.bodyText));
    if (!parsed.success) {
      throw new AppError('general_argument_invalid', 'The event body is not a user.');
    }
    const user = parsed.data;
    const repo = repoFor(req);
    const block = async (reason: string) => {
      await repo.blockUser(user.$id);
      log(`Blocked ${user.$id}: ${reason}`);
      return res.json({ userId: user.$id, outcome: 'blocked' } satisfies Outcome);
    };

    let key: string;
    try {
      key = secret();
    } catch (thrown) {
      return block(`cannot vet anyone. ${thrown instanceof Error ? thrown.message : ''}`);
    }
    if (!isDerivedUserId(key, user.$id)) {
      return block('its id was not issued by Agora (account.create skipped the sign-up).');
    }
    const registration = await repo.findRegistration(user.$id);
    if (registration === null) {
      if ((await repo.labelsOf(user.$id))?.includes(MEMBER_LABEL)) {
        return res.json({ userId: user.$id, outcome: 'already_member' } satisfies Outcome);
      }
      return block('its id has no open registration (taken once already, or withdrawn).');
    }

    const name = displayName(user.name, user.email);
    const created = await createWithHandle(repo, user.$id, name, registration.handle ?? null);
    if (created) await repo.countUser();
    const labels = registration.admin ? [MEMBER_LABEL, ADMIN_LABEL] : [MEMBER_LABEL];
    if ((await repo.addLabels(user.$id, labels)) === null) {
      log(`User ${user.$id} was deleted while being vetted.`);
    }
    await repo.consumeRegistration(user.$id);
    const outcome = created ? 'profile_created' : 'profile_exists';
    return res.json({ userId: user.$id, outcome } satisfies Outcome);
  };
}
