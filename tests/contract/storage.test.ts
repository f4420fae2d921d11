import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AppwriteException,
  Client,
  ImageFormat,
  ImageGravity,
  Permission,
  Query,
  Role,
  Storage,
  Tokens,
} from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppwriteEvent } from '../../emulator/core/platform/events.ts';
import { call, type LocalServer, startLocalServer } from './harness.ts';

/**
 * Storage and file tokens through the real node-appwrite 27.1.0 with an API key: buckets, single and
 * chunked uploads (the SDK sends chunks 2..n eight at a time), bytes back identical through view and
 * download, previews resized with sharp, the fallback icon for non-images, list queries, updates,
 * deletes, and a private file fetched by `?token=` with no session.
 */

let server: LocalServer;
let storage: Storage;
let tokens: Tokens;

function keyClient(): Client {
  return new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
}

async function failure(promise: Promise<unknown>): Promise<AppwriteException> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AppwriteException) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** The Appwrite error type of a raw fetch response. */
async function typeOf(response: Response): Promise<string> {
  return ((await response.json()) as { type: string }).type;
}

const md5 = (data: Buffer) => createHash('md5').update(data).digest('hex');

async function png(width: number, height: number): Promise<Buffer> {
  return sharp({
    create: { width, height, channels: 4, background: { r: 200, g: 30, b: 60, alpha: 1 } },
  })
    .png()
    .toBuffer();
}

beforeAll(async () => {
  server = await startLocalServer();
  storage = new Storage(keyClient());
  tokens = new Tokens(keyClient());
  await storage.createBucket({ bucketId: 'media', name: 'Media' });
});
afterAll(() => server.close());

describe('buckets', () => {
  it('creates a bucket with the Bucket model and Appwrite defaults', async () => {
    const bucket = await storage.createBucket({
      bucketId: 'docs',
      name: 'Docs',
      permissions: [Permission.read(Role.any()), Permission.write(Role.users())],
      allowedFileExtensions: ['pdf', 'txt'],
      maximumFileSize: 1_000_000,
    });
    expect(bucket).toEqual({
      $id: 'docs',
      $createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/),
      $updatedAt: bucket.$createdAt,
      $permissions: ['read("any")', 'create("users")', 'update("users")', 'delete("users")'],
      fileSecurity: false,
      name: 'Docs',
      enabled: true,
      maximumFileSize: 1_000_000,
      allowedFileExtensions: ['pdf', 'txt'],
      compression: 'none',
      encryption: true,
      antivirus: true,
      transformations: true,
      totalSize: 0,
    });
    const media = await storage.getBucket({ bucketId: 'media' });
    expect(media.maximumFileSize).toBe(30_000_000);
  });

  it('gets, lists, updates and deletes buckets; errors carry Appwrite types', async () => {
    expect((await storage.getBucket({ bucketId: 'docs' })).name).toBe('Docs');
    const list = await storage.listBuckets({ queries: [Query.equal('name', ['Docs'])] });
    expect(list.total).toBe(1);
    expect(list.buckets[0]?.$id).toBe('docs');
    expect((await storage.listBuckets({ search: 'med' })).buckets.map((b) => b.$id)).toEqual([
      'media',
    ]);
    const updated = await storage.updateBucket({
      bucketId: 'docs',
      name: 'Documents',
      fileSecurity: true,
      compression: 'gzip' as never,
    });
    expect(updated).toMatchObject({
      name: 'Documents',
      fileSecurity: true,
      compression: 'gzip',
      // PUT semantics: omitted lists fall back to Appwrite's defaults, the size limit is kept.
      allowedFileExtensions: [],
      maximumFileSize: 1_000_000,
      $permissions: ['read("any")', 'create("users")', 'update("users")', 'delete("users")'],
    });
    const dup = await failure(storage.createBucket({ bucketId: 'docs', name: 'again' }));
    expect([dup.code, dup.type]).toEqual([409, 'storage_bucket_already_exists']);
    await storage.deleteBucket({ bucketId: 'docs' });
    const gone = await failure(storage.getBucket({ bucketId: 'docs' }));
    expect([gone.code, gone.type]).toEqual([404, 'storage_bucket_not_found']);
  });

  it('needs buckets.* scopes for keys and refuses sessions-less guests', async () => {
    const weak = new Storage(
      new Client()
        .setEndpoint(server.endpoint)
        .setProject(server.projectId)
        .setKey(server.keyWith(['files.read'])),
    );
    const denied = await failure(weak.listBuckets());
    expect([denied.code, denied.type]).toEqual([401, 'general_unauthorized_scope']);
    const readOnly = new Storage(
      new Client()
        .setEndpoint(server.endpoint)
        .setProject(server.projectId)
        .setKey(server.keyWith(['buckets.read', 'files.read'])),
    );
    expect((await readOnly.listFiles({ bucketId: 'media' })).files).toBeDefined();
    const write = await failure(
      readOnly.createFile({
        bucketId: 'media',
        fileId: 'nope',
        file: InputFile.fromBuffer(Buffer.from('x'), 'x.txt'),
      }),
    );
    expect([write.code, write.type]).toEqual([401, 'general_unauthorized_scope']);
    const tokenScope = await failure(
      new Tokens(
        new Client()
          .setEndpoint(server.endpoint)
          .setProject(server.projectId)
          .setKey(server.keyWith(['files.read', 'tokens.read'])),
      ).createFileToken({ bucketId: 'media', fileId: 'hello' }),
    );
    expect(tokenScope.type).toBe('general_unauthorized_scope');
    const guest = new Storage(
      new Client().setEndpoint(server.endpoint).setProject(server.projectId),
    );
    expect((await failure(guest.createBucket({ bucketId: 'x', name: 'x' }))).type).toBe(
      'general_unauthorized_scope',
    );
  });
});

