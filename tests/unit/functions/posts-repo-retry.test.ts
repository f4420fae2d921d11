import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from 'node-appwrite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPostsRepo } from '../../../functions/posts/src/posts-repo.ts';

/**
 * Which calls the node-appwrite `PostsRepo` retries, against a scripted HTTP stand-in for Appwrite:
 * idempotent reads and fixed-id writes come back from a 503 or a reset connection; a create with a
 * fresh id and a counter increment are sent exactly once, whatever happened to the answer.
 */

type Step = number | 'reset';

let server: Server;
let endpoint = '';
/** What the stand-in answers, per `METHOD path`, in order; then 200 with `bodies[key]`. */
let script = new Map<string, Step[]>();
let hits = new Map<string, number>();

const ROW = {
  $id: 'p1',
  $createdAt: '2026-11-29T12:00:00.000+00:00',
  $updatedAt: '2026-11-29T12:00:00.000+00:00',
  $permissions: [],
  $sequence: 1,
  $tableId: 'posts',
  $databaseId: 'agora',
  authorId: 'u1',
  title: 'Hello',
  body: 'Text',
  tags: [],
  likesCount: 1,
  commentsCount: 0,
};

beforeAll(async () => {
  server = createServer((req, res) => {
    const key = `${req.method} ${new URL(req.url ?? '/', 'http://x').pathname.replace('/v1', '')}`;
    hits.set(key, (hits.get(key) ?? 0) + 1);
    const step = script.get(key)?.shift();
    req.resume();
    req.on('end', () => {
      if (step === 'reset') {
        req.socket.destroy();
        return;
      }
      const status = step ?? (req.method === 'DELETE' ? 204 : 200);
      if (status === 204) {
        res.writeHead(204).end();
        return;
      }
      const body =
        status < 400
          ? ROW
          : { message: 'scripted', code: status, type: 'scripted', version: '1.9.5' };
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(() => new Promise<void>((done) => server.close(() => done())));
beforeEach(() => {
  script = new Map();
  hits = new Map();
});

const repo = () => createPostsRepo(new Client().setEndpoint(endpoint).setProject('p').setKey('k'));
const ROWS = '/tablesdb/agora/tables';

describe('the posts repository retries only what is safe to repeat', () => {
  it('getPost: a 503, then the row', async () => {
    script.set(`GET ${ROWS}/posts/rows/p1`, [503]);
    expect((await repo().getPost('p1'))?.title).toBe('Hello');
    expect(hits.get(`GET ${ROWS}/posts/rows/p1`)).toBe(2);
  });

  it('getPost: a reset connection, then the row', async () => {
    script.set(`GET ${ROWS}/posts/rows/p1`, ['reset']);
    expect((await repo().getPost('p1'))?.title).toBe('Hello');
    expect(hits.get(`GET ${ROWS}/posts/rows/p1`)).toBe(2);
  });

  it('getPost: gives up after 3 tries', async () => {
    script.set(`GET ${ROWS}/posts/rows/p1`, [503, 502, 500, 200]);
    await expect(repo().getPost('p1')).rejects.toMatchObject({ code: 500 });
    expect(hits.get(`GET ${ROWS}/posts/rows/p1`)).toBe(3);
  });

  it('getPost: a 401 is not retried', async () => {
    script.set(`GET ${ROWS}/posts/rows/p1`, [401]);
    await expect(repo().getPost('p1')).rejects.toMatchObject({ code: 401 });
    expect(hits.get(`GET ${ROWS}/posts/rows/p1`)).toBe(1);
  });

  it('deleteComment (a fixed id): a 503, then deleted', async () => {
    script.set(`DELETE ${ROWS}/comments/rows/c1`, [503]);
    expect(await repo().deleteComment('c1')).toBe(true);
    expect(hits.get(`DELETE ${ROWS}/comments/rows/c1`)).toBe(2);
  });

  it('createPost (a fresh id): a 503 is thrown, sent once', async () => {
    script.set(`POST ${ROWS}/posts/rows`, [503]);
    await expect(
      repo().createPost({
        authorId: 'u1',
        title: 'T',
        body: 'B',
        tags: [],
        likesCount: 0,
        commentsCount: 0,
      }),
    ).rejects.toMatchObject({ code: 503 });
    expect(hits.get(`POST ${ROWS}/posts/rows`)).toBe(1);
  });

  it('a counter increment: a reset connection is thrown, sent once', async () => {
    const path = `PATCH ${ROWS}/posts/rows/p1/likesCount/increment`;
    script.set(path, ['reset']);
    await expect(
      repo().bump({ table: 'posts', rowId: 'p1', column: 'likesCount' }, 1),
    ).rejects.toThrow();
    expect(hits.get(path)).toBe(1);
  });
});
