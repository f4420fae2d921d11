import type { Models } from 'appwrite';
import { ADMIN_LABEL, DATABASE_ID, TableId } from '#shared/ids.ts';
import { Profile } from '#shared/schemas/profile.ts';
import { toApiError } from './api-error.ts';
import { account, tables } from './appwrite.ts';
import { authors } from './authors.svelte.ts';
import { navigate, router, signInPath } from './router.svelte.ts';
import { toasts } from './toasts.svelte.ts';

/**
 * The signed-in user, restored on reload (`session.restore()` runs once in App.svelte; `ready` turns
 * true after). `user` is Appwrite's account (labels included), `profile` the `profiles` row (null
 * until the `users.*.create` event has made it, or when it could not be read).
 *
 *   import { session, requireSignIn } from './lib/session.svelte.ts';
 *   session.user?.name   session.isAdmin   session.profile?.avatarId   await session.refreshProfile()
 *   if (!requireSignIn()) return;   // in an action: sends to sign-in and back, returns false
 */
export type User = Models.User<Models.Preferences>;

class Session {
  user = $state.raw<User | null>(null);
  profile = $state.raw<Profile | null>(null);
  /** True once the first `restore()` has answered (signed in or not). */
  ready = $state(false);

  get signedIn(): boolean {
    return this.user !== null;
  }

  get isAdmin(): boolean {
    return this.user?.labels.includes(ADMIN_LABEL) ?? false;
  }

  /** The name to greet and show: the profile's (what others see), else the account's, else the email. */
  get displayName(): string {
    return this.profile?.name || this.user?.name || this.user?.email || '';
  }

  /**
   * Takes a profile saved in Settings: the header, greetings and author lines show its name at
   * once, and the account's own name follows (`PATCH /account/name`), which is what the admin's
   * users table and the CSV export read.
   */
  async applyProfile(profile: Profile): Promise<void> {
    this.profile = profile;
    authors.put(profile);
    const user = this.user;
    if (!user || user.name === profile.name) return;
    this.user = await account.updateName({ name: profile.name });
  }

  /** Reads the current account (and profile) from the session cookie; a guest gets `null`. */
  async restore(): Promise<void> {
    try {
      this.user = await account.get();
      await this.refreshProfile();
    } catch (error) {
      const apiError = toApiError(error);
      this.user = null;
      this.profile = null;
      if (apiError.isNetwork) toasts.error(apiError);
    } finally {
      this.ready = true;
    }
  }

  /** Email + password sign-in; throws ApiError (e.g. `user_invalid_credentials`). */
  async signIn(email: string, password: string): Promise<void> {
    try {
      await account.createEmailPasswordSession({ email, password });
    } catch (error) {
      const apiError = toApiError(error);
      // A stale session cookie: drop it and try once more.
      if (apiError.type !== 'user_session_already_exists') throw apiError;
      await account.deleteSession({ sessionId: 'current' }).catch(() => undefined);
      await account.createEmailPasswordSession({ email, password });
    }
    await this.restore();
  }

  async signOut(): Promise<void> {
    try {
      await account.deleteSession({ sessionId: 'current' });
    } catch {
      // Already gone on the server: signing out locally is what matters.
    }
    this.#clear();
  }

  /** Re-reads the account (after verification, a label change…). */
  async refreshUser(): Promise<void> {
    this.user = await account.get();
  }

  /** Re-reads the signed-in user's profile row. */
  async refreshProfile(): Promise<void> {
    const user = this.user;
    if (!user) return;
    try {
      const row = await tables.getRow({
        databaseId: DATABASE_ID,
        tableId: TableId.profiles,
        rowId: user.$id,
      });
      const parsed = Profile.safeParse(row);
      this.profile = parsed.success ? parsed.data : null;
    } catch {
      this.profile = null;
    }
  }

  /**
   * The session ended on the server (expired, revoked, account deleted): forget the user, say so,
   * and go to sign-in with a way back. Called by callFunction on a 401.
   */
  expired(): void {
    if (!this.user) return;
    this.#clear();
    toasts.info('Your session has ended. Please sign in again.');
    navigate(signInPath(), { replace: true });
  }

  /** Forgets the user locally (after sign-out or account deletion). */
  forget(): void {
    this.#clear();
  }

  #clear() {
    this.user = null;
    this.profile = null;
  }
}

/** The one session. */
export const session = new Session();

/**
 * Guard for actions and guarded pages: true when signed in; otherwise sends to sign-in (which comes
 * back to `next`, default: here) and returns false.
 */
export function requireSignIn(next: string = router.fullPath): boolean {
  if (session.user) return true;
  navigate(signInPath(next));
  return false;
}

/** What an unverified member is told where they try to post, comment or like. */
export const VERIFY_FIRST = 'Verify your email address to post, comment and like.';

/**
 * Guard for posting, commenting and liking, which the `posts` function allows only once the email
 * address is verified: true when it is; otherwise says so in a toast (no request is sent).
 */
export function requireVerified(): boolean {
  if (session.user?.emailVerification) return true;
  toasts.info(`${VERIFY_FIRST} Settings can send the link again.`);
  return false;
}
