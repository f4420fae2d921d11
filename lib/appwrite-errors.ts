import { AppwriteException } from 'node-appwrite';

/** Whether `thrown` is Appwrite's answer with this HTTP status. */
export function isStatus(thrown: unknown, code: number): boolean {
  return thrown instanceof AppwriteException && thrown.code === code;
}

/** Whether `thrown` is Appwrite's answer with this error type (`column_limit_exceeded`, …). */
export function isType(thrown: unknown, type: string): boolean {
  return thrown instanceof AppwriteException && thrown.type === type;
}

/** The call's result, or `null` when Appwrite answers 404; anything else is thrown on. */
export async function orNull<T>(work: Promise<T> | (() => Promise<T>)): Promise<T | null> {
  try {
    return await (typeof work === 'function' ? work() : work);
  } catch (thrown) {
    if (isStatus(thrown, 404)) return null;
    throw thrown;
  }
}
