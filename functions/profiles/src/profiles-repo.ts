import { type Client, type Models, Storage, TablesDB, Users } from 'node-appwrite';
import { orNull } from '#lib/appwrite-errors.ts';
import { withRetry } from '#lib/retry.ts';
import { BucketId, DATABASE_ID, TableId } from '#shared/ids.ts';
import type { Profile, ProfileFields } from '#shared/schemas/profile.ts';
import { type MemberLookup, memberLookup } from '../../_lib/member.ts';

/** What the function knows about a file in the `avatars` bucket. */
export interface AvatarFile {
  $id: string;
  mimeType: string;
  sizeOriginal: number;
  /** As Appwrite stores them: `read("any")`, `update("user:…")`, … */
  $permissions: string[];
}

/** The profile fields a caller may change. */
export type ProfilePatch = Partial<Pick<ProfileFields, 'name' | 'bio' | 'avatarId'>>;

/**
 * What the `profiles` function asks of Appwrite. The node-appwrite implementation is below; the unit
 * tests use an in-memory one.
 */
export interface ProfilesRepo {
  /** The user as the member check needs them (Users API, scope `users.read`); `null` when gone. */
  getMember: MemberLookup;
  /** The profile row (row id = user id), or `null` when there is none. */
  getProfile(userId: string): Promise<Profile | null>;
  /** `null` when the row is gone. */
  updateProfile(userId: string, patch: ProfilePatch): Promise<Profile | null>;
  /** The file in the `avatars` bucket, or `null` when there is none with this id. */
  getAvatarFile(fileId: string): Promise<AvatarFile | null>;
  /** `true` when this call deleted it, `false` when it was already gone. */
  deleteAvatarFile(fileId: string): Promise<boolean>;
}

/** The row as the browser reads it: the system fields and the stored ones, nothing else. */
function profileOf(row: Models.Row): Profile {
  const r = row as unknown as Profile;
  return {
    $id: r.$id,
    $sequence: r.$sequence,
    $tableId: r.$tableId,
    $databaseId: r.$databaseId,
    $createdAt: r.$createdAt,
    $updatedAt: r.$updatedAt,
    $permissions: r.$permissions,
    name: r.name,
    handle: r.handle ?? null,
    bio: r.bio ?? null,
    avatarId: r.avatarId ?? null,
    postsCount: r.postsCount ?? 0,
    commentsCount: r.commentsCount ?? 0,
    likesReceived: r.likesReceived ?? 0,
  };
}

/**
 * The repository over `node-appwrite`, with the execution's client. Reads and deletes by id are
 * retried on transient failures (`withRetry`); the update is a set of fixed values, so repeating it
 * changes nothing either.
 */
export function createProfilesRepo(client: Client): ProfilesRepo {
  const tables = new TablesDB(client);
  const storage = new Storage(client);
  const users = new Users(client);
  const databaseId = DATABASE_ID;
  const tableId = TableId.profiles;
  const bucketId = BucketId.avatars;
  return {
    getMember: memberLookup(users),
    async getProfile(userId) {
      const row = await withRetry(() =>
        orNull(() => tables.getRow({ databaseId, tableId, rowId: userId })),
      );
      return row === null ? null : profileOf(row);
    },
    async updateProfile(userId, patch) {
      const row = await withRetry(() =>
        orNull(() => tables.updateRow({ databaseId, tableId, rowId: userId, data: patch })),
      );
      return row === null ? null : profileOf(row);
    },
    async getAvatarFile(fileId) {
      const file = await withRetry(() => orNull(() => storage.getFile({ bucketId, fileId })));
      if (file === null) return null;
      const { $id, mimeType, sizeOriginal, $permissions } = file;
      return { $id, mimeType, sizeOriginal, $permissions };
    },
    async deleteAvatarFile(fileId) {
      const deleted = await withRetry(() => orNull(() => storage.deleteFile({ bucketId, fileId })));
      return deleted !== null;
    },
  };
}
