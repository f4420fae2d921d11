import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Client,
  ExecutionMethod,
  Functions,
  ID,
  type Models,
  Permission,
  Query,
  Role,
  Storage,
  TablesDB,
  Users,
} from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { deriveUserId } from '#lib/user-ids.ts';
import { CHUNK_BYTES, uploadInChunks } from '../../functions/export-users/src/export-repo.ts';
import { FunctionId, Route, routeRequest } from '../../shared/functions.ts';
import { BucketId, DATABASE_ID, TableId } from '../../shared/ids.ts';
import type { Job } from '../../shared/schemas/job.ts';
import { eventually } from '../support/accounts-function.ts';
import {
  createUsersInBulk,
  deployAdmin,
  executeAdmin,
  sessionUser,
  TEST_ID_SECRET,
} from '../support/admin-function.ts';
import { parseCsv } from '../support/csv.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The CSV export end to end on the local Appwrite: `POST /exports` as an admin queues a job and starts
 * `export-users` asynchronously; the job's row ends `succeeded` with a file token, and the CSV —
 * downloaded through the token link with plain `fetch`, no cookies, no key — holds every user, escaped.
 * Only the admin who asked can read the row and the file. A replay does nothing; a failure says why.
 */

const USERS = 300;

let server: LocalServer;
let keyClient: Client;
let tables: TablesDB;
let admin: Client;
let adminId: string;
let adminSecret: string;
let otherAdmin: Client;
let otherSecret: string;
let plain: Client;

async function startExport(body: unknown = {}): Promise<string> {
  const answer = await executeAdmin(admin, routeRequest(Route.admin.startExport), body);
  expect(answer.status, answer.text).toBe(202);
  return String(answer.body?.jobId);
}

async function jobRow(jobId: string): Promise<Job> {
  return (await tables.getRow({
    databaseId: DATABASE_ID,
    tableId: TableId.jobs,
    rowId: jobId,
  })) as unknown as Job;
}

async function finished(jobId: string): Promise<Job> {
  return eventually(
    `job ${jobId} to end`,
    async () => {
      const job = await jobRow(jobId);
      return job.status === 'succeeded' || job.status === 'failed' ? job : undefined;
    },
    60_000,
  );
}

function downloadUrl(job: Job): string {
  const query = new URLSearchParams({ project: server.projectId, token: job.downloadToken ?? '' });
  return `${server.endpoint}/storage/buckets/${BucketId.exports}/files/${job.fileId}/download?${query}`;
}

async function everyUser(): Promise<Models.User<Models.Preferences>[]> {
  const all: Models.User<Models.Preferences>[] = [];
  const users = new Users(keyClient);
  for (;;) {
    const queries = [Query.limit(100)];
    const last = all.at(-1);
    if (last) queries.push(Query.cursorAfter(last.$id));
    const page = await users.list({ queries });
    all.push(...page.users);
    if (page.users.length < 100) return all;
  }
}

/** What the CSV must say for a user, cell by cell, as a spreadsheet-safe reader sees it. */
function expectedRecord(user: Models.User<Models.Preferences>): string[] {
  const safe = (text: string) => (/^[=+\-@\t\r]/.test(text) ? `'${text}` : text);
  return [
    user.$id,
    safe(user.name),
    safe(user.email),
    String(user.emailVerification),
    String(!user.status),
    String(user.labels.includes('admin')),
    user.$createdAt,
  ];
}

/** What a Realtime socket signed in with `session` hears of `jobs` rows. */
async function listenToJobs(session: string): Promise<{ heard: Job[]; close: () => void }> {
  const url = `${server.endpoint.replace('http', 'ws')}/realtime?project=${server.projectId}`;
  const socket = new WebSocket(url, {
    headers: {
      'x-fallback-cookies': JSON.stringify({ [`a_session_${server.projectId}`]: session }),
    },
  });
  const heard: Job[] = [];
  let subscribed: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    subscribed = resolve;
  });
  socket.on('message', (data) => {
    const frame = JSON.parse(String(data));
    if (frame.type === 'connected') {
      socket.send(
        JSON.stringify({
          type: 'subscribe',
          data: [{ channels: [`databases.${DATABASE_ID}.tables.${TableId.jobs}.rows`] }],
        }),
      );
    }
    if (frame.type === 'response' && frame.data?.to === 'subscribe') subscribed();
    if (frame.type === 'event') heard.push(frame.data.payload as Job);
  });
  await ready;
  return { heard, close: () => socket.close() };
}

