import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../emulator/app.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * The upload protocol over raw HTTP, the way no SDK would send it: chunks in reverse order and
 * repeated, ranges that lie, files too big or of a refused type, ids that try to leave the storage
 * folder — each answered with Appwrite's error while the server keeps serving. And nothing is left
 * on disk by a deleted file, a deleted unfinished upload, or an upload abandoned long ago.
 */

const CHUNK = 5 * 1024 * 1024;
let server: LocalServer;
let root: string;

/** The Appwrite error type of a raw fetch response. */
async function typeOf(response: Response): Promise<string> {
  return ((await response.json()) as { type: string }).type;
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

/** Sends one multipart upload request as the SDKs build it. */
async function upload(
  bucketId: string,
  fields: { fileId?: string; name?: string; data?: Buffer; permissions?: string[] },
  headers: Record<string, string> = {},
) {
  const form = new FormData();
  if (fields.fileId !== undefined) form.append('fileId', fields.fileId);
  if (fields.data) form.append('file', new Blob([fields.data]), fields.name ?? 'upload.bin');
  for (const p of fields.permissions ?? []) form.append('permissions[]', p);
  const response = await fetch(`${server.endpoint}/storage/buckets/${bucketId}/files`, {
    method: 'POST',
    headers: {
      'x-appwrite-project': server.projectId,
      'x-appwrite-key': server.apiKey,
      ...headers,
    },
    body: form,
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) };
}

/** Chunk `n` (0-based) of `data`, with the headers an SDK sends for it. */
function chunk(data: Buffer, n: number, id: string) {
  const start = n * CHUNK;
  const end = Math.min(start + CHUNK, data.length);
  return {
    data: data.subarray(start, end),
    headers: { 'content-range': `bytes ${start}-${end - 1}/${data.length}`, 'x-appwrite-id': id },
  };
}

const key = () => ({ 'x-appwrite-key': server.apiKey });

beforeAll(async () => {
  server = await startLocalServer();
  root = join(server.app.emulator.dataDir as string, 'storage');
  await call(server, 'POST', '/storage/buckets', {
    headers: key(),
    body: { bucketId: 'media', name: 'Media' },
  });
  await call(server, 'POST', '/storage/buckets', {
    headers: key(),
    body: {
      bucketId: 'small',
      name: 'Small images',
      maximumFileSize: 1000,
      allowedFileExtensions: ['png'],
    },
  });
});
afterAll(() => server.close());

describe('chunks out of order', () => {
  it('assembles chunks sent in reverse order with one sent twice', async () => {
    const data = randomBytes(3 * CHUNK + 1234);
    const seen: Array<[number, number]> = [];
    // The first chunk opens the upload (the SDKs wait for its `$id`); the rest come last to first.
    for (const n of [0, 3, 2, 2, 1]) {
      const part = chunk(data, n, 'reverse');
      const res = await upload(
        'media',
        { fileId: 'reverse', name: 'r.bin', data: part.data },
        part.headers,
      );
      expect(res.status).toBe(201);
      seen.push([res.json.chunksUploaded, res.json.chunksTotal]);
    }
    // The repeated chunk counts once; the last response is the complete file.
    expect(seen).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [3, 4],
      [4, 4],
    ]);
    const again = chunk(data, 1, 'reverse');
    const retried = await upload('media', { fileId: 'reverse', data: again.data }, again.headers);
    expect([retried.status, retried.json.chunksUploaded]).toEqual([200, 4]);
    const back = await fetch(
      `${server.endpoint}/storage/buckets/media/files/reverse/download?project=${server.projectId}`,
      { headers: key() },
    );
    const bytes = Buffer.from(await back.arrayBuffer());
    expect(md5(bytes)).toBe(md5(data));
    expect(existsSync(join(root, '.uploads', 'media', 'reverse'))).toBe(false);
  });

  it('assembles chunks that all arrive at once after the first, duplicates included', async () => {
    const data = randomBytes(3 * CHUNK);
    const first = chunk(data, 0, 'burst');
    expect(
      (await upload('media', { fileId: 'burst', data: first.data }, first.headers)).status,
    ).toBe(201);
    const parts = [2, 1, 2, 1, 0].map((n) => chunk(data, n, 'burst'));
    const results = await Promise.all(
      parts.map((p) =>
        upload('media', { fileId: 'burst', name: 'b.bin', data: p.data }, p.headers),
      ),
    );
    expect(results.every((r) => r.status === 201 || r.status === 200)).toBe(true);
    expect(results.some((r) => r.json.chunksUploaded === 3)).toBe(true);
    const file = await call(server, 'GET', '/storage/buckets/media/files/burst', {
      headers: key(),
    });
    expect(file.json).toMatchObject({ chunksUploaded: 3, chunksTotal: 3, signature: md5(data) });
  });
});

