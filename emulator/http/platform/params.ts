import { AppwriteError } from '../../core/platform/errors.ts';

/**
 * Readers for body and query parameters. Each throws 400 `general_argument_invalid` naming the
 * parameter, which is what Appwrite's validators answer, so handlers stay guard-clause short.
 */

type Source = unknown;

function field(source: Source, name: string): unknown {
  return source && typeof source === 'object'
    ? (source as Record<string, unknown>)[name]
    : undefined;
}

function invalid(name: string, what: string): AppwriteError {
  return new AppwriteError('general_argument_invalid', `Invalid \`${name}\` param: ${what}`);
}

/** A required string parameter (optionally with a length range). */
export function requiredString(source: Source, name: string, min = 0, max = 16_384): string {
  const value = field(source, name);
  if (value === undefined || value === null) {
    throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
  }
  if (typeof value !== 'string') throw invalid(name, 'must be a string.');
  if (value.length < min || value.length > max) {
    throw invalid(name, `must be between ${min} and ${max} characters long.`);
  }
  return value;
}

/** An optional string parameter; `fallback` when absent or null. */
export function optionalString(source: Source, name: string, fallback: string, max = 16_384) {
  const value = field(source, name);
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'string') throw invalid(name, 'must be a string.');
  if (value.length > max) throw invalid(name, `must be at most ${max} characters long.`);
  return value;
}

/** A boolean parameter (query strings carry `"true"`/`"false"`). */
export function requiredBoolean(source: Source, name: string): boolean {
  const value = field(source, name);
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  if (value === undefined || value === null) {
    throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
  }
  throw invalid(name, 'must be a boolean.');
}

/** An optional boolean parameter. */
export function optionalBoolean(source: Source, name: string, fallback: boolean): boolean {
  const value = field(source, name);
  return value === undefined || value === null ? fallback : requiredBoolean(source, name);
}

/** An optional integer parameter within a range. */
export function optionalInteger(
  source: Source,
  name: string,
  fallback: number,
  min: number,
  max: number,
) {
  const value = field(source, name);
  if (value === undefined || value === null || value === '') return fallback;
  const number = typeof value === 'string' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    throw invalid(name, `must be an integer between ${min} and ${max}.`);
  }
  return number;
}

/** An array of strings (a query string may carry an array as an object of indices). */
export function stringArray(source: Source, name: string, fallback: string[] | null = null) {
  let value = field(source, name);
  if ((value === undefined || value === null) && fallback) return fallback;
  if (value && typeof value === 'object' && !Array.isArray(value)) value = Object.values(value);
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'string')) {
    if (value === undefined || value === null) {
      throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
    }
    throw invalid(name, 'must be an array of strings.');
  }
  return value as string[];
}

/** An object parameter (prefs); arrays are not objects here. */
export function requiredObject(source: Source, name: string): Record<string, unknown> {
  const value = field(source, name);
  if (value === undefined || value === null) {
    throw new AppwriteError('general_argument_invalid', `Param "${name}" is not optional.`);
  }
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(name, 'must be an object.');
  return value as Record<string, unknown>;
}

const EMAIL = /^[^\s@"<>(),;:\\[\]]+@[^\s@"<>(),;:\\[\]]+\.[^\s@"<>(),;:\\[\]]+$/;

/** A required email address (Appwrite's Email validator: a plausible address, at most 254 chars). */
export function requiredEmail(source: Source, name: string): string {
  const value = requiredString(source, name, 1, 254);
  if (!EMAIL.test(value)) throw invalid(name, 'must be a valid email address.');
  return value;
}

/** A required password: 8 to 256 characters, as Appwrite's default Password validator. */
export function requiredPassword(source: Source, name: string): string {
  const value = field(source, name);
  if (typeof value === 'string' && (value.length < 8 || value.length > 256)) {
    throw invalid(name, 'password must be between 8 and 256 characters long.');
  }
  return requiredString(source, name, 8, 256);
}

/** A required URL (http or https), used for the links put in verification and recovery mail. */
export function requiredUrl(source: Source, name: string): string {
  const value = requiredString(source, name, 1, 2048);
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // fall through
  }
  throw invalid(name, 'must be a valid http or https URL.');
}
