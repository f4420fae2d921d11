import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  packState,
  StateArchiveError,
  snapshotState,
  unpackState,
  workFolder,
} from '../../core/local-state/archive.ts';
import { moveStateIn } from '../../core/local-state/swap.ts';
import { parseCookies } from '../../core/platform/cookies.ts';
import { AppwriteError } from '../../core/platform/errors.ts';
import { FOLDER_MODE } from '../../core/platform/private-files.ts';
import type { Project } from '../../core/project.ts';
import { requiredString } from '../platform/params.ts';

/**
 * The local state routes — not Appwrite routes; Appwrite has no API for them:
 *
 * | route | answer |
 * |---|---|
 * | `GET /v1/local/export` | 200 `application/octet-stream`, `<projectId>-<stamp>.appwrite-local`: the whole state in one file (core/local-state/archive.ts) |
 * | `POST /v1/local/import` | 204 once the state is the file's (raw `application/octet-stream` body, at most 4 GiB, unpacked as it arrives); a bad file is 400 and nothing changes |
 * | `POST /v1/local/reset` | 204 once the state is empty; JSON `{"confirm": "<projectId>"}`, anything else is 400 |
 *
 * Only the console session may call them (the `a_session_console` cookie; http/platform/cors.ts
 * refuses any origin but the server's own): an API key, a user or a guest is 401
 * `general_unauthorized_scope`. The console account, its sessions and the API keys survive an import
 * or a reset (core/local-state/swap.ts).
 */

/** How the app replaces its state (app.ts): closes the project, runs `fill`, opens a new one. */
export interface LocalStateControl {
  replace(fill: (dataDir: string) => void): Promise<void>;
}

/** The largest import accepted. */
export const MAX_IMPORT_BYTES = 4 * 1024 ** 3;

export function registerLocalState(
  app: FastifyInstance,
  project: Project,
  control: LocalStateControl,
): void {
  const optional = { config: { project: 'optional' as const } };

  app.get('/local/export', optional, async (request, reply) => {
    const dataDir = requireConsole(request, project);
    const staging = join(workFolder(dataDir), `export-${randomBytes(6).toString('hex')}`);
    const manifest = snapshotState(project.db, dataDir, project.projectId, staging);
    const stream = packState(staging);
    const cleanUp = () => rmSync(staging, { recursive: true, force: true });
    stream.once('end', cleanUp);
    stream.once('error', cleanUp);
    reply.raw.once('close', cleanUp);
    const stamp = manifest.exportedAt.replace(/[-:]/g, '').replace(/\.\d+/, '');
    return reply
      .header('content-type', 'application/octet-stream')
      .header(
        'content-disposition',
        `attachment; filename="${project.projectId}-${stamp}.appwrite-local"`,
      )
      .header('cache-control', 'no-store')
      .send(stream);
  });

  app.register(async (scope) => {
    // The body is unpacked as it arrives, never held in memory: the parser hands the raw stream over.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, payload, done) => done(null, payload));
    scope.post(
      '/local/import',
      { ...optional, bodyLimit: MAX_IMPORT_BYTES },
      async (request, reply) => {
        const dataDir = requireConsole(request, project);
        const type = String(request.headers['content-type'] ?? '')
          .split(';')[0]
          ?.trim();
        if (type !== 'application/octet-stream') {
          throw new AppwriteError(
            'general_argument_invalid',
            'Send the state file as the raw body, Content-Type: application/octet-stream.',
          );
        }
        const work = workFolder(dataDir);
        mkdirSync(work, { recursive: true, mode: FOLDER_MODE });
        const staging = join(work, `import-${randomBytes(6).toString('hex')}`);
        try {
          await unpackState(bounded(request.body as Readable), staging);
          await control.replace((target) => moveStateIn(staging, target));
        } catch (error) {
          if (error instanceof StateArchiveError) {
            throw new AppwriteError('general_argument_invalid', error.message);
          }
          throw error;
        } finally {
          rmSync(staging, { recursive: true, force: true });
        }
        return reply.code(204).send();
      },
    );
  });

  app.post('/local/reset', optional, async (request, reply) => {
    requireConsole(request, project);
    const confirm = requiredString(request.body as Record<string, unknown>, 'confirm', 0, 256);
    if (confirm !== project.projectId) {
      throw new AppwriteError(
        'general_argument_invalid',
        `To reset, send {"confirm": "${project.projectId}"}.`,
      );
    }
    await control.replace(() => {});
    return reply.code(204).send();
  });
}

/**
 * The body, refused past MAX_IMPORT_BYTES (it is unpacked as it arrives, never held whole). A
 * Transform, not an async generator: the body comes in small chunks and a generator costs a few
 * promises each (a measurable part of an import; bench/local-state.ts).
 */
function bounded(body: Readable): Readable {
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (bytes > MAX_IMPORT_BYTES) {
        done(new AppwriteError('general_argument_invalid', 'The state file is over 4 GiB.'));
      } else done(null, chunk);
    },
  });
  body.once('error', (error) => counter.destroy(error));
  return body.pipe(counter);
}

/**
 * The caller must be the signed-in local console (its cookie); answers the data folder. A project
 * kept in memory has no state to export or replace.
 */
export function requireConsole(request: FastifyRequest, project: Project): string {
  const value = parseCookies(request.headers.cookie).get('a_session_console');
  if (!value || !project.consoleAccounts.verify(value)) {
    throw new AppwriteError(
      'general_unauthorized_scope',
      'Only the signed-in local console may export, import or reset the state.',
    );
  }
  if (!project.dataDir) {
    throw new AppwriteError(
      'general_not_implemented',
      'This local Appwrite keeps its state in memory: start it with a data folder.',
    );
  }
  return project.dataDir;
}
