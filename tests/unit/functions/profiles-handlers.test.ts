import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { createHandler } from '../../../functions/_lib/create-handler.ts';
import {
  ownedBy,
  removeAvatar,
  setAvatar,
  updateProfile,
} from '../../../functions/profiles/src/profiles-handlers.ts';
import type {
  AvatarFile,
  ProfilePatch,
  ProfilesRepo,
} from '../../../functions/profiles/src/profiles-repo.ts';
import { Route, type RouteKey, routeRequest } from '../../../shared/functions.ts';
import { AvatarRules, type Profile } from '../../../shared/schemas/profile.ts';
import { execute } from './fake-runtime.ts';

/**
 * `profiles` in-process: every route as a scenario table per caller (guest, owner, another user,
 * admin — an admin has no power over someone else's profile here), then fast-check over each route's
 * body: never a 5xx, no write on a rejected body, and a 400 names the field.
 */

const IDS = {
  guest: '',
  owner: 'owner-1',
  other: 'other-1',
  admin: 'admin-1',
  /** Signed in, but the sign-up gate never vetted them (no `member` label), with a profile left over. */
  unvetted: 'unvetted-1',
} as const;
type Who = keyof typeof IDS;

const own = (userId: string) => [
  'read("any")',
  `update("user:${userId}")`,
  `delete("user:${userId}")`,
];

class FakeProfilesRepo implements ProfilesRepo {
  readonly profiles = new Map<string, Profile>();
  readonly files = new Map<string, AvatarFile>();
  /** Every write, as `"method id"`, in order. */
  readonly writes: string[] = [];
  failDeletes = false;

  /** Every caller is a vetted member except `unvetted`. */
  async getMember(userId: string) {
    const labels = userId === IDS.unvetted ? [] : ['member'];
    return { userId, labels, emailVerification: true };
  }

  addProfile(userId: string, avatarId: string | null = null): void {
    const now = '2026-01-01T00:00:00.000+00:00';
    this.profiles.set(userId, {
      $id: userId,
      $sequence: String(this.profiles.size + 1),
      $tableId: 'profiles',
      $databaseId: 'agora',
      $createdAt: now,
      $updatedAt: now,
      $permissions: [],
      name: userId,
      handle: null,
      bio: null,
      avatarId,
      postsCount: 0,
      commentsCount: 0,
      likesReceived: 0,
    });
  }

  addFile(fileId: string, file: Partial<AvatarFile> & { owner?: string } = {}): void {
    this.files.set(fileId, {
      $id: fileId,
      mimeType: file.mimeType ?? 'image/png',
      sizeOriginal: file.sizeOriginal ?? 1000,
      $permissions: file.$permissions ?? own(file.owner ?? IDS.owner),
    });
  }

  async getProfile(userId: string) {
    const profile = this.profiles.get(userId);
    return profile ? structuredClone(profile) : null;
  }
  async updateProfile(userId: string, patch: ProfilePatch) {
    const profile = this.profiles.get(userId);
    if (!profile) return null;
    this.writes.push(`updateProfile ${userId}`);
    Object.assign(profile, patch, { $updatedAt: new Date().toISOString() });
    return structuredClone(profile);
  }
  async getAvatarFile(fileId: string) {
    const file = this.files.get(fileId);
    return file ? structuredClone(file) : null;
  }
  async deleteAvatarFile(fileId: string) {
    this.writes.push(`deleteAvatarFile ${fileId}`);
    if (this.failDeletes) throw new Error('storage is down');
    return this.files.delete(fileId);
  }
}

/** Each scenario starts here: owner with avatar `old-av` and an uploaded `new-av`; others with none. */
function world(): FakeProfilesRepo {
  const repo = new FakeProfilesRepo();
  repo.addProfile(IDS.owner, 'old-av');
  repo.addProfile(IDS.other);
  repo.addProfile(IDS.admin);
  repo.addProfile(IDS.unvetted);
  repo.addFile('old-av');
  repo.addFile('unvetted-av', { owner: IDS.unvetted });
  repo.addFile('new-av');
  return repo;
}