describe('uploads, reads and previews', () => {
  it('uploads a small file in one request and reads the same bytes back', async () => {
    const data = Buffer.from('hello, storage\n');
    const file = await storage.createFile({
      bucketId: 'media',
      fileId: 'hello',
      file: InputFile.fromBuffer(data, 'hello.txt'),
    });
    expect(file).toEqual({
      $id: 'hello',
      bucketId: 'media',
      $createdAt: expect.any(String),
      $updatedAt: expect.any(String),
      $permissions: [],
      name: 'hello.txt',
      signature: md5(data),
      mimeType: 'text/plain',
      sizeOriginal: data.length,
      sizeActual: data.length,
      chunksTotal: 1,
      chunksUploaded: 1,
      encryption: false,
      compression: 'none',
    });
    const viewed = Buffer.from(await storage.getFileView({ bucketId: 'media', fileId: 'hello' }));
    const downloaded = Buffer.from(
      await storage.getFileDownload({ bucketId: 'media', fileId: 'hello' }),
    );
    expect(viewed.equals(data)).toBe(true);
    expect(downloaded.equals(data)).toBe(true);
    expect((await storage.getBucket({ bucketId: 'media' })).totalSize).toBe(data.length);
  });

  it('uploads 12 MiB in chunks through the SDK (concurrent, any order) and keeps every byte', async () => {
    const data = randomBytes(12 * 1024 * 1024);
    const progress: number[] = [];
    const file = await storage.createFile({
      bucketId: 'media',
      fileId: 'big',
      file: InputFile.fromBuffer(data, 'big.bin'),
      onProgress: (p) => progress.push(p.chunksUploaded),
    });
    expect(file).toMatchObject({
      $id: 'big',
      chunksTotal: 3,
      chunksUploaded: 3,
      sizeOriginal: data.length,
      signature: md5(data),
      mimeType: 'application/octet-stream',
    });
    expect(progress.length).toBe(3);
    const back = Buffer.from(await storage.getFileDownload({ bucketId: 'media', fileId: 'big' }));
    expect(back.length).toBe(data.length);
    expect(md5(back)).toBe(md5(data));
    // Nothing of the upload is left but the file itself.
    const root = join(server.app.emulator.dataDir as string, 'storage');
    expect(readdirSync(join(root, '.uploads', 'media')).filter((n) => n === 'big')).toEqual([]);
  });

  it('serves view inline (safe types only) and download as an attachment, with ranges', async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    );
    await storage.createFile({
      bucketId: 'media',
      fileId: 'logo',
      file: InputFile.fromBuffer(svg, 'logo.svg'),
    });
    const headers = { 'x-appwrite-key': server.apiKey };
    const view = await call(server, 'GET', '/storage/buckets/media/files/logo/view', { headers });
    expect(view.status).toBe(200);
    // An SVG could run script as a page of this origin: Appwrite serves it as text with a CSP.
    expect(view.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(view.headers.get('content-security-policy')).toBe('script-src none;');
    expect(view.headers.get('x-content-type-options')).toBe('nosniff');
    expect(view.headers.get('content-disposition')).toBe('inline; filename="logo.svg"');
    expect(view.text).toBe(svg.toString());
    const download = await call(server, 'GET', '/storage/buckets/media/files/logo/download', {
      headers,
    });
    expect(download.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="logo.svg"');
    const part = await call(server, 'GET', '/storage/buckets/media/files/hello/view', {
      headers: { ...headers, range: 'bytes=0-4' },
    });
    expect([part.status, part.text, part.headers.get('content-range')]).toEqual([
      206,
      'hello',
      'bytes 0-4/15',
    ]);
    const bad = await call(server, 'GET', '/storage/buckets/media/files/hello/view', {
      headers: { ...headers, range: 'bytes=40-50' },
    });
    expect([bad.status, bad.json?.type]).toEqual([416, 'storage_invalid_range']);
  });

  it('previews a PNG resized with the right size, type and cache header', async () => {
    await storage.createFile({
      bucketId: 'media',
      fileId: 'photo',
      file: InputFile.fromBuffer(await png(400, 200), 'photo.png'),
    });
    const resized = Buffer.from(
      await storage.getFilePreview({ bucketId: 'media', fileId: 'photo', width: 100 }),
    );
    const meta = await sharp(resized).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 100, 50]);
    const cropped = Buffer.from(
      await storage.getFilePreview({
        bucketId: 'media',
        fileId: 'photo',
        width: 50,
        height: 50,
        gravity: ImageGravity.Topleft,
        output: ImageFormat.Webp,
        quality: 60,
      }),
    );
    const cropMeta = await sharp(cropped).metadata();
    expect([cropMeta.format, cropMeta.width, cropMeta.height]).toEqual(['webp', 50, 50]);
    const raw = await fetch(
      `${server.endpoint}/storage/buckets/media/files/photo/preview?project=${server.projectId}&width=10&output=jpg`,
      { headers: { 'x-appwrite-key': server.apiKey } },
    );
    expect(raw.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await raw.arrayBuffer())).metadata()).format).toBe('jpeg');
    expect(raw.headers.get('cache-control')).toBe('private, max-age=2592000');
  });

  it("applies border, radius, opacity, background and rotation in Appwrite's order", async () => {
    const out = Buffer.from(
      await storage.getFilePreview({
        bucketId: 'media',
        fileId: 'photo',
        width: 100,
        borderWidth: 5,
        borderColor: '00ff00',
        borderRadius: 10,
        opacity: 0.5,
        background: 'ffffff',
        rotation: 90,
        output: ImageFormat.Png,
      }),
    );
    const meta = await sharp(out).metadata();
    // 100×50, plus a 5 px border on each side, then turned a quarter.
    expect([meta.width, meta.height]).toEqual([60, 110]);
    const heic = await failure(
      storage.getFilePreview({ bucketId: 'media', fileId: 'photo', output: ImageFormat.Heic }),
    );
    expect([heic.code, heic.type]).toEqual([400, 'storage_file_type_unsupported']);
  });

  it('previews a non-image as Appwrite does: an icon image on a light background', async () => {
    const icon = Buffer.from(
      await storage.getFilePreview({ bucketId: 'media', fileId: 'hello', width: 120 }),
    );
    const meta = await sharp(icon).metadata();
    // The icon is 1200×800 like Appwrite's; width 120 keeps the ratio; PNG because the icon is one.
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 120, 80]);
    const { data } = await sharp(icon).raw().toBuffer({ resolveWithObject: true });
    // The corner pixel is the default background eceff1, not transparent.
    expect([...data.subarray(0, 3)]).toEqual([0xec, 0xef, 0xf1]);
    const bad = await failure(
      storage.getFilePreview({ bucketId: 'media', fileId: 'photo', width: 5000 }),
    );
    expect([bad.code, bad.type]).toEqual([400, 'general_argument_invalid']);
  });

  it('lists with queries, search, cursors and total=false; updates and deletes', async () => {
    const all = await storage.listFiles({ bucketId: 'media' });
    expect(all.total).toBe(4);
    const named = await storage.listFiles({
      bucketId: 'media',
      queries: [Query.equal('name', ['photo.png'])],
    });
    expect(named.files.map((f) => f.$id)).toEqual(['photo']);
    const bySize = await storage.listFiles({
      bucketId: 'media',
      queries: [Query.greaterThan('sizeOriginal', 1_000_000)],
    });
    expect(bySize.files.map((f) => f.$id)).toEqual(['big']);
    expect((await storage.listFiles({ bucketId: 'media', search: 'logo' })).files.length).toBe(1);
    const page = await storage.listFiles({
      bucketId: 'media',
      queries: [Query.orderAsc('name'), Query.limit(2)],
    });
    expect(page.files.map((f) => f.name)).toEqual(['big.bin', 'hello.txt']);
    const next = await storage.listFiles({
      bucketId: 'media',
      queries: [Query.orderAsc('name'), Query.cursorAfter('hello'), Query.limit(2)],
    });
    expect(next.files.map((f) => f.name)).toEqual(['logo.svg', 'photo.png']);
    // Paging back (core/platform/list-page.ts, shared with teams): the page just before the cursor, in order.
    const back = await storage.listFiles({
      bucketId: 'media',
      queries: [Query.orderAsc('name'), Query.cursorBefore('photo'), Query.limit(2)],
    });
    expect(back.files.map((f) => f.name)).toEqual(['hello.txt', 'logo.svg']);
    expect((await storage.listFiles({ bucketId: 'media', total: false })).total).toBe(0);
    const badQuery = await failure(
      storage.listFiles({ bucketId: 'media', queries: [Query.equal('path', ['x'])] }),
    );
    expect(badQuery.type).toBe('general_argument_invalid'); // Validator/Queries/Files.php

    const renamed = await storage.updateFile({
      bucketId: 'media',
      fileId: 'logo',
      name: 'mark.svg',
      permissions: [Permission.read(Role.any())],
    });
    expect([renamed.name, renamed.$permissions]).toEqual(['mark.svg', ['read("any")']]);
    await storage.deleteFile({ bucketId: 'media', fileId: 'logo' });
    const gone = await failure(storage.getFile({ bucketId: 'media', fileId: 'logo' }));
    expect([gone.code, gone.type]).toEqual([404, 'storage_file_not_found']);
    const root = join(server.app.emulator.dataDir as string, 'storage', 'media');
    expect(readdirSync(root).sort()).toEqual(['big', 'hello', 'photo']);
  });
});

