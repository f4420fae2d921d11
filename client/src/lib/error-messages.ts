import type { ApiError } from './api-error.ts';

/**
 * Plain-words messages for error `type`s (Appwrite's and Agora's, see shared/errors.ts), and for a
 * field error `code` (Zod's or a shared rule's). Anything unknown falls back to a calm generic line:
 * raw server messages are not shown in toasts.
 */
const byType: Record<string, string> = {
  network_error: 'Can’t reach Agora. Check your connection and try again.',
  user_invalid_credentials: 'That email and password don’t match. Try again.',
  user_blocked: 'This account is blocked. Contact an administrator.',
  user_already_exists: 'An account with this email already exists. Try signing in.',
  user_email_already_exists: 'An account with this email already exists. Try signing in.',
  user_session_already_exists: 'You’re already signed in.',
  user_unauthorized: 'You need to be signed in with the right account to do that.',
  user_email_not_verified: 'Verify your email address first. Settings can send the link again.',
  general_unauthorized_scope: 'Please sign in to continue.',
  user_not_found: 'We couldn’t find that account.',
  user_invalid_token: 'This link has expired or was already used. Ask for a new one.',
  user_password_recently_used: 'Choose a password you haven’t used recently.',
  user_password_personal_data: 'Your password must not contain your name or email.',
  password_recently_used: 'Choose a password you haven’t used recently.',
  password_personal_data: 'Your password must not contain your name or email.',
  general_argument_invalid: 'Some fields need attention.',
  general_bad_request: 'Something in that request wasn’t right. Please try again.',
  row_not_found: 'That item no longer exists.',
  document_not_found: 'That item no longer exists.',
  storage_file_not_found: 'That file no longer exists.',
  storage_file_type_unsupported: 'That file type isn’t supported.',
  storage_invalid_file_size: 'That file is too large.',
  general_rate_limit_exceeded: 'You’re going a bit fast. Wait a moment and try again.',
  general_route_not_found: 'That action isn’t available.',
  general_service_disabled: 'Agora is having trouble right now. Please try again shortly.',
  general_server_error: 'Something went wrong on our side. Please try again.',
  execution_timeout: 'That took too long. Please try again.',
};

/** The message to show for an error. */
export function messageFor(error: Pick<ApiError, 'type' | 'status'>): string {
  const known = byType[error.type];
  if (known) return known;
  if (error.status === 401) return byType.user_unauthorized as string;
  if (error.status >= 500) return byType.general_server_error as string;
  return 'Something went wrong. Please try again.';
}

const byFieldCode: Record<string, string> = {
  password_uppercase: 'Needs an upper-case letter.',
  password_lowercase: 'Needs a lower-case letter.',
  password_digit: 'Needs a digit.',
  invalid_tag: 'Tags use letters, digits and inner hyphens only.',
  duplicate_tag: 'Each tag only once.',
  invalid_id: 'Not a valid id.',
  empty_update: 'Change something first.',
};

/** The message for one field error: a known code's words, else the server's own message. */
export function fieldMessage(error: { code: string; message: string }): string {
  return byFieldCode[error.code] ?? error.message;
}
