import { type ErrorType, errorBody, errorStatus, type FieldErrors } from '#shared/errors.ts';
import type { RuntimeContext, RuntimeResponse } from './context.ts';

/**
 * The one error a handler throws to answer with an error: an Appwrite error type, a message safe to
 * show the caller, and `fields` for validation failures. `createHandler` turns it into the response;
 * nothing else formats errors.
 */
export class AppError extends Error {
  override readonly name = 'AppError';

  /** Seconds the caller should wait before trying again (a 429): sent as `retry-after`. */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly type: ErrorType,
    message: string,
    readonly fields?: FieldErrors,
    options: { retryAfterSeconds?: number } = {},
  ) {
    super(message);
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }

  /** The HTTP status Appwrite answers this type with. */
  get status(): number {
    return errorStatus[this.type];
  }
}

/** The message for anything that is not an `AppError`: it never carries the cause. */
export const SERVER_ERROR_MESSAGE = 'Something went wrong on our side. Please try again later.';

/**
 * Answers `thrown` with Agora's error body. An `AppError` is answered as it says; anything else is a
 * bug or an outage, so the caller gets a generic 500 and the execution's error log gets the detail.
 */
export function errorResponse(context: RuntimeContext, thrown: unknown): RuntimeResponse {
  if (thrown instanceof AppError) {
    const headers: Record<string, string> =
      thrown.retryAfterSeconds === undefined
        ? {}
        : { 'retry-after': String(thrown.retryAfterSeconds) };
    return context.res.json(
      errorBody(thrown.type, thrown.message, thrown.fields),
      thrown.status,
      headers,
    );
  }
  context.error(describeError(thrown));
  return context.res.json(errorBody('general_server_error', SERVER_ERROR_MESSAGE), 500);
}

/**
 * A string for the execution's log, never for a response. The runtime JSON-encodes non-strings, which
 * turns an `Error` into `{}`, so we hand it the stack ourselves, with the `cause` chain if any.
 */
export function describeError(thrown: unknown, depth = 0): string {
  if (!(thrown instanceof Error)) return `Non-error thrown: ${String(thrown)}`;
  const text = thrown.stack ?? `${thrown.name}: ${thrown.message}`;
  if (thrown.cause === undefined || depth >= 3) return text;
  return `${text}\nCaused by: ${describeError(thrown.cause, depth + 1)}`;
}