describe('file tokens', () => {
  it('downloads a private file by ?token= with no session; bad, expired or deleted tokens fail', async () => {
    await storage.createBucket({ bucketId: 'private', name: 'Private' });
    const data = Buffer.from('for your eyes only');
    await storage.createFile({
      bucketId: 'private',
      fileId: 'secret',
      file: InputFile.fromBuffer(data, 'secret.txt'),
    });
    const other = await storage.createFile({
      bucketId: 'private',
      fileId: 'other',
      file: InputFile.fromBuffer(Buffer.from('other'), 'other.txt'),
    });
    const url = (path: string, token?: string) =>
      `${server.endpoint}/storage/buckets/private/files/${path}?project=${server.projectId}&impersonateuserid=${token === undefined ? '' : `&token=${token}`}`;

    const noToken = await fetch(url('secret/download'));
    expect(noToken.status).toBe(401);
    expect(await typeOf(noToken)).toBe('user_unauthorized');

    const token = await tokens.createFileToken({ bucketId: 'private', fileId: 'secret' });
    expect(token).toEqual({
      $id: expect.any(String),
      $createdAt: expect.any(String),
      resourceId: 'private:secret',
      resourceType: 'files',
      expire: '',
      secret: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      accessedAt: '',
    });
    const claims = JSON.parse(
      Buffer.from(token.secret.split('.')[1] as string, 'base64url').toString(),
    );
    expect(claims).toMatchObject({
      tokenId: token.$id,
      resourceId: 'private:secret',
      resourceType: 'files',
    });

    for (const path of ['secret/download', 'secret/view']) {
      const ok = await fetch(url(path, token.secret));
      expect(ok.status).toBe(200);
      expect(Buffer.from(await ok.arrayBuffer()).equals(data)).toBe(true);
    }
    const preview = await fetch(url('secret/preview', token.secret));
    expect([preview.status, (await preview.arrayBuffer()).byteLength > 0]).toEqual([200, true]);

    // A token opens its own file only.
    const wrongFile = await fetch(url(`${other.$id}/download`, token.secret));
    expect([wrongFile.status, await typeOf(wrongFile)]).toEqual([401, 'user_unauthorized']);
    // A forged signature is no token at all.
    const forged = `${token.secret.slice(0, -4)}AAAA`;
    const bad = await fetch(url('secret/download', forged));
    expect([bad.status, await typeOf(bad)]).toEqual([401, 'user_unauthorized']);

    const listed = await tokens.list({ bucketId: 'private', fileId: 'secret' });
    expect(listed.total).toBe(1);
    expect((await tokens.get({ tokenId: token.$id })).secret).toBe(token.secret);

    const future = new Date(Date.now() + 3600_000).toISOString();
    const updated = await tokens.update({ tokenId: token.$id, expire: future });
    expect(Date.parse(updated.expire)).toBe(Date.parse(future));
    const renewed = await fetch(url('secret/download', updated.secret));
    expect([renewed.status, await renewed.text()]).toEqual([200, data.toString()]);
    const pastExpire = await failure(
      tokens.update({ tokenId: token.$id, expire: new Date(Date.now() - 1000).toISOString() }),
    );
    expect(pastExpire.type).toBe('general_argument_invalid');

    // Expiry: make the stored expiry pass and the link stops working.
    server.app.emulator.db
      .prepare('UPDATE storage_tokens SET expire = ? WHERE id = ?')
      .run(new Date(Date.now() - 1000).toISOString(), token.$id);
    const expired = await fetch(url('secret/download', updated.secret));
    expect([expired.status, await typeOf(expired)]).toEqual([401, 'user_unauthorized']);

    await tokens.delete({ tokenId: token.$id });
    const missing = await failure(tokens.get({ tokenId: token.$id }));
    expect([missing.code, missing.type]).toEqual([404, 'token_not_found']);
  });
});

