import { Account, Client, Query, Users } from 'node-appwrite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDerivedUserId } from '../../functions/_lib/user-ids.ts';
import { DEMO_USERS, seedUsers } from '../../scripts/seed.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

const SECRET = 'a'.repeat(64);

describe('npm run seed against the local Appwrite', () => {
  let server: LocalServer;
  let users: Users;
  beforeAll(async () => {
    server = await startLocalServer();
    users = new Users(
      new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
    );
  });
  afterAll(() => server.close());

  it('makes the demo users, one of them an admin, and a second run changes nothing', async () => {
    const first = await seedUsers(users, SECRET);
    expect(first).toContain('created admin@example.com');
    expect(first).toContain('made admin@example.com an admin');
    expect(await seedUsers(users, SECRET)).toEqual([]);

    const { users: listed } = await users.list();
    expect(listed.map((u) => u.email).sort()).toEqual(DEMO_USERS.map((u) => u.email).sort());
    const admins = listed.filter((u) => u.labels.includes('admin')).map((u) => u.email);
    expect(admins).toEqual(['admin@example.com']);
  });

  it('prints logins that work', async () => {
    for (const demo of DEMO_USERS) {
      const account = new Account(
        new Client().setEndpoint(server.endpoint).setProject(server.projectId),
      );
      const session = await account.createEmailPasswordSession({
        email: demo.email,
        password: demo.password,
      });
      const user = (await users.list({ queries: [Query.equal('email', demo.email)] })).users[0];
      expect(session.userId).toBe(user?.$id);
      expect(isDerivedUserId(SECRET, session.userId)).toBe(true);
    }
  });
});