function handlerFor(repo: ProfilesRepo) {
  const repoFor = () => repo;
  return createHandler({
    [Route.profiles.update]: updateProfile(repoFor),
    [Route.profiles.setAvatar]: setAvatar(repoFor),
    [Route.profiles.removeAvatar]: removeAvatar(repoFor),
  });
}

async function call(repo: ProfilesRepo, who: Who, route: RouteKey, body = '') {
  const result = await execute(handlerFor(repo), {
    ...routeRequest(route),
    body,
    headers: { 'x-appwrite-user-id': IDS[who], 'content-type': 'application/json' },
  });
  const json = (result.text === '' ? {} : result.json()) as Record<string, unknown>;
  return { ...result, body: json };
}

interface Scenario {
  name: string;
  who: Who;
  route: RouteKey;
  body?: string;
  setup?: (repo: FakeProfilesRepo) => void;
  status: number;
  type?: string;
  fields?: Record<string, string>;
  noWrites?: boolean;
  after?: (repo: FakeProfilesRepo, body: Record<string, unknown>) => void;
}

const NO_LEAK = ['    at ', 'node_modules', 'stack'];
const avatarOf = (repo: FakeProfilesRepo, who: Who) => repo.profiles.get(IDS[who])?.avatarId;

const scenarios: Scenario[] = [
  // PATCH /profile
  ...(['guest'] as const).map((who) => ({
    name: `${who} cannot edit a profile → 401`,
    who,
    route: Route.profiles.update,
    body: '{"name":"X"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  })),
  // A user the gate never vetted can change nothing, on any route.
  ...(
    [
      [Route.profiles.update, '{"name":"X"}'],
      [Route.profiles.setAvatar, '{"fileId":"unvetted-av"}'],
      [Route.profiles.removeAvatar, ''],
    ] as const
  ).map(([route, body]) => ({
    name: `${route} by a user the gate never vetted → 401, nothing written`,
    who: 'unvetted' as const,
    route,
    body,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  })),
  {
    name: 'owner renames → 200 with the updated profile',
    who: 'owner',
    route: Route.profiles.update,
    body: '{"name":"  Ann  "}',
    status: 200,
    after: (repo, body) => {
      expect(body).toMatchObject({ $id: IDS.owner, name: 'Ann', avatarId: 'old-av' });
      expect(repo.profiles.get(IDS.owner)?.name).toBe('Ann');
    },
  },
  {
    name: 'other user edits only their own profile',
    who: 'other',
    route: Route.profiles.update,
    body: '{"bio":"Hello"}',
    status: 200,
    after: (repo, body) => {
      expect(body).toMatchObject({ $id: IDS.other, bio: 'Hello' });
      expect(repo.profiles.get(IDS.owner)?.bio).toBeNull();
      expect(repo.writes).toEqual([`updateProfile ${IDS.other}`]);
    },
  },
  {
    name: 'admin edits only their own profile too',
    who: 'admin',
    route: Route.profiles.update,
    body: '{"name":"Boss"}',
    status: 200,
    after: (repo, body) => {
      expect(body.$id).toBe(IDS.admin);
      expect(repo.profiles.get(IDS.owner)?.name).toBe(IDS.owner);
    },
  },
  {
    name: 'an empty bio clears it',
    who: 'owner',
    route: Route.profiles.update,
    body: '{"bio":""}',
    setup: (repo) => {
      const profile = repo.profiles.get(IDS.owner);
      if (profile) profile.bio = 'Old';
    },
    status: 200,
    after: (repo) => expect(repo.profiles.get(IDS.owner)?.bio).toBeNull(),
  },
  {
    name: 'empty update → 400 empty_update',
    who: 'owner',
    route: Route.profiles.update,
    body: '{}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { '': 'empty_update' },
    noWrites: true,
  },
  {
    name: 'blank name → 400 fields.name',
    who: 'owner',
    route: Route.profiles.update,
    body: '{"name":"   "}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { name: 'too_small' },
    noWrites: true,
  },
  {
    name: 'bio over 280 → 400 fields.bio',
    who: 'owner',
    route: Route.profiles.update,
    body: JSON.stringify({ bio: 'x'.repeat(281) }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { bio: 'too_big' },
    noWrites: true,
  },
  {
    name: 'counters and avatarId cannot be set through PATCH',
    who: 'owner',
    route: Route.profiles.update,
    body: '{"name":"A","postsCount":99,"avatarId":"x"}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { postsCount: 'unrecognized_keys', avatarId: 'unrecognized_keys' },
    noWrites: true,
  },
  {
    name: 'malformed JSON → 400 general_bad_request',
    who: 'owner',
    route: Route.profiles.update,
    body: '{"name":',
    status: 400,
    type: 'general_bad_request',
    noWrites: true,
  },
  {
    name: 'no profile yet → 404 row_not_found',
    who: 'owner',
    route: Route.profiles.update,
    body: '{"name":"A"}',
    setup: (repo) => repo.profiles.delete(IDS.owner),
    status: 404,
    type: 'row_not_found',
    noWrites: true,
  },
  // PUT /profile/avatar
  {
    name: 'guest cannot set an avatar → 401',
    who: 'guest',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"new-av"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'owner links their upload → 200; the replaced file is deleted',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"new-av"}',
    status: 200,
    after: (repo, body) => {
      expect(body).toMatchObject({ $id: IDS.owner, avatarId: 'new-av' });
      expect(repo.files.has('old-av')).toBe(false);
      expect(repo.files.has('new-av')).toBe(true);
      expect(repo.writes).toEqual([`updateProfile ${IDS.owner}`, 'deleteAvatarFile old-av']);
    },
  },
  {
    name: 'linking the current avatar again changes nothing',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"old-av"}',
    status: 200,
    noWrites: true,
    after: (_repo, body) => expect(body.avatarId).toBe('old-av'),
  },
  {
    name: 'a failed delete of the replaced file does not fail the request',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"new-av"}',
    setup: (repo) => {
      repo.failDeletes = true;
    },
    status: 200,
    after: (repo, body) => {
      expect(body.avatarId).toBe('new-av');
      expect(avatarOf(repo, 'owner')).toBe('new-av');
    },
  },
  {
    name: 'first avatar: nothing to delete',
    who: 'other',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"their-av"}',
    setup: (repo) => repo.addFile('their-av', { owner: IDS.other }),
    status: 200,
    after: (repo) => expect(repo.writes).toEqual([`updateProfile ${IDS.other}`]),
  },
  {
    name: 'other user cannot link the owner’s file → 401, nothing changes',
    who: 'other',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"new-av"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
    after: (repo) => expect(avatarOf(repo, 'other')).toBeNull(),
  },
  {
    name: 'admin cannot link the owner’s file either → 401',
    who: 'admin',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"new-av"}',
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'a file others may also change is not owned → 401',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"shared"}',
    setup: (repo) =>
      repo.addFile('shared', { $permissions: [...own(IDS.owner), 'update("users")'] }),
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'a file made with a key (no user permissions) is not owned → 401',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"keyed"}',
    setup: (repo) => repo.addFile('keyed', { $permissions: ['read("any")'] }),
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'a missing file → 404 storage_file_not_found',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"nope"}',
    status: 404,
    type: 'storage_file_not_found',
    noWrites: true,
  },
  {
    name: 'not an image → 400 fields.fileId avatar_not_image',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"doc"}',
    setup: (repo) => repo.addFile('doc', { mimeType: 'application/pdf' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { fileId: 'avatar_not_image' },
    noWrites: true,
  },
  {
    name: 'SVG is refused → 400 avatar_not_image',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"svg"}',
    setup: (repo) => repo.addFile('svg', { mimeType: 'image/svg+xml' }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { fileId: 'avatar_not_image' },
    noWrites: true,
  },
  {
    name: 'over 2 MiB → 400 fields.fileId avatar_too_large',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"big"}',
    setup: (repo) => repo.addFile('big', { sizeOriginal: 2 * 1024 * 1024 + 1 }),
    status: 400,
    type: 'general_argument_invalid',
    fields: { fileId: 'avatar_too_large' },
    noWrites: true,
  },
  {
    name: 'a forged file id → 400 fields.fileId invalid_id',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"../exports/x"}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { fileId: 'invalid_id' },
    noWrites: true,
  },
  {
    name: 'missing fileId → 400 fields.fileId',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{}',
    status: 400,
    type: 'general_argument_invalid',
    fields: { fileId: 'invalid_type' },
    noWrites: true,
  },
  {
    name: 'owned file but no profile → 404, nothing deleted',
    who: 'owner',
    route: Route.profiles.setAvatar,
    body: '{"fileId":"new-av"}',
    setup: (repo) => repo.profiles.delete(IDS.owner),
    status: 404,
    type: 'row_not_found',
    noWrites: true,
  },
  // DELETE /profile/avatar
  {
    name: 'guest cannot remove an avatar → 401',
    who: 'guest',
    route: Route.profiles.removeAvatar,
    status: 401,
    type: 'user_unauthorized',
    noWrites: true,
  },
  {
    name: 'owner removes their avatar → 200 avatarId null; the file is deleted',
    who: 'owner',
    route: Route.profiles.removeAvatar,
    status: 200,
    after: (repo, body) => {
      expect(body).toMatchObject({ $id: IDS.owner, avatarId: null });
      expect(repo.files.has('old-av')).toBe(false);
    },
  },
  {
    name: 'other user removing "their" avatar touches only theirs (none: no-op)',
    who: 'other',
    route: Route.profiles.removeAvatar,
    status: 200,
    noWrites: true,
    after: (repo, body) => {
      expect(body).toMatchObject({ $id: IDS.other, avatarId: null });
      expect(avatarOf(repo, 'owner')).toBe('old-av');
    },
  },
  {
    name: 'admin likewise: the owner’s avatar stays',
    who: 'admin',
    route: Route.profiles.removeAvatar,
    status: 200,
    noWrites: true,
    after: (repo) => expect(repo.files.has('old-av')).toBe(true),
  },
  {
    name: 'remove with a body → 400',
    who: 'owner',
    route: Route.profiles.removeAvatar,
    body: '{"fileId":"old-av"}',
    status: 400,
    type: 'general_bad_request',
    noWrites: true,
  },
];

