import { ERROR_CODES, type ErrorTypeName } from './error-types.ts';

/**
 * The one error the local Appwrite throws on purpose. It carries an Appwrite error type; the HTTP layer
 * turns it into `{message, code, type, version}` in a single place. Anything else that escapes is a bug
 * and is answered as `general_unknown` 500 without its message.
 */
export class AppwriteError extends Error {
  readonly type: ErrorTypeName;
  readonly code: number;

  constructor(type: ErrorTypeName, message: string) {
    super(message);
    this.name = 'AppwriteError';
    this.type = type;
    this.code = ERROR_CODES[type];
  }
}
