import type * as z from 'zod/mini';
import { AGORA_VERSION } from './version.ts';

/**
 * The error types Agora's functions answer with. They are Appwrite's own type names with Appwrite's
 * HTTP codes (Appwrite's list: tests/unit/fixtures/appwrite-error-types.tsv), so one client-side
 * mapping covers errors from Appwrite itself and from our functions alike.
 */
export const ErrorType = {
  /** The body is not JSON, or not the JSON object the route expects. */
  badRequest: 'general_bad_request',
  /** The body parsed, but a field broke a rule; `fields` says which. */
  argumentInvalid: 'general_argument_invalid',
  routeNotFound: 'general_route_not_found',
  /** The caller is not signed in, or lacks the role the route needs. */
  unauthorized: 'user_unauthorized',
  userNotFound: 'user_not_found',
  userAlreadyExists: 'user_already_exists',
  userBlocked: 'user_blocked',
  /** The member must verify their email address first (posting, commenting, liking). */
  userEmailNotVerified: 'user_email_not_verified',
  /** A recovery or verification secret that is wrong, used or expired (Appwrite's own type). */
  userInvalidToken: 'user_invalid_token',
  /** Appwrite's password history refused the new password. */
  passwordRecentlyUsed: 'password_recently_used',
  /** Appwrite's personal-data check refused the new password (it contains the name, email, …). */
  passwordPersonalData: 'password_personal_data',
  rowNotFound: 'row_not_found',
  fileNotFound: 'storage_file_not_found',
  rateLimited: 'general_rate_limit_exceeded',
  /** Something failed on our side; the message never carries the cause. */
  serverError: 'general_server_error',
  /** A dependency (database, storage) is down: health answers with this. */
  unavailable: 'general_service_disabled',
} as const;
export type ErrorType = (typeof ErrorType)[keyof typeof ErrorType];

/** The HTTP status each error type is answered with (Appwrite's codes for the same types). */
export const errorStatus: Record<ErrorType, number> = {
  general_bad_request: 400,
  general_argument_invalid: 400,
  general_route_not_found: 404,
  user_unauthorized: 401,
  user_not_found: 404,
  user_already_exists: 409,
  user_blocked: 403,
  user_email_not_verified: 400,
  user_invalid_token: 401,
  password_recently_used: 400,
  password_personal_data: 400,
  row_not_found: 404,
  storage_file_not_found: 404,
  general_rate_limit_exceeded: 429,
  general_server_error: 500,
  general_service_disabled: 503,
};

/** One field's failure: `code` is the stable key the UI translates, `message` a fallback in English. */
export interface FieldError {
  code: string;
  message: string;
}

/** Field errors keyed by the dotted path of the field: `{ "tags.2": {...} }`. */
export type FieldErrors = Record<string, FieldError>;

/** The one error shape every Agora function answers with; Appwrite's own plus `fields` for validation. */
export interface ErrorBody {
  message: string;
  code: number;
  type: string;
  version: string;
  fields?: FieldErrors;
}

/** Builds an error body for `type`, with Appwrite's status for it. */
export function errorBody(type: ErrorType, message: string, fields?: FieldErrors): ErrorBody {
  const body: ErrorBody = { message, code: errorStatus[type], type, version: AGORA_VERSION };
  if (fields) body.fields = fields;
  return body;
}

/**
 * Turns Zod issues into `fields`. An issue at the object's root (an unknown key, say) is keyed by
 * the offending key when Zod names it, else by `""`. The first issue per field wins: it is the one a
 * form shows.
 */
export function fieldsFromIssues(issues: readonly z.core.$ZodIssue[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of issues) {
    const keys = issue.code === 'unrecognized_keys' ? issue.keys : [''];
    for (const key of keys) {
      const path = [...issue.path.map(String), ...(key ? [key] : [])].join('.');
      if (Object.hasOwn(fields, path)) continue;
      // defineProperty, not `=`: a key named `__proto__` (JSON.parse makes it an own key) must be
      // named in `fields` rather than swap the object's prototype.
      Object.defineProperty(fields, path, {
        value: { code: issueCode(issue), message: issue.message },
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
  }
  return fields;
}

/** A stable code per failure: a custom check's `params.code` when it set one, else Zod's own code. */
function issueCode(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' && typeof issue.params?.code === 'string') return issue.params.code;
  return issue.code;
}
