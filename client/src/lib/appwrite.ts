import { Client, Functions, type Models, Storage, TablesDB } from 'appwrite';

/**
 * The one Appwrite client of the browser app and its services. Configured by environment at build
 * time: `VITE_APPWRITE_ENDPOINT` (default: this page's origin + `/v1`, which the dev server proxies
 * to the local Appwrite) and `VITE_APPWRITE_PROJECT_ID` (default `agora`). No key ever reaches here:
 * the browser holds a session, nothing more.
 */
export const endpoint = import.meta.env.VITE_APPWRITE_ENDPOINT ?? `${location.origin}/v1`;
const projectId = import.meta.env.VITE_APPWRITE_PROJECT_ID ?? 'agora';

export const client = new Client().setEndpoint(endpoint).setProject(projectId);
export const tables = new TablesDB(client);
export const functions = new Functions(client);
export const storage = new Storage(client);

/** What `account.call` sends and the SDK's `Account` would: the project, JSON both ways. */
const accountHeaders = () => ({
  'X-Appwrite-Project': client.config.project,
  'content-type': 'application/json',
  accept: 'application/json',
});

function accountCall<T>(method: string, path: string, payload: Record<string, string> = {}) {
  const url = new URL(`${client.config.endpoint}/account${path}`);
  return client.call(method, url, accountHeaders(), payload) as Promise<T>;
}

/**
 * The Account endpoints the app uses, sent through the client's own `call` (so the session cookie,
 * its fallback header and AppwriteException work exactly as with the SDK's `Account`, which carries
 * some sixty endpoints — 2 KB gzip of the bundle — for these six).
 */
export const account = {
  get: () => accountCall<Models.User<Models.Preferences>>('get', ''),
  createEmailPasswordSession: (params: { email: string; password: string }) =>
    accountCall<Models.Session>('post', '/sessions/email', params),
  deleteSession: ({ sessionId }: { sessionId: string }) =>
    accountCall<object>('delete', `/sessions/${encodeURIComponent(sessionId)}`),
  createVerification: (params: { url: string }) =>
    accountCall<Models.Token>('post', '/verifications/email', params),
  updateVerification: (params: { userId: string; secret: string }) =>
    accountCall<Models.Token>('put', '/verifications/email', params),
  createRecovery: (params: { email: string; url: string }) =>
    accountCall<Models.Token>('post', '/recovery', params),
};