describe('profiles routes in-process', () => {
  test.each(scenarios)('$name', async (s) => {
    const repo = world();
    s.setup?.(repo);
    const result = await call(repo, s.who, s.route, s.body ?? '');
    expect(result.statusCode, result.text).toBe(s.status);
    if (s.type) expect(result.body.type).toBe(s.type);
    if (s.fields) {
      const codes = Object.fromEntries(
        Object.entries(result.body.fields as Record<string, { code: string }>).map(([k, v]) => [
          k,
          v.code,
        ]),
      );
      expect(codes).toEqual(s.fields);
    } else {
      expect(result.body.fields).toBeUndefined();
    }
    for (const text of NO_LEAK) expect(result.text).not.toContain(text);
    if (s.noWrites) expect(repo.writes).toEqual([]);
    s.after?.(repo, result.body);
  });

  test('unknown path and a known path with another method → 404', async () => {
    const repo = world();
    for (const request of [
      { method: 'GET', path: '/profile' },
      { method: 'POST', path: '/profile/avatar' },
    ]) {
      const result = await execute(handlerFor(repo), {
        ...request,
        headers: { 'x-appwrite-user-id': IDS.owner },
      });
      expect(result.statusCode).toBe(404);
      expect(result.json()).toMatchObject({ type: 'general_route_not_found' });
    }
    expect(repo.writes).toEqual([]);
  });
});