describe('bad input is refused with Appwrite errors', () => {
  const data = randomBytes(2 * CHUNK);
  const cases: Array<[string, () => ReturnType<typeof upload>, number, string]> = [
    [
      'a range naming more bytes than were sent',
      () =>
        upload(
          'media',
          { fileId: 'lie1', data: data.subarray(0, 1000) },
          {
            'content-range': `bytes 0-${CHUNK - 1}/${data.length}`,
          },
        ),
      400,
      'storage_invalid_content_range',
    ],
    [
      'a range off the 5 MiB grid (overlapping its neighbours)',
      () =>
        upload(
          'media',
          { fileId: 'lie2', data: data.subarray(100, CHUNK + 100) },
          {
            'content-range': `bytes 100-${CHUNK + 99}/${data.length}`,
          },
        ),
      400,
      'storage_invalid_content_range',
    ],
    [
      'a range past the end of the file',
      () =>
        upload(
          'media',
          { fileId: 'lie3', data: data.subarray(0, 100) },
          {
            'content-range': 'bytes 0-99/50',
          },
        ),
      400,
      'storage_invalid_content_range',
    ],
    [
      'a range that is not a range',
      () =>
        upload(
          'media',
          { fileId: 'lie4', data: data.subarray(0, 100) },
          {
            'content-range': 'bytes=all',
          },
        ),
      400,
      'storage_invalid_content_range',
    ],
    [
      'a file over the bucket limit',
      () => upload('small', { fileId: 'big', name: 'big.png', data: randomBytes(2000) }),
      400,
      'storage_invalid_file_size',
    ],
    [
      'a chunked upload declaring a total over the limit',
      () =>
        upload(
          'small',
          { fileId: 'big2', name: 'big.png', data: data.subarray(0, CHUNK) },
          {
            'content-range': `bytes 0-${CHUNK - 1}/${data.length}`,
          },
        ),
      400,
      'storage_invalid_file_size',
    ],
    [
      'a refused extension',
      () => upload('small', { fileId: 'exe', name: 'tool.exe', data: randomBytes(10) }),
      400,
      'storage_file_type_unsupported',
    ],
    [
      'a file id that walks out of the folder',
      () => upload('media', { fileId: '../escape', name: 'x.txt', data: randomBytes(10) }),
      400,
      'general_argument_invalid',
    ],
    [
      'an X-Appwrite-Id that walks out of the folder',
      () =>
        upload(
          'media',
          { fileId: 'unique()', data: data.subarray(CHUNK) },
          {
            'content-range': `bytes ${CHUNK}-${2 * CHUNK - 1}/${data.length}`,
            'x-appwrite-id': '../../escape',
          },
        ),
      400,
      'storage_invalid_appwrite_id',
    ],
    [
      'a later chunk of an upload that was never started',
      () =>
        upload(
          'media',
          { fileId: 'ghost', data: data.subarray(CHUNK) },
          {
            'content-range': `bytes ${CHUNK}-${2 * CHUNK - 1}/${data.length}`,
            'x-appwrite-id': 'ghost',
          },
        ),
      400,
      'storage_invalid_appwrite_id',
    ],
    ['no file at all', () => upload('media', { fileId: 'empty' }), 400, 'storage_file_empty'],
    [
      'no file id',
      () => upload('media', { name: 'x.txt', data: randomBytes(10) }),
      400,
      'general_argument_invalid',
    ],
    [
      'an unknown bucket',
      () => upload('nope', { fileId: 'x', name: 'x.txt', data: randomBytes(10) }),
      404,
      'storage_bucket_not_found',
    ],
  ];

  it.each(cases)('%s', async (_name, send, status, type) => {
    const res = await send();
    expect([res.status, res.json.type]).toEqual([status, type]);
    for (const leak of [server.app.emulator.dataDir as string, 'SQLITE', '.ts:']) {
      expect(res.text).not.toContain(leak);
    }
  });

  it('refuses a second chunk that disagrees on the total size', async () => {
    const first = chunk(data, 0, 'sized');
    expect(
      (await upload('media', { fileId: 'sized', data: first.data }, first.headers)).status,
    ).toBe(201);
    const other = Buffer.concat([data, randomBytes(CHUNK)]);
    const lying = chunk(other, 1, 'sized');
    const res = await upload('media', { fileId: 'sized', data: lying.data }, lying.headers);
    expect([res.status, res.json.type]).toEqual([400, 'storage_invalid_content_range']);
  });

  it('accepts an allowed extension in any case; refuses the same id twice; reads no paths', async () => {
    const ok = await upload('small', { fileId: 'pic', name: 'PIC.PNG', data: randomBytes(10) });
    expect(ok.status).toBe(201);
    const twice = await upload('small', { fileId: 'pic', name: 'PIC.PNG', data: randomBytes(10) });
    expect([twice.status, twice.json.type]).toEqual([409, 'storage_file_already_exists']);
    const traversal = await call(
      server,
      'GET',
      '/storage/buckets/media/files/..%2F..%2Fcredentials.json/view',
      {
        headers: key(),
      },
    );
    expect([traversal.status, traversal.json.type]).toEqual([404, 'storage_file_not_found']);
    const garbage = await fetch(`${server.endpoint}/storage/buckets/media/files`, {
      method: 'POST',
      headers: {
        ...key(),
        'x-appwrite-project': server.projectId,
        'content-type': 'multipart/form-data; boundary=nope',
      },
      body: 'not multipart at all',
    });
    expect([garbage.status, await typeOf(garbage)]).toEqual([400, 'general_argument_invalid']);
    // Nothing escaped the storage folder.
    expect(existsSync(join(server.app.emulator.dataDir as string, 'escape'))).toBe(false);
    expect(existsSync(join(root, 'escape'))).toBe(false);
  });
});

