import { Account, Client, Functions, Realtime, Storage, TablesDB } from 'appwrite';

/**
 * The one Appwrite client of the browser app and its services, made as Appwrite's docs make them.
 * Configured by environment at build time: `VITE_APPWRITE_ENDPOINT` (default: this page's origin +
 * `/v1`, which the dev server proxies to the local Appwrite) and `VITE_APPWRITE_PROJECT_ID` (default
 * `agora`). No key ever reaches here: the browser holds a session, nothing more.
 *
 *   await account.get()
 *   await tables.listRows({ databaseId, tableId, queries, total: false })
 *   await functions.createExecution({ functionId, body, xpath, method, headers })   // lib/call-function.ts
 *   storage.getFilePreview({ bucketId, fileId, width, height })
 *   await realtime.subscribe(channels, onEvent)                                      // lib/realtime.svelte.ts
 */
export const endpoint = import.meta.env.VITE_APPWRITE_ENDPOINT ?? `${location.origin}/v1`;
const projectId = import.meta.env.VITE_APPWRITE_PROJECT_ID ?? 'agora';

export const client = new Client().setEndpoint(endpoint).setProject(projectId);

export const account = new Account(client);
export const tables = new TablesDB(client);
export const functions = new Functions(client);
export const storage = new Storage(client);
/** One socket for the whole app; `lib/realtime.svelte.ts` subscribes through it. */
export const realtime = new Realtime(client);