describe('ownedBy', () => {
  test.each([
    { perms: own('u1'), owned: true },
    { perms: ['update("user:u1")'], owned: true },
    { perms: ['read("any")', 'delete("user:u1")'], owned: true },
    { perms: ['read("user:u1")'], owned: false },
    { perms: [], owned: false },
    { perms: [...own('u1'), 'delete("user:u2")'], owned: false },
    { perms: ['update("user:u1/verified")'], owned: false },
    { perms: ['update("users")'], owned: false },
  ])('$perms → $owned', ({ perms, owned }) => {
    expect(
      ownedBy({ $id: 'f', mimeType: 'image/png', sizeOriginal: 1, $permissions: perms }, 'u1'),
    ).toBe(owned);
  });
});

/** Bodies a caller could send: any string, any JSON, objects with the route's keys holding anything. */
function bodies(keys: readonly string[]) {
  return fc.oneof(
    fc.string(),
    fc.json(),
    fc
      .dictionary(fc.constantFrom(...keys, 'extra', 'avatarId'), fc.jsonValue(), { maxKeys: 3 })
      .map((o) => JSON.stringify(o)),
    fc.record(Object.fromEntries(keys.map((k) => [k, fc.string()]))).map((o) => JSON.stringify(o)),
  );
}

function parsedObject(body: string): object {
  try {
    const value: unknown = JSON.parse(body);
    return typeof value === 'object' && value !== null ? value : {};
  } catch {
    return {};
  }
}

