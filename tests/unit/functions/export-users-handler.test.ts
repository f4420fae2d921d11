import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { AppwriteException } from 'node-appwrite';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import { csvRecord, USER_CSV_HEADER, userRecord } from '../../../functions/export-users/src/csv.ts';
import {
  DOWNLOAD_TTL_MS,
  EXPORT_PAGE,
  failureReason,
  progressOf,
  runExport,
} from '../../../functions/export-users/src/export-handler.ts';
import { parseCsv } from '../../support/csv.ts';
import { FakeExportRepo, manyUsers } from './export-users-fake-repo.ts';
import { execute } from './fake-runtime.ts';

/**
 * `export-users` in-process: a queued job becomes a CSV in `exports` (read back from what was
 * uploaded), page by page with progress in the job's row; a replay does nothing; a failure says why
 * in plain words and leaves no file, no temp file and no detail in the answer.
 */

const NOW = new Date('2026-11-29T12:00:00.000Z');
let temp: string;

beforeEach(() => {
  temp = mkdtempSync(join(tmpdir(), 'agora-export-test-'));
});
afterEach(() => rmSync(temp, { recursive: true, force: true }));

function run(repo: FakeExportRepo, body: string) {
  const handler = createHandler({
    'POST /': runExport({ repoFor: () => repo, now: () => NOW, tempDir: () => temp }),
  });
  return execute(handler, {
    method: 'POST',
    path: '/',
    body,
    headers: { 'content-type': 'application/json' },
  });
}

