import { ApiError, call } from './api.ts';

/** The console account, as `GET /v1/account` answers it for the `console` project. */
export interface ConsoleAccount {
  $id: string;
  name: string;
  email: string;
}

/**
 * The console session: `null` until the first check answers, then the account or `false`. Signing
 * in is Appwrite's `POST /v1/account/sessions/email` with `X-Appwrite-Project: console`, which sets
 * the `a_session_console` cookie (what `appwrite login` does).
 */
class Session {
  account = $state.raw<ConsoleAccount | false | null>(null);

  async check(): Promise<void> {
    try {
      this.account = await call<ConsoleAccount>('GET', '/account', { project: 'console' });
    } catch (error) {
      if (error instanceof ApiError && error.code === 401) this.account = false;
      else throw error;
    }
  }

  async signIn(email: string, password: string): Promise<void> {
    await call('POST', '/account/sessions/email', {
      project: 'console',
      body: { email, password },
    });
    await this.check();
  }

  async signOut(): Promise<void> {
    await call('DELETE', '/account/sessions/current', { project: 'console' });
    this.account = false;
  }
}

/** The page's one session. */
export const session = new Session();
