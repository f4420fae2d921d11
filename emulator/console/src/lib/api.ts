/**
 * The console's one way to the server: Appwrite's REST API on this page's origin, as Appwrite's own
 * console calls it — the `a_session_console` cookie (sent by the browser), `X-Appwrite-Mode: admin`
 * and `X-Appwrite-Project` — plus the documented `/v1/local/…` routes. Answers are read in format
 * 1.9.5, the server's own models. Errors keep Appwrite's `{message, code, type}`.
 */

/** The project this server serves (http/console/files.ts writes it into the page). */
export const PROJECT_ID =
  document.querySelector<HTMLMetaElement>('meta[name="appwrite-project"]')?.content ?? 'local';

/** The endpoint, as SDKs and the CLI are told it. */
export const ENDPOINT = `${location.origin}/v1`;

/** An Appwrite error body as an exception. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly type: string,
  ) {
    super(message);
  }
}

export type Query = Record<string, string | number | boolean | string[] | undefined>;

function queryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      value.forEach((item, index) => {
        params.append(`${name}[${index}]`, item);
      });
    } else params.append(name, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The headers every admin call carries. */
export function adminHeaders(project = PROJECT_ID): Record<string, string> {
  return {
    'x-appwrite-project': project,
    'x-appwrite-mode': 'admin',
    'x-appwrite-response-format': '1.9.5',
  };
}

async function failure(response: Response): Promise<ApiError> {
  const text = await response.text();
  try {
    const body = JSON.parse(text) as { message?: string; type?: string };
    return new ApiError(body.message ?? text, response.status, body.type ?? 'unknown');
  } catch {
    return new ApiError(text || response.statusText, response.status, 'unknown');
  }
}

/** Options of one call. */
export interface CallOptions {
  query?: Query;
  body?: unknown;
  headers?: Record<string, string>;
  /** `console` for the console account's own routes (sign-in). */
  project?: string;
}

/** The raw response of a call, thrown as `ApiError` unless 2xx. */
export async function send(method: string, path: string, options: CallOptions = {}) {
  const headers: Record<string, string> = { ...adminHeaders(options.project), ...options.headers };
  let body: BodyInit | undefined;
  if (options.body instanceof Blob || options.body instanceof ArrayBuffer) {
    body = options.body;
  } else if (options.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(options.body);
  }
  const response = await fetch(`${ENDPOINT}${path}${queryString(options.query)}`, {
    method,
    headers,
    body,
    credentials: 'same-origin',
  });
  if (!response.ok) throw await failure(response);
  return response;
}

/** A call answering JSON (or nothing, for 204). */
export async function call<T = Record<string, unknown>>(
  method: string,
  path: string,
  options: CallOptions = {},
): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** `GET` shorthand. */
export const get = <T = Record<string, unknown>>(path: string, query?: Query) =>
  call<T>('GET', path, { query });

/** Appwrite's JSON queries (what `Query.equal(…)` and friends serialise to). */
export const q = {
  limit: (n: number) => JSON.stringify({ method: 'limit', values: [n] }),
  offset: (n: number) => JSON.stringify({ method: 'offset', values: [n] }),
  cursorAfter: (id: string) => JSON.stringify({ method: 'cursorAfter', values: [id] }),
  cursorBefore: (id: string) => JSON.stringify({ method: 'cursorBefore', values: [id] }),
  orderAsc: (attribute: string) => JSON.stringify({ method: 'orderAsc', attribute }),
  orderDesc: (attribute: string) => JSON.stringify({ method: 'orderDesc', attribute }),
  where: (method: string, attribute: string, values: unknown[]) =>
    JSON.stringify({ method, attribute, values }),
};

/** An error as one line for the screen. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) return `${error.message} (${error.code} ${error.type})`;
  return error instanceof Error ? error.message : String(error);
}

/** A list answer: `total` and the named array. */
export type List<K extends string, T> = { total: number } & Record<K, T[]>;
