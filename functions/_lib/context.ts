/**
 * Types for the context the open-runtimes Node runtime passes to a function's default export, as its
 * `server.js` builds it (see ../../../shared/reference/appwrite-facts.md §3.1 in the handbook).
 * The runtime ships no types of its own, so these are ours; a test fake implements them too.
 */

/** What a `res.*` helper returns and what the function must return: the runtime sends it as is. */
export interface RuntimeResponse {
  /** The runtime's helpers always produce bytes (`text` and `json` encode to UTF-8). */
  body: Uint8Array;
  statusCode: number;
  headers: Record<string, string>;
}

/** The incoming execution. Header names are lower-cased; `x-open-runtimes-*` headers are removed. */
export interface RuntimeRequest {
  readonly bodyBinary: Uint8Array;
  readonly bodyText: string;
  /** `JSON.parse(bodyText)`: throws on malformed input, so functions read `bodyText` instead. */
  readonly bodyJson: unknown;
  /** JSON for an `application/json` content type (`{}` if empty), bytes for binary types, else text. */
  readonly body: unknown;
  /** The same as `bodyText`. */
  readonly bodyRaw: string;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly method: string;
  readonly host: string;
  readonly scheme: string;
  readonly port: number;
  /** The URL path without the query string, not decoded. */
  readonly path: string;
  readonly queryString: string;
  /** Split naively on `&` and `=`; values are not URL-decoded. */
  readonly query: Readonly<Record<string, string>>;
  readonly url: string;
}

/** The response helpers; each builds a value to return, none of them sends anything. */
export interface RuntimeResponseHelpers {
  send(body: unknown, statusCode?: number, headers?: Record<string, string>): RuntimeResponse;
  text(body: string, statusCode?: number, headers?: Record<string, string>): RuntimeResponse;
  binary(bytes: Uint8Array, statusCode?: number, headers?: Record<string, string>): RuntimeResponse;
  /** Sets `content-type: application/json`. */
  json(value: unknown, statusCode?: number, headers?: Record<string, string>): RuntimeResponse;
  /** 204 with an empty body. */
  empty(): RuntimeResponse;
  /** Sets `location`; 301 unless told otherwise. */
  redirect(url: string, statusCode?: number, headers?: Record<string, string>): RuntimeResponse;
}

/**
 * The argument of the function's default export. `log` and `error` write to the execution's logs;
 * the runtime JSON-encodes anything that is not a string (an `Error` becomes `{}`) and cuts each call
 * at 8000 characters.
 */
export interface RuntimeContext {
  readonly req: RuntimeRequest;
  readonly res: RuntimeResponseHelpers;
  log(message: unknown): void;
  error(message: unknown): void;
}

/** The default export the runtime calls: it awaits the result and sends it. */
export type RuntimeFunction = (context: RuntimeContext) => Promise<RuntimeResponse>;
