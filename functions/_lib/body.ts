import type * as z from 'zod/mini';
import { fieldsFromIssues } from '#shared/errors.ts';
import { AppError } from './app-error.ts';
import type { RuntimeRequest } from './context.ts';

/**
 * The largest body a route reads, in UTF-8 bytes. Agora's inputs are a post or a comment (a few KiB
 * at most); 64 KiB leaves room for them and keeps a hostile body from costing parse time and memory.
 * Appwrite accepts execution bodies up to 10 MB, so the limit has to be ours.
 */
export const MAX_BODY_BYTES = 64 * 1024;

/**
 * Reads a JSON body from `bodyText`. We never touch the runtime's `bodyJson`: it throws on malformed
 * input, which would surface as a bare 500. An empty (or blank) body is `undefined`.
 */
export function readJson(bodyText: string): unknown {
  if (Buffer.byteLength(bodyText, 'utf8') > MAX_BODY_BYTES) {
    throw new AppError(
      'general_bad_request',
      `The request body is larger than ${MAX_BODY_BYTES / 1024} KiB.`,
    );
  }
  if (bodyText.trim() === '') return undefined;
  try {
    return JSON.parse(bodyText);
  } catch {
    throw new AppError('general_bad_request', 'The request body is not valid JSON.');
  }
}

/**
 * Reads the body and checks it against `schema` (a strict shared schema). An empty body counts as
 * `{}`, so a route whose fields are all optional accepts it and any other names the missing fields.
 * A failure is a 400 `general_argument_invalid` with `fields` saying which field broke which rule.
 */
export function parseInput<Schema extends z.ZodMiniType>(
  schema: Schema,
  bodyText: string,
): z.output<Schema> {
  const result = schema.safeParse(readJson(bodyText) ?? {});
  if (!result.success) {
    throw new AppError(
      'general_argument_invalid',
      'One or more fields are invalid.',
      fieldsFromIssues(result.error.issues),
    );
  }
  return result.data;
}

/** A route without a body refuses one that is not empty or `{}`: nothing is silently ignored. */
export function noBody(req: RuntimeRequest): void {
  const body = readJson(req.bodyText);
  if (body === undefined) return;
  if (typeof body === 'object' && body !== null && Object.keys(body).length === 0) return;
  throw new AppError('general_bad_request', 'This route takes no body.');
}
