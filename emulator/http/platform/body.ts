import type { FastifyInstance } from 'fastify';
import { AppwriteError } from '../../core/platform/errors.ts';
import { JSON_MAX_DEPTH, jsonNestsDeeper } from '../../core/platform/json-depth.ts';
import { parseQueryString } from '../../core/platform/query-string.ts';

/**
 * Request bodies. JSON is the SDKs' format for every non-GET call, including DELETE with no body, so
 * an empty JSON body is `{}` rather than an error; malformed JSON, or JSON nested deeper than 512
 * levels (core/platform/json-depth.ts), is 400 `general_argument_invalid`.
 * Form bodies are read with qs (Appwrite accepts them too). Other content types are left as a raw
 * Buffer for routes that want them (uploads register their own multipart parser).
 */
export function registerBodyParsers(app: FastifyInstance): void {
  app.removeContentTypeParser(['application/json', 'text/plain']);
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body);
    // An unknown route is a 404 whatever its body says.
    if (text.trim() === '' || request.is404) return done(null, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return done(
        new AppwriteError('general_argument_invalid', 'The request body is not valid JSON.'),
      );
    }
    if (jsonNestsDeeper(text)) {
      return done(
        new AppwriteError(
          'general_argument_invalid',
          `The request body nests deeper than ${JSON_MAX_DEPTH} levels.`,
        ),
      );
    }
    done(null, parsed);
  });
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => done(null, parseQueryString(String(body))),
  );
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
}
