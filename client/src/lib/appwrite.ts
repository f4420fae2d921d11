import { Account, Client, Functions, Storage, TablesDB } from 'appwrite';

/**
 * The one Appwrite client of the browser app and its services. Configured by environment at build
 * time: `VITE_APPWRITE_ENDPOINT` (default: this page's origin + `/v1`, which the dev server proxies
 * to the local Appwrite) and `VITE_APPWRITE_PROJECT_ID` (default `agora`). No key ever reaches here:
 * the browser holds a session, nothing more.
 */
export const endpoint = import.meta.env.VITE_APPWRITE_ENDPOINT ?? `${location.origin}/v1`;
const projectId = import.meta.env.VITE_APPWRITE_PROJECT_ID ?? 'agora';

export const client = new Client().setEndpoint(endpoint).setProject(projectId);
export const account = new Account(client);
export const tables = new TablesDB(client);
export const functions = new Functions(client);
export const storage = new Storage(client);
