import { Query } from 'appwrite';
import { DATABASE_ID, TableId } from '#shared/ids.ts';
import { profilesQueries } from '#shared/queries.ts';
import { Profile } from '#shared/schemas/profile.ts';
import { tables } from '../appwrite.ts';
import { withRetry } from '../retry.ts';

/** Profiles by id, in batches of 100 (`Query.equal('$id', ids)`); unknown ids are simply absent. */
export async function profilesByIds(ids: string[]): Promise<Profile[]> {
  const profiles: Profile[] = [];
  for (let i = 0; i < ids.length; i += 100) {
    const chunk = ids.slice(i, i + 100);
    const result = await withRetry(() =>
      tables.listRows({
        databaseId: DATABASE_ID,
        tableId: TableId.profiles,
        queries: profilesQueries(chunk),
        total: false,
      }),
    );
    for (const row of result.rows) {
      const parsed = Profile.safeParse(row);
      if (parsed.success) profiles.push(parsed.data);
    }
  }
  return profiles;
}

/** The member holding `handle` (index `handle`, unique); `null` when nobody does. */
export async function profileIdByHandle(handle: string): Promise<string | null> {
  const result = await withRetry(() =>
    tables.listRows({
      databaseId: DATABASE_ID,
      tableId: TableId.profiles,
      queries: [Query.equal('handle', handle.toLowerCase()), Query.select(['$id']), Query.limit(1)],
      total: false,
    }),
  );
  return result.rows[0]?.$id ?? null;
}
