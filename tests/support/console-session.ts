import { CONSOLE_EMAIL } from '../../emulator/core/identity/console-account.ts';
import { call, type LocalServer } from '../contract/harness.ts';

/** The console password the tests set (main.ts makes a random one and writes credentials.json). */
export const TEST_CONSOLE_PASSWORD = 'console-password-1';

/**
 * Signs in to the local console as `appwrite login` does (`X-Appwrite-Project: console`, no Origin)
 * and answers the `a_session_console=<value>` pair to send as a Cookie header.
 */
export async function consoleCookie(server: LocalServer): Promise<string> {
  await server.app.emulator.consoleAccounts.ensure(CONSOLE_EMAIL, TEST_CONSOLE_PASSWORD);
  const login = await call(server, 'POST', '/account/sessions/email', {
    headers: { 'x-appwrite-project': 'console' },
    body: { email: CONSOLE_EMAIL, password: TEST_CONSOLE_PASSWORD },
  });
  if (login.status !== 201) throw new Error(`console sign-in answered ${login.status}`);
  const cookie = login.headers.getSetCookie().find((c) => c.startsWith('a_session_console='));
  return String(cookie).split(';')[0] as string;
}