describe('events', () => {
  it('publishes one create per finished upload (not per chunk), then update and delete', async () => {
    await storage.createBucket({
      bucketId: 'watched',
      name: 'Watched',
      fileSecurity: true,
      permissions: [Permission.read(Role.users())],
    });
    const seen: AppwriteEvent[] = [];
    const stop = server.app.emulator.events.subscribe((e) => seen.push(e));
    try {
      await storage.createFile({
        bucketId: 'watched',
        fileId: 'ev',
        file: InputFile.fromBuffer(randomBytes(11 * 1024 * 1024), 'ev.bin'),
        permissions: [Permission.read(Role.user('u1'))],
      });
      await storage.updateFile({ bucketId: 'watched', fileId: 'ev', name: 'renamed.bin' });
      await storage.deleteFile({ bucketId: 'watched', fileId: 'ev' });
    } finally {
      stop();
    }
    const files = seen.filter((e) => e.pattern.startsWith('buckets.'));
    expect(files.map((e) => [e.pattern, e.params, e.payload.name])).toEqual([
      ['buckets.[bucketId].files.[fileId].create', { bucketId: 'watched', fileId: 'ev' }, 'ev.bin'],
      [
        'buckets.[bucketId].files.[fileId].update',
        { bucketId: 'watched', fileId: 'ev' },
        'renamed.bin',
      ],
      [
        'buckets.[bucketId].files.[fileId].delete',
        { bucketId: 'watched', fileId: 'ev' },
        'renamed.bin',
      ],
    ]);
    expect(files[0]?.payload.chunksUploaded).toBe(3);
    expect(files[0]?.readRoles).toEqual(['users', 'user:u1']);
  });
});