describe('nothing left behind', () => {
  it('a deleted file leaves nothing on disk', async () => {
    await upload('media', { fileId: 'gone', name: 'gone.txt', data: randomBytes(100) });
    expect(readdirSync(join(root, 'media'))).toContain('gone');
    const res = await call(server, 'DELETE', '/storage/buckets/media/files/gone', {
      headers: key(),
    });
    expect(res.status).toBe(204);
    expect(readdirSync(join(root, 'media'))).not.toContain('gone');
  });

  it('deleting an unfinished upload removes its chunks', async () => {
    const data = randomBytes(2 * CHUNK);
    const first = chunk(data, 0, 'half');
    await upload('media', { fileId: 'half', data: first.data }, first.headers);
    expect(readdirSync(join(root, '.uploads', 'media', 'half'))).toEqual(['1.part']);
    const view = await call(server, 'GET', '/storage/buckets/media/files/half/view', {
      headers: key(),
    });
    expect([view.status, view.json.type]).toEqual([404, 'storage_file_not_found']);
    await call(server, 'DELETE', '/storage/buckets/media/files/half', { headers: key() });
    expect(existsSync(join(root, '.uploads', 'media', 'half'))).toBe(false);
  });

  it('the sweep removes abandoned uploads, orphan chunks and half-written files', async () => {
    const data = randomBytes(2 * CHUNK);
    const first = chunk(data, 0, 'abandoned');
    await upload('media', { fileId: 'abandoned', data: first.data }, first.headers);
    mkdirSync(join(root, '.uploads', 'media', 'orphan'), { recursive: true });
    writeFileSync(join(root, '.uploads', 'media', 'orphan', '1.part'), 'x');
    writeFileSync(join(root, 'media', 'crashed.123.1.tmp'), 'x');
    const storage = server.app.emulator.storage;
    // A fresh upload survives a sweep of old ones.
    expect(await storage.sweepStaleUploads()).toBe(0);
    expect(existsSync(join(root, '.uploads', 'media', 'abandoned'))).toBe(true);
    expect(await storage.sweepStaleUploads(-1)).toBeGreaterThanOrEqual(1);
    expect(existsSync(join(root, '.uploads', 'media', 'abandoned'))).toBe(false);
    expect(existsSync(join(root, '.uploads', 'media', 'orphan'))).toBe(false);
    expect(existsSync(join(root, 'media', 'crashed.123.1.tmp'))).toBe(false);
    const gone = await call(server, 'GET', '/storage/buckets/media/files/abandoned', {
      headers: key(),
    });
    expect(gone.json.type).toBe('storage_file_not_found');
    // Finished files are untouched.
    expect(readdirSync(join(root, 'media'))).toContain('reverse');
  });

  it('an in-memory app keeps bytes in a temporary folder and removes it on close', async () => {
    const app = await buildApp({ projectId: 'p' });
    const storage = app.emulator.storage;
    const bucket = storage.buckets.create('b', {
      name: 'b',
      permissions: [],
      fileSecurity: false,
      enabled: true,
      maximumFileSize: 30_000_000,
      allowedFileExtensions: [],
      compression: 'none',
      encryption: true,
      antivirus: true,
      transformations: true,
    });
    expect(bucket.id).toBe('b');
    await storage.blobs.writeWhole('b', 'f', Buffer.from('x'));
    const folder = storage.blobs.root;
    expect(folder.startsWith(tmpdir())).toBe(true);
    expect(readdirSync(join(folder, 'b'))).toEqual(['f']);
    await app.close();
    expect(existsSync(folder)).toBe(false);
  });

  it('a restart sweeps uploads abandoned more than a day ago', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'appwrite-local-sweep-'));
    try {
      const first = await buildApp({ projectId: 'p', dataDir });
      const storage = first.emulator.storage;
      const bucket = storage.buckets.create('b', {
        name: 'b',
        permissions: [],
        fileSecurity: false,
        enabled: true,
        maximumFileSize: 30_000_000,
        allowedFileExtensions: [],
        compression: 'none',
        encryption: true,
        antivirus: true,
        transformations: true,
      });
      const file = storage.files.create({
        bucketSeq: bucket.seq,
        bucketId: 'b',
        id: 'old',
        permissions: [],
        name: 'old.bin',
        sizeOriginal: 2 * CHUNK,
        chunksTotal: 2,
      });
      await storage.blobs.writeChunk('b', 'old', 1, randomBytes(10));
      first.emulator.db
        .prepare('UPDATE storage_files SET created_at = ? WHERE seq = ?')
        .run(new Date(Date.now() - 2 * 86_400_000).toISOString(), file.seq);
      await first.close();
      expect(existsSync(join(dataDir, 'storage', '.uploads', 'b', 'old'))).toBe(true);
      const second = await buildApp({ projectId: 'p', dataDir });
      expect(existsSync(join(dataDir, 'storage', '.uploads', 'b', 'old'))).toBe(false);
      await second.close();
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
