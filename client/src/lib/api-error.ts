import { AppwriteException } from 'appwrite';
import type { FieldErrors } from '#shared/errors.ts';

/**
 * The one error type the app's calls throw: Appwrite's own errors (from the SDK) and Agora's function
 * errors (from an execution's response body) alike, plus `network_error` when no answer came.
 * `type` is the stable key (see shared/errors.ts and error-messages.ts); `fields` are a form's field
 * errors keyed by field path (`title`, `tags.2`).
 *
 *   try { … } catch (error) { const e = toApiError(error); form.fields = e.fields; toasts.error(e); }
 */
export class ApiError extends Error {
  readonly type: string;
  readonly status: number;
  readonly fields: FieldErrors;
  /** Already dealt with for the user (e.g. the session expired and they were sent to sign in). */
  handled = false;

  constructor(type: string, message: string, status: number, fields: FieldErrors = {}) {
    super(message);
    this.name = 'ApiError';
    this.type = type;
    this.status = status;
    this.fields = fields;
  }

  /** Whether no answer came at all (offline, DNS, connection reset), so a retry may help. */
  get isNetwork(): boolean {
    return this.type === NETWORK_ERROR;
  }
}

/** The `type` of an error where no answer came back. */
export const NETWORK_ERROR = 'network_error';

/** Turns anything thrown (SDK exception, fetch TypeError, ApiError) into an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof AppwriteException) {
    // The SDK reports a failed fetch as code 0 (or a TypeError's message) with no type.
    if (error.code === 0 || !error.type) {
      return new ApiError(NETWORK_ERROR, error.message, 0);
    }
    return new ApiError(error.type, error.message, error.code);
  }
  if (error instanceof TypeError) return new ApiError(NETWORK_ERROR, error.message, 0);
  const message = error instanceof Error ? error.message : String(error);
  return new ApiError('unknown_error', message, 0);
}

/** Parses an Agora/Appwrite error body (`{message, code, type, fields}`), tolerating junk. */
export function errorFromBody(status: number, text: string): ApiError {
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON: keep the status only.
  }
  if (body && typeof body === 'object') {
    const { type, message, fields } = body as Record<string, unknown>;
    return new ApiError(
      typeof type === 'string' ? type : statusType(status),
      typeof message === 'string' ? message : `Request failed (${status}).`,
      status,
      fields && typeof fields === 'object' ? (fields as FieldErrors) : {},
    );
  }
  return new ApiError(statusType(status), `Request failed (${status}).`, status);
}

function statusType(status: number): string {
  if (status === 401) return 'user_unauthorized';
  if (status === 404) return 'general_route_not_found';
  if (status === 429) return 'general_rate_limit_exceeded';
  if (status >= 500) return 'general_server_error';
  return 'general_bad_request';
}
