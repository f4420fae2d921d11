import { AppwriteException } from 'appwrite';
import { describe, expect, it } from 'vitest';
import {
  ApiError,
  errorFromBody,
  NETWORK_ERROR,
  toApiError,
} from '../../../client/src/lib/api-error.ts';
import { fieldMessage, messageFor } from '../../../client/src/lib/error-messages.ts';
import { ErrorType, errorBody } from '../../../shared/errors.ts';

describe('toApiError', () => {
  it('keeps an Appwrite exception’s type and status', () => {
    const error = toApiError(
      new AppwriteException('Invalid credentials', 401, 'user_invalid_credentials', ''),
    );
    expect(error).toBeInstanceOf(ApiError);
    expect([error.type, error.status]).toEqual(['user_invalid_credentials', 401]);
  });

  it('calls a failed fetch a network error', () => {
    expect(toApiError(new TypeError('Failed to fetch')).type).toBe(NETWORK_ERROR);
    expect(toApiError(new AppwriteException('Network request failed', 0, '', '')).isNetwork).toBe(
      true,
    );
  });
});

describe('errorFromBody (a function’s error answer)', () => {
  it('carries type, status and fields', () => {
    const body = errorBody(ErrorType.argumentInvalid, 'One or more fields are invalid.', {
      'tags.1': { code: 'invalid_tag', message: 'Letters, digits and inner hyphens only.' },
    });
    const error = errorFromBody(400, JSON.stringify(body));
    expect(error.type).toBe('general_argument_invalid');
    expect(error.status).toBe(400);
    expect(error.fields['tags.1']?.code).toBe('invalid_tag');
  });

  it('survives a body that is not JSON', () => {
    const error = errorFromBody(502, '<html>Bad gateway</html>');
    expect([error.type, error.status]).toEqual(['general_server_error', 502]);
    expect(error.fields).toEqual({});
  });
});

describe('messageFor', () => {
  it.each([
    ['user_invalid_credentials', 401, 'don’t match'],
    ['user_already_exists', 409, 'already exists'],
    ['general_rate_limit_exceeded', 429, 'a bit fast'],
    [NETWORK_ERROR, 0, 'connection'],
    ['user_blocked', 403, 'blocked'],
    ['user_invalid_token', 401, 'expired'],
  ])('%s → plain words', (type, status, words) => {
    expect(messageFor({ type, status })).toContain(words);
  });

  it('never shows a raw server message for unknown types', () => {
    expect(messageFor({ type: 'weird_internal_thing', status: 500 })).toBe(
      'Something went wrong on our side. Please try again.',
    );
    expect(messageFor({ type: 'weird_internal_thing', status: 418 })).toBe(
      'Something went wrong. Please try again.',
    );
  });
});

describe('fieldMessage', () => {
  it('translates known codes and falls back to the server’s message', () => {
    expect(fieldMessage({ code: 'password_digit', message: 'x' })).toBe('Needs a digit.');
    expect(fieldMessage({ code: 'too_small', message: 'At least 8 characters.' })).toBe(
      'At least 8 characters.',
    );
  });
});
