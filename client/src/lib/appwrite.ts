import { Client, type ExecutionMethod, type Models, type UploadProgress } from 'appwrite';

/**
 * The one Appwrite client of the browser app and its services. Configured by environment at build
 * time: `VITE_APPWRITE_ENDPOINT` (default: this page's origin + `/v1`, which the dev server proxies
 * to the local Appwrite) and `VITE_APPWRITE_PROJECT_ID` (default `agora`). No key ever reaches here:
 * the browser holds a session, nothing more.
 *
 * The services are the few endpoints the app calls, each sent exactly as the SDK's service class
 * sends it (tests/unit/client/appwrite-services.svelte.test.ts compares), through the client's own
 * `call`/`chunkedUpload`: the classes (Account alone has some sixty endpoints) cost 4.5 KB gzip of
 * the bundle for a dozen calls. Call them as the SDK's: `account.get()`, `tables.listRows({…})`.
 */
export const endpoint = import.meta.env.VITE_APPWRITE_ENDPOINT ?? `${location.origin}/v1`;
const projectId = import.meta.env.VITE_APPWRITE_PROJECT_ID ?? 'agora';

export const client = new Client().setEndpoint(endpoint).setProject(projectId);

/**
 * One request through the client's own `call` (session cookie, its fallback header,
 * AppwriteException), with the headers the SDK's services send: the project, JSON both ways.
 */
function send<T>(method: string, path: string, payload: object = {}): Promise<T> {
  const headers: Record<string, string> = {
    'X-Appwrite-Project': client.config.project,
    accept: 'application/json',
  };
  if (method !== 'get') headers['content-type'] = 'application/json';
  return client.call(method, new URL(client.config.endpoint + path), headers, payload);
}

const at = (...segments: string[]) => segments.map(encodeURIComponent).join('/');

/**
 * The Account endpoints the app uses, sent as the SDK's `Account` sends them (its class carries some
 * sixty endpoints — 2 KB gzip of the bundle — for these six).
 */
export const account = {
  get: () => send<Models.User<Models.Preferences>>('get', '/account'),
  createEmailPasswordSession: (params: { email: string; password: string }) =>
    send<Models.Session>('post', '/account/sessions/email', params),
  deleteSession: ({ sessionId }: { sessionId: string }) =>
    send<object>('delete', `/account/sessions/${at(sessionId)}`),
  createVerification: (params: { url: string }) =>
    send<Models.Token>('post', '/account/verifications/email', params),
  updateVerification: (params: { userId: string; secret: string }) =>
    send<Models.Token>('put', '/account/verifications/email', params),
  createRecovery: (params: { email: string; url: string }) =>
    send<Models.Token>('post', '/account/recovery', params),
};

/** The two TablesDB reads the app makes, as the SDK's `TablesDB` sends them (the writes go through functions). */
export const tables = {
  listRows: <Row extends Models.Row = Models.DefaultRow>({
    databaseId,
    tableId,
    ...query
  }: {
    databaseId: string;
    tableId: string;
    queries?: string[];
    total?: boolean;
  }) =>
    send<Models.RowList<Row>>(
      'get',
      `/tablesdb/${at(databaseId, 'tables', tableId, 'rows')}`,
      query,
    ),
  getRow: <Row extends Models.Row = Models.DefaultRow>({
    databaseId,
    tableId,
    rowId,
    ...query
  }: {
    databaseId: string;
    tableId: string;
    rowId: string;
    queries?: string[];
  }) => send<Row>('get', `/tablesdb/${at(databaseId, 'tables', tableId, 'rows', rowId)}`, query),
};

/** Function executions, as the SDK's `Functions.createExecution` sends them. */
export const functions = {
  createExecution: ({
    functionId,
    xpath,
    ...execution
  }: {
    functionId: string;
    body: string;
    async: boolean;
    xpath: string;
    method: ExecutionMethod;
    headers: Record<string, string>;
  }) =>
    send<Models.Execution>('post', `/functions/${at(functionId)}/executions`, {
      ...execution,
      path: xpath,
    }),
};

/** A file's URL, as the SDK's `Storage` URL getters build it (the project in the query). */
function fileUrl(bucketId: string, fileId: string, action: string, query: object): string {
  const url = new URL(
    `${client.config.endpoint}/storage/buckets/${at(bucketId, 'files', fileId, action)}`,
  );
  const params = {
    ...query,
    project: client.config.project,
    impersonateuserid: client.config.impersonateuserid,
  };
  for (const [key, value] of Object.entries(params)) url.searchParams.append(key, value);
  return url.toString();
}

/** The Storage endpoints the app uses, as the SDK's `Storage` sends them. */
export const storage = {
  /** Uploads in 5 MB chunks through the client, reporting progress. */
  createFile: ({
    bucketId,
    onProgress,
    ...upload
  }: {
    bucketId: string;
    fileId: string;
    file: File;
    permissions: string[];
    onProgress: (progress: UploadProgress) => void;
  }): Promise<Models.File> =>
    client.chunkedUpload(
      'post',
      new URL(`${client.config.endpoint}/storage/buckets/${at(bucketId, 'files')}`),
      {
        'X-Appwrite-Project': client.config.project,
        'content-type': 'multipart/form-data',
        accept: 'application/json',
      },
      upload,
      onProgress,
    ),
  deleteFile: ({ bucketId, fileId }: { bucketId: string; fileId: string }) =>
    send<object>('delete', `/storage/buckets/${at(bucketId, 'files', fileId)}`),
  getFileDownload: ({
    bucketId,
    fileId,
    token,
  }: {
    bucketId: string;
    fileId: string;
    token: string;
  }) => fileUrl(bucketId, fileId, 'download', { token }),
  getFilePreview: ({
    bucketId,
    fileId,
    ...size
  }: {
    bucketId: string;
    fileId: string;
    width: number;
    height: number;
  }) => fileUrl(bucketId, fileId, 'preview', size),
};