describe('fast-check: any body', () => {
  const routes: { route: RouteKey; keys: readonly string[] }[] = [
    { route: Route.profiles.update, keys: ['name', 'bio'] },
    { route: Route.profiles.setAvatar, keys: ['fileId'] },
    { route: Route.profiles.removeAvatar, keys: [] },
  ];
  test.each(routes)(
    '$route: no 5xx; a refusal writes nothing; a 400 names the field',
    async ({ route, keys }) => {
      await fc.assert(
        fc.asyncProperty(bodies(keys), async (body) => {
          const repo = world();
          const result = await call(repo, 'owner', route, body);
          expect(result.statusCode, result.text).toBeLessThan(500);
          if (result.statusCode >= 400) expect(repo.writes).toEqual([]);
          if (result.body.type === 'general_argument_invalid') {
            // A field of the route, an unknown key the body carried, or '' for the body as a whole.
            const sent = Object.keys(parsedObject(body));
            const named = Object.keys(result.body.fields as object);
            expect(named.length).toBeGreaterThan(0);
            for (const name of named) {
              const allowed = ['', ...keys, ...sent];
              const known = allowed.some((key) => name === key || name.startsWith(`${key}.`));
              expect(known, `${name} in ${body}`).toBe(true);
            }
          }
        }),
        { numRuns: 300 },
      );
    },
  );
});

describe('the avatars bucket in appwrite.json matches what the function expects', () => {
  test('members (label:member) may upload, anyone may read, per-file permissions on, the same size limit', async () => {
    const { readFile } = await import('node:fs/promises');
    const project = JSON.parse(
      await readFile(new URL('../../../appwrite.json', import.meta.url), 'utf8'),
    ) as { buckets: Record<string, unknown>[] };
    const bucket = project.buckets.find((b) => b.$id === 'avatars');
    expect(bucket).toMatchObject({
      $permissions: ['read("any")', 'create("label:member")'],
      fileSecurity: true,
      maximumFileSize: AvatarRules.maxBytes,
    });
    // Every allowed type has an extension the bucket accepts.
    const extensions = bucket?.allowedFileExtensions as string[];
    for (const type of AvatarRules.mimeTypes) {
      expect(extensions).toContain(type.replace('image/', ''));
    }
  });
});