beforeAll(async () => {
  server = await startLocalServer();
  keyClient = await deployAdmin(server);
  tables = new TablesDB(keyClient);
  ({
    client: admin,
    userId: adminId,
    secret: adminSecret,
  } = await sessionUser(server, keyClient, ['admin']));
  ({ client: otherAdmin, secret: otherSecret } = await sessionUser(server, keyClient, ['admin']));
  ({ client: plain } = await sessionUser(server, keyClient));
  await createUsersInBulk(keyClient, USERS, () => deriveUserId(TEST_ID_SECRET));
}, 180_000);
afterAll(async () => server.close());

describe('CSV export end to end', () => {
  let jobId = '';
  let job: Job;

  test(`an export of ${USERS + 3} users → succeeded; the token link downloads the CSV without cookies`, async () => {
    const mine = await listenToJobs(adminSecret);
    const theirs = await listenToJobs(otherSecret);
    jobId = await startExport();
    job = await finished(jobId);
    await eventually('the succeeded event', async () =>
      mine.heard.some((heard) => heard.status === 'succeeded') ? true : undefined,
    );
    mine.close();
    theirs.close();
    // The asking admin's UI sees the job move over Realtime; another admin hears nothing of it.
    const statuses = mine.heard.filter((heard) => heard.$id === jobId).map((heard) => heard.status);
    expect(statuses[0]).toBe('queued');
    expect(statuses).toContain('running');
    expect(statuses.at(-1)).toBe('succeeded');
    expect(
      mine.heard.some((heard) => heard.status === 'running' && heard.processed === USERS + 3),
    ).toBe(true);
    expect(theirs.heard).toEqual([]);
    expect(job, job.error ?? '').toMatchObject({
      status: 'succeeded',
      progress: 100,
      processed: USERS + 3,
      total: USERS + 3,
      fileId: jobId,
      requestedBy: adminId,
      error: null,
    });
    expect(job.$permissions).toEqual([`read("user:${adminId}/verified")`]);
    expect(Date.parse(job.downloadExpiresAt ?? '') - Date.now()).toBeGreaterThan(23 * 3600_000);

    const response = await fetch(downloadUrl(job));
    expect(response.status).toBe(200);
    const text = await response.text();
    const [header, ...records] = parseCsv(text);
    expect(header).toEqual([
      'id',
      'name',
      'email',
      'emailVerified',
      'blocked',
      'admin',
      'createdAt',
    ]);
    expect(records).toEqual((await everyUser()).map(expectedRecord));
    expect(records.some((record) => record[1]?.startsWith(`'=HYPERLINK(`))).toBe(true);
    expect(text).toContain('"Name, ""8"""');
  }, 90_000);

  test('the link without its token, or with a forged one, is refused', async () => {
    const url = new URL(downloadUrl(job));
    url.searchParams.delete('token');
    expect((await fetch(url)).status).toBe(404);
    url.searchParams.set('token', `${job.downloadToken?.slice(0, -4)}AAAA`);
    expect([401, 404]).toContain((await fetch(url)).status);
  });

  test('only the admin who asked reads the job row and the file', async () => {
    const read = (client: Client) =>
      new TablesDB(client).getRow({ databaseId: DATABASE_ID, tableId: TableId.jobs, rowId: jobId });
    expect((await read(admin)).$id).toBe(jobId);
    await expect(read(otherAdmin)).rejects.toMatchObject({ code: 404 });
    await expect(read(plain)).rejects.toMatchObject({ code: 404 });
    const file = (client: Client) =>
      new Storage(client).getFile({ bucketId: BucketId.exports, fileId: jobId });
    expect((await file(admin)).$id).toBe(jobId);
    await expect(file(otherAdmin)).rejects.toMatchObject({ code: 404 });
    await expect(file(plain)).rejects.toMatchObject({ code: 404 });
    // Only while verified: whoever takes the id after the admin is deleted starts unverified.
    const users = new Users(keyClient);
    await users.updateEmailVerification({ userId: adminId, emailVerification: false });
    try {
      await expect(read(admin)).rejects.toMatchObject({ code: 404 });
      await expect(file(admin)).rejects.toMatchObject({ code: 404 });
    } finally {
      await users.updateEmailVerification({ userId: adminId, emailVerification: true });
    }
  });

  test('a replayed execution of the finished job does nothing', async () => {
    const execution = await new Functions(keyClient).createExecution({
      functionId: FunctionId.exportUsers,
      body: JSON.stringify({ jobId }),
      async: false,
      xpath: '/',
      method: ExecutionMethod.POST,
    });
    expect(JSON.parse(execution.responseBody)).toEqual({
      jobId,
      status: 'succeeded',
      skipped: true,
    });
    const after = await jobRow(jobId);
    expect([after.downloadToken, after.$updatedAt]).toEqual([job.downloadToken, job.$updatedAt]);
    const files = await new Storage(keyClient).listFiles({ bucketId: BucketId.exports });
    expect(files.total).toBe(1);
  });

  test('nobody may execute export-users directly (execute: [])', async () => {
    await expect(
      new Functions(admin).createExecution({
        functionId: FunctionId.exportUsers,
        body: JSON.stringify({ jobId }),
      }),
    ).rejects.toMatchObject({ code: 401 });
  });

  test('an export with a search holds only the matching users', async () => {
    const users = new Users(keyClient);
    for (const name of ['Zebulon One', 'Zebulon Two']) {
      await users.create({
        userId: deriveUserId(TEST_ID_SECRET),
        name,
        email: `${name.replace(' ', '.')}@example.com`,
      });
    }
    const searched = await finished(await startExport({ search: 'Zebulon' }));
    expect(searched.status, searched.error ?? '').toBe('succeeded');
    const text = await (await fetch(downloadUrl(searched))).text();
    const names = parseCsv(text)
      .slice(1)
      .map((record) => record[1]);
    expect(names.sort()).toEqual(['Zebulon One', 'Zebulon Two']);
  });

  test('two executions of one queued job at once → one runs it, the other skips', async () => {
    const row = await tables.createRow({
      databaseId: DATABASE_ID,
      tableId: TableId.jobs,
      rowId: ID.unique(),
      data: { kind: 'export-users', status: 'queued', requestedBy: adminId },
      permissions: [Permission.read(Role.user(adminId))],
    });
    const run = () =>
      new Functions(keyClient).createExecution({
        functionId: FunctionId.exportUsers,
        body: JSON.stringify({ jobId: row.$id }),
        async: false,
        xpath: '/',
        method: ExecutionMethod.POST,
      });
    const answers = (await Promise.all([run(), run()])).map(
      (execution) => JSON.parse(execution.responseBody) as { status: string; skipped?: boolean },
    );
    expect(answers.filter((answer) => answer.skipped === true)).toHaveLength(1);
    expect(
      answers.filter((answer) => answer.status === 'succeeded' && !answer.skipped),
    ).toHaveLength(1);
    expect(await jobRow(row.$id)).toMatchObject({ status: 'succeeded', claims: 1 });
  }, 60_000);

  test('a CSV over 5 MB goes up in chunks, one at a time, and comes back byte for byte', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'agora-chunks-'));
    try {
      const path = join(dir, 'big.csv');
      const bytes = Buffer.from(randomBytes(Math.floor((CHUNK_BYTES * 2.4) / 2)).toString('hex'));
      writeFileSync(path, bytes);
      await uploadInChunks(keyClient, {
        bucketId: BucketId.exports,
        fileId: 'chunked-upload',
        path,
        name: 'big.csv',
        permissions: [],
      });
      const storage = new Storage(keyClient);
      const stored = await storage.getFile({
        bucketId: BucketId.exports,
        fileId: 'chunked-upload',
      });
      expect([stored.sizeOriginal, stored.chunksTotal, stored.chunksUploaded]).toEqual([
        bytes.length,
        3,
        3,
      ]);
      const back = Buffer.from(
        await storage.getFileDownload({ bucketId: BucketId.exports, fileId: 'chunked-upload' }),
      );
      const digest = (data: Buffer) => createHash('sha256').update(data).digest('hex');
      expect(digest(back)).toBe(digest(bytes));
      await storage.deleteFile({ bucketId: BucketId.exports, fileId: 'chunked-upload' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failed export says why in plain words and leaves no file', async () => {
    await new Storage(keyClient).deleteBucket({ bucketId: BucketId.exports });
    const failed = await finished(await startExport());
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^Appwrite answered 404 \(storage_bucket_not_found\)/);
    expect(failed.error).not.toContain('    at ');
    expect([failed.fileId, failed.downloadToken]).toEqual([null, null]);
  });

  test('a fourth export in the hour → 429 with a retry hint and no job; another admin is not held back', async () => {
    const jobs = () => tables.listRows({ databaseId: DATABASE_ID, tableId: TableId.jobs });
    const before = (await jobs()).total;
    const answer = await executeAdmin(admin, routeRequest(Route.admin.startExport), {});
    expect([answer.status, answer.body?.type]).toEqual([429, 'general_rate_limit_exceeded']);
    expect(String(answer.body?.message)).toMatch(/Try again in \d+ seconds?\./);
    expect((await jobs()).total).toBe(before);
    const other = await executeAdmin(otherAdmin, routeRequest(Route.admin.startExport), {});
    expect(other.status, other.text).toBe(202);
  });
});
