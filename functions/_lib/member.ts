import type { Users } from 'node-appwrite';
import { orNull } from '#lib/appwrite-errors.ts';
import { withRetry } from '#lib/retry.ts';
import { ADMIN_LABEL, MEMBER_LABEL } from '#shared/ids.ts';
import { AppError } from './app-error.ts';
import { signedIn } from './caller.ts';
import type { RuntimeRequest } from './context.ts';

/** The caller as Appwrite knows them now: what a write on their behalf must check. */
export interface Member {
  userId: string;
  labels: readonly string[];
  emailVerification: boolean;
}

/** Reads a user fresh from Appwrite; `null` when there is none. */
export type MemberLookup = (userId: string) => Promise<Member | null>;

/** The lookup over `node-appwrite` (`users.get`, scope `users.read`); a read, so retried. */
export function memberLookup(users: Users): MemberLookup {
  return async (userId) => {
    const user = await orNull(withRetry(() => users.get({ userId })));
    if (user === null) return null;
    return { userId, labels: user.labels, emailVerification: user.emailVerification };
  };
}

/** Whether the member carries the `admin` label. */
export function isAdmin(member: Member): boolean {
  return member.labels.includes(ADMIN_LABEL);
}

/**
 * The signed-in caller, vetted: every function that writes on a user's behalf calls this before any
 * write. Appwrite lets any session execute a function with `execute: ["users"]` — an anonymous
 * session, a user `account.create` made a moment before `on-user-created` blocks it, a user whose
 * gate run crashed or timed out. None of them carries the `member` label, which only the gate writes
 * once it has vetted the user, so all of them are refused here (fail closed: no label, no write).
 *
 * `verified` also asks for a verified email address (posting, commenting and liking): one guest can
 * register many addresses, but verifying each costs a working inbox.
 */
export async function requireMember(
  req: RuntimeRequest,
  lookup: MemberLookup,
  options: { verified?: boolean } = {},
): Promise<Member> {
  const userId = signedIn(req);
  const member = await lookup(userId);
  if (member === null || !member.labels.includes(MEMBER_LABEL)) {
    throw new AppError(
      'user_unauthorized',
      'Your account is not active: it was not set up through Agora’s sign-up. Sign up again, or ask an admin.',
    );
  }
  if (options.verified && !member.emailVerification) {
    throw new AppError(
      'user_email_not_verified',
      'Verify your email address first: open the link we sent you, or ask for a new one in Settings.',
    );
  }
  return member;
}
