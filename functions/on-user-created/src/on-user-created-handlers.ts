import * as z from 'zod/mini';
import { Limits } from '#shared/limits.ts';
import { AppError } from '../../_lib/app-error.ts';
import { readJson } from '../../_lib/body.ts';
import type { RuntimeRequest } from '../../_lib/context.ts';
import type { RouteHandler } from '../../_lib/create-handler.ts';
import { isDerivedUserId } from '../../_lib/user-ids.ts';
import type { OnUserCreatedRepo } from './on-user-created-repo.ts';

/** What a handler needs per execution: the repository and the id secret. */
export interface OnUserCreatedDeps {
  repoFor: (req: RuntimeRequest) => OnUserCreatedRepo;
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
  | { userId: string; outcome: 'profile_exists' };

/** The profile's display name: the user's name, else the email's local part, else a placeholder. */
function displayName(name: string, email: string): string {
  const chosen = name.trim() || email.split('@')[0]?.trim() || 'Member';
  return chosen.slice(0, Limits.name.max);
}

/**
 * `POST /` for the `users.*.create` event. A user whose id was not derived from `AGORA_ID_SECRET`
 * came straight from `account.create` (skipping the password policy): it is blocked and gets nothing.
 * Otherwise the profile is created (row id = user id) and `stats.users` counted — once: a replayed
 * event finds the profile (409) and counts nothing.
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
    if (!isDerivedUserId(secret(), user.$id)) {
      await repo.blockUser(user.$id);
      log(`Blocked ${user.$id}: not created through Agora's functions.`);
      return res.json({ userId: user.$id, outcome: 'blocked' } satisfies Outcome);
    }
    const created = await repo.createProfile(user.$id, {
      name: displayName(user.name, user.email),
      bio: null,
      avatarId: null,
      postsCount: 0,
      commentsCount: 0,
      likesReceived: 0,
    });
    if (!created) {
      return res.json({ userId: user.$id, outcome: 'profile_exists' } satisfies Outcome);
    }
    await repo.countUser();
    return res.json({ userId: user.$id, outcome: 'profile_created' } satisfies Outcome);
  };
}
