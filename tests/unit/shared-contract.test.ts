import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Channel } from '#shared/channels.ts';
import { errorBody } from '#shared/errors.ts';
import { FunctionId, Route, routeRequest } from '#shared/functions.ts';
import { BucketId, DATABASE_ID, TableId } from '#shared/ids.ts';
import { AGORA_VERSION } from '#shared/version.ts';

const root = new URL('../../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8'));
const config = JSON.parse(readFileSync(new URL('appwrite.json', root), 'utf8'));

describe('shared contract', () => {
  it('reports the version package.json has', () => {
    expect(AGORA_VERSION).toBe(pkg.version);
  });

  it('builds error bodies in Appwrite’s shape with Appwrite’s status for the type', () => {
    expect(errorBody('user_unauthorized', 'Sign in first.')).toEqual({
      message: 'Sign in first.',
      code: 401,
      type: 'user_unauthorized',
      version: AGORA_VERSION,
    });
    expect(
      errorBody('general_argument_invalid', 'Check the form.', {
        title: { code: 'too_big', message: 'x' },
      }),
    ).toMatchObject({ code: 400, fields: { title: { code: 'too_big' } } });
  });

  it('names the same functions, database, tables and buckets as appwrite.json', () => {
    expect(config.functions.map((f: { $id: string }) => f.$id).sort()).toEqual(
      Object.values(FunctionId).sort(),
    );
    expect(config.tablesDB.map((d: { $id: string }) => d.$id)).toEqual([DATABASE_ID]);
    expect(config.tables.map((t: { $id: string }) => t.$id).sort()).toEqual(
      Object.values(TableId).sort(),
    );
    expect(config.buckets.map((b: { $id: string }) => b.$id).sort()).toEqual(
      Object.values(BucketId).sort(),
    );
  });

  it('turns a route key into the method and path of an execution', () => {
    expect(routeRequest(Route.posts.comment, { postId: 'p1' })).toEqual({
      method: 'POST',
      path: '/posts/p1/comments',
    });
    expect(routeRequest(Route.health.check)).toEqual({ method: 'GET', path: '/' });
    expect(routeRequest(Route.posts.remove, { postId: 'a/b' }).path).toBe('/posts/a%2Fb');
    expect(() => routeRequest(Route.posts.like)).toThrow(':postId');
  });

  it('names realtime channels as Appwrite publishes them', () => {
    expect(Channel.rows('posts')).toBe('tablesdb.agora.tables.posts.rows');
    expect(Channel.row('jobs', 'j1', 'update')).toBe('tablesdb.agora.tables.jobs.rows.j1.update');
    expect(Channel.files('avatars', 'create')).toBe('buckets.avatars.files.create');
    expect(Channel.file('exports', 'f1')).toBe('buckets.exports.files.f1');
    expect(() => Channel.row('posts', '*')).toThrow();
    expect(() => Channel.row('posts', 'a.b')).toThrow();
  });
});