describe('export-users in-process', () => {
  test('a queued job of 1,234 users → the CSV in exports for the admin, a token, progress per page', async () => {
    const repo = new FakeExportRepo();
    repo.users = manyUsers(1234);
    repo.addJob('job-1', { requestedBy: 'admin-1' });
    const result = await run(repo, '{"jobId":"job-1"}');
    expect(result.statusCode, result.text).toBe(200);
    expect(result.json()).toEqual({ jobId: 'job-1', status: 'succeeded', processed: 1234 });

    const file = repo.files.get('job-1');
    expect(file?.readerId).toBe('admin-1');
    expect(file?.name).toBe('users-2026-11-29.csv');
    const expected =
      csvRecord(USER_CSV_HEADER) + repo.users.map((user) => userRecord(user, 'admin')).join('');
    expect(file?.content).toBe(expected);
    const rows = parseCsv(file?.content ?? '');
    expect(rows[0]).toEqual([...USER_CSV_HEADER]);
    expect(rows[1]).toEqual([
      'user-000000',
      'Name 0',
      'user-000000@example.com',
      'true',
      'true',
      'true',
      '2026-01-01T00:00:00.000+00:00',
    ]);

    const pages = Math.ceil(1234 / EXPORT_PAGE);
    expect(repo.lists).toHaveLength(pages);
    expect(repo.updates[0]).toMatchObject({ status: 'running', progress: 0, processed: 0 });
    const steps = repo.updates.slice(1, 1 + pages);
    expect(steps.map((step) => step.processed)).toEqual([500, 1000, 1234]);
    expect(steps.map((step) => step.progress)).toEqual([40, 81, 99]);
    expect(steps.every((step) => step.total === 1234)).toBe(true);

    const job = repo.jobs.get('job-1');
    expect(job).toMatchObject({
      status: 'succeeded',
      progress: 100,
      processed: 1234,
      total: 1234,
      fileId: 'job-1',
      downloadToken: 'token-for-job-1',
      downloadExpiresAt: new Date(NOW.getTime() + DOWNLOAD_TTL_MS).toISOString(),
      error: null,
    });
    expect(repo.tokens.get('token-for-job-1')?.expire).toBe(job?.downloadExpiresAt);
    expect(readdirSync(temp)).toEqual([]);
  });

  test('the job’s search filters the users listed', async () => {
    const repo = new FakeExportRepo();
    repo.users = manyUsers(30);
    repo.addJob('job-s', { search: 'Name 2' });
    const result = await run(repo, '{"jobId":"job-s"}');
    expect(result.statusCode).toBe(200);
    expect(repo.lists.every((call) => call.search === 'Name 2')).toBe(true);
    const rows = parseCsv(repo.files.get('job-s')?.content ?? '');
    expect(rows.slice(1).map((row) => row[1])).toEqual([
      'Name 2',
      'Name 20',
      'Name 21',
      'Name 22',
      'Name 23',
      'Name 24',
      'Name 25',
      'Name 26',
      'Name 27',
      'Name 28',
      'Name 29',
    ]);
  });

  test('no users → a CSV of the header alone; progress 100', async () => {
    const repo = new FakeExportRepo();
    repo.addJob('job-0');
    await run(repo, '{"jobId":"job-0"}');
    expect(repo.files.get('job-0')?.content).toBe(csvRecord(USER_CSV_HEADER));
    expect(repo.jobs.get('job-0')).toMatchObject({ status: 'succeeded', progress: 100, total: 0 });
  });

  test('past 5,000 users the total comes from the stats counter; with a search it is unknown', async () => {
    const repo = new FakeExportRepo();
    repo.users = manyUsers(5600);
    repo.statsUsers = 5600;
    repo.addJob('job-a');
    repo.addJob('job-b', { search: 'Name' });
    await run(repo, '{"jobId":"job-a"}');
    expect(repo.updates[1]).toMatchObject({ total: 5600, processed: 500, progress: 8 });
    repo.updates.length = 0;
    await run(repo, '{"jobId":"job-b"}');
    expect(repo.updates[1]).toMatchObject({ total: null, processed: 500, progress: 0 });
    expect(repo.jobs.get('job-b')).toMatchObject({ status: 'succeeded', total: 5600 });
  });

  test.each(['running', 'succeeded', 'failed'] as const)(
    'a replayed execution of a %s job does nothing',
    async (status) => {
      const repo = new FakeExportRepo();
      repo.users = manyUsers(3);
      repo.addJob('job-r', { status });
      const result = await run(repo, '{"jobId":"job-r"}');
      expect(result.statusCode).toBe(200);
      expect(result.json()).toEqual({ jobId: 'job-r', status, skipped: true });
      expect(repo.updates).toEqual([]);
      expect(repo.lists).toEqual([]);
      expect(repo.files.size).toBe(0);
    },
  );

  test('running the same job twice in a row exports it once', async () => {
    const repo = new FakeExportRepo();
    repo.users = manyUsers(10);
    repo.addJob('job-twice');
    await run(repo, '{"jobId":"job-twice"}');
    const listed = repo.lists.length;
    await run(repo, '{"jobId":"job-twice"}');
    expect(repo.lists.length).toBe(listed);
    expect(repo.tokens.size).toBe(1);
  });

  test('two executions of one queued job at once → one exports, the other skips', async () => {
    const repo = new FakeExportRepo();
    repo.users = manyUsers(1200);
    repo.addJob('job-twin');
    const [a, b] = await Promise.all([
      run(repo, '{"jobId":"job-twin"}'),
      run(repo, '{"jobId":"job-twin"}'),
    ]);
    const outcomes = [a.json(), b.json()] as { skipped?: boolean; status: string }[];
    expect(outcomes.filter((outcome) => outcome.skipped)).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === 'succeeded')).toHaveLength(1);
    expect(repo.lists).toHaveLength(Math.ceil(1200 / EXPORT_PAGE));
    expect(repo.tokens.size).toBe(1);
    expect(repo.jobs.get('job-twin')).toMatchObject({ status: 'succeeded', claims: 1 });
  });

  test('a missing job → 404 row_not_found; a bad body → 400 fields.jobId', async () => {
    const repo = new FakeExportRepo();
    const missing = await run(repo, '{"jobId":"nope"}');
    expect([missing.statusCode, (missing.json() as { type: string }).type]).toEqual([
      404,
      'row_not_found',
    ]);
    const bad = await run(repo, '{"jobId":"../x"}');
    expect(bad.statusCode).toBe(400);
    expect(Object.keys((bad.json() as { fields: object }).fields)).toEqual(['jobId']);
  });

  test('a failure mid-way → job failed with a plain reason, no file, no temp file, no detail out', async () => {
    const repo = new FakeExportRepo();
    repo.users = manyUsers(1200);
    repo.failListAt = 2;
    repo.addJob('job-f');
    const result = await run(repo, '{"jobId":"job-f"}');
    expect(result.statusCode).toBe(500);
    expect(result.text).not.toContain('standard_abc');
    expect(result.text).not.toContain('    at ');
    const job = repo.jobs.get('job-f');
    expect(job).toMatchObject({ status: 'failed', fileId: null, downloadToken: null });
    expect(job?.error).toBe('The export stopped on an unexpected error.');
    expect(repo.deleted).toEqual(['job-f']);
    expect(readdirSync(temp)).toEqual([]);
    expect(result.errors.join('\n')).toContain('users.list failed');
  });

  test('a failed upload → the partial file is deleted; the reason is what Appwrite said', async () => {
    const repo = new FakeExportRepo();
    repo.users = manyUsers(5);
    repo.failUpload = new AppwriteException(
      'The file size is larger than the bucket allows.',
      400,
      'storage_invalid_file_size',
    );
    repo.addJob('job-u');
    const result = await run(repo, '{"jobId":"job-u"}');
    expect(result.statusCode).toBe(500);
    expect(repo.files.has('job-u')).toBe(false);
    expect(repo.jobs.get('job-u')?.error).toBe(
      'Appwrite answered 400 (storage_invalid_file_size): The file size is larger than the bucket allows.',
    );
  });

  test('progress never says 100 before the end, and never exceeds 99 when the count was low', () => {
    fc.assert(
      fc.property(fc.nat(10_000_000), fc.option(fc.nat(10_000_000)), (processed, total) => {
        const progress = progressOf(processed, total);
        expect(progress).toBeGreaterThanOrEqual(0);
        expect(progress).toBeLessThanOrEqual(99);
      }),
    );
  });

  test('a reason is at most 500 characters', () => {
    const long = new AppwriteException('x'.repeat(2000), 500, 'general_server_error');
    expect(failureReason(long).length).toBe(500);
  });

  test('any body → never a 5xx and no write unless it names a queued job', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.json(), fc.string()), async (body) => {
        const repo = new FakeExportRepo();
        repo.addJob('job-1', { status: 'succeeded' });
        const result = await run(repo, body);
        expect(result.statusCode, result.text).toBeLessThan(500);
        expect(repo.updates).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });
});
