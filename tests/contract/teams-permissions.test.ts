import {
  AppwriteException,
  Client,
  Functions,
  type Models,
  Permission,
  Role,
  Storage,
  TablesDB,
  Teams,
  Users,
} from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { deployFunction, ECHO_FUNCTION } from '../support/function-bundles.ts';
import { type LocalServer, startLocalServer } from './harness.ts';

/**
 * The team roles where roles count, over HTTP with the real node-appwrite: rows shared with
 * `team:crew`, `team:crew/editor` or one `member:<id>`, a bucket's file shared with the team, a
 * function whose `execute` names a team role, who may grant such roles, and Realtime — each as
 * the team's owner, an editor, a plain member, someone whose invitation is still pending, an
 * outsider, a member who was removed, a guest and an API key. A member reads, a non-member gets
 * 404; a removed member stops reading and stops hearing on a socket opened while they were in.
 */

type Actor = 'owner' | 'editor' | 'viewer' | 'pending' | 'outsider' | 'removed' | 'guest' | 'key';
type Shared = 'team' | 'editors' | 'viewer-only';

const SECRET = 'crew-only-body';
const DB = 'perm';
const TABLE = 'notes';

let server: LocalServer;
let keyClient: Client;
const clients = {} as Record<Actor, Client>;
const sessions = {} as Record<Actor, string>;
const membershipIds = {} as Record<Actor, string>;

/** Who may read which row: rows are `team` (team:crew), `editors` (team:crew/editor), `viewer-only`. */
const reads: Record<Actor, Record<Shared, boolean>> = {
  owner: { team: true, editors: false, 'viewer-only': false },
  editor: { team: true, editors: true, 'viewer-only': false },
  viewer: { team: true, editors: false, 'viewer-only': true },
  pending: { team: false, editors: false, 'viewer-only': false },
  outsider: { team: false, editors: false, 'viewer-only': false },
  removed: { team: false, editors: false, 'viewer-only': false },
  guest: { team: false, editors: false, 'viewer-only': false },
  key: { team: true, editors: true, 'viewer-only': true },
};

const clientFor = (session?: string) => {
  const client = new Client().setEndpoint(server.endpoint).setProject(server.projectId);
  return session ? client.setSession(session) : client;
};

async function signedIn(actor: Actor): Promise<void> {
  const users = new Users(keyClient);
  await users.create({ userId: actor, email: `${actor}@example.com`, password: 'password-1234' });
  sessions[actor] = (await users.createSession({ userId: actor })).secret;
  clients[actor] = clientFor(sessions[actor]);
}

/** The outcome of a call: 'ok', or the error's `code type`. */
async function outcome(work: Promise<unknown>): Promise<string> {
  try {
    await work;
    return 'ok';
  } catch (error) {
    if (error instanceof AppwriteException) return `${error.code} ${error.type}`;
    throw error;
  }
}

/** A raw Realtime socket that records the ids of the rows it hears about. */
class Listener {
  readonly heard: string[] = [];
  readonly ws: WebSocket;
  readonly ready: Promise<void>;

  constructor(session: string) {
    const url = `${server.endpoint.replace('http', 'ws')}/realtime?project=${server.projectId}&channels[]=rows`;
    this.ws = new WebSocket(url, {
      headers: {
        'x-fallback-cookies': JSON.stringify({ [`a_session_${server.projectId}`]: session }),
      },
    });
    this.ready = new Promise((resolve) =>
      this.ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'connected') resolve();
        if (frame.type === 'event') this.heard.push(frame.data.payload.$id);
      }),
    );
  }

  /** Waits (bounded) until the row `id` has been heard. */
  async hears(id: string, ms = 3000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!this.heard.includes(id)) {
      if (Date.now() > deadline) throw new Error(`never heard ${id}; heard ${this.heard}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
}

const row = (rowId: string, permissions: string[]) =>
  new TablesDB(keyClient).createRow({
    databaseId: DB,
    tableId: TABLE,
    rowId,
    data: { body: SECRET },
    permissions,
  });

beforeAll(async () => {
  server = await startLocalServer();
  keyClient = new Client()
    .setEndpoint(server.endpoint)
    .setProject(server.projectId)
    .setKey(server.apiKey);
  clients.key = keyClient;
  clients.guest = clientFor();
  for (const actor of ['owner', 'editor', 'viewer', 'pending', 'outsider', 'removed'] as const) {
    await signedIn(actor);
  }
  // The owner makes the team; a key adds the members (confirmed at once); the owner invites
  // `pending`, who never accepts.
  const ownerTeams = new Teams(clients.owner);
  await ownerTeams.create({ teamId: 'crew', name: 'Crew' });
  const keyTeams = new Teams(keyClient);
  for (const [actor, roles] of [
    ['editor', ['editor']],
    ['viewer', []],
    ['removed', ['editor']],
  ] as const) {
    const m = await keyTeams.createMembership({ teamId: 'crew', roles: [...roles], userId: actor });
    membershipIds[actor] = m.$id;
  }
  await ownerTeams.createMembership({
    teamId: 'crew',
    roles: ['editor'],
    userId: 'pending',
    url: 'http://localhost/join',
  });

  const tables = new TablesDB(keyClient);
  await tables.create({ databaseId: DB, name: DB });
  await tables.createTable({
    databaseId: DB,
    tableId: TABLE,
    name: TABLE,
    rowSecurity: true,
    permissions: [Permission.create(Role.users())],
  });
  await tables.createStringColumn({
    databaseId: DB,
    tableId: TABLE,
    key: 'body',
    size: 100,
    required: false,
  });
  await row('team', [Permission.read(Role.team('crew'))]);
  await row('editors', [Permission.read(Role.team('crew', 'editor'))]);
  await row('viewer-only', [Permission.read(Role.member(membershipIds.viewer))]);

  // `removed` read the team's row while a member; then an owner removes them.
  expect(
    await outcome(
      new TablesDB(clients.removed).getRow({ databaseId: DB, tableId: TABLE, rowId: 'team' }),
    ),
  ).toBe('ok');
  await ownerTeams.deleteMembership({ teamId: 'crew', membershipId: membershipIds.removed });
}, 30_000);

afterAll(() => server.close());

describe('rows shared with team:, team:/role and member: roles', () => {
  const cases = (Object.keys(reads) as Actor[]).flatMap((actor) =>
    (['team', 'editors', 'viewer-only'] as Shared[]).map(
      (shared) => [actor, shared, reads[actor][shared] ? '200' : '404 row_not_found'] as const,
    ),
  );

  test.each(cases)('%s gets the row shared with %s → %s', async (actor, shared, expected) => {
    const tables = new TablesDB(clients[actor]);
    const got = await outcome(tables.getRow({ databaseId: DB, tableId: TABLE, rowId: shared }));
    expect(got).toBe(expected === '200' ? 'ok' : expected);
  });

  test.each(Object.keys(reads) as Actor[])(
    '%s lists exactly the rows it may read',
    async (actor) => {
      const tables = new TablesDB(clients[actor]);
      const expected = (['team', 'editors', 'viewer-only'] as Shared[]).filter(
        (shared) => reads[actor][shared],
      );
      const list = await tables.listRows({ databaseId: DB, tableId: TABLE });
      expect(list.rows.map((r) => r.$id).sort()).toEqual(expected.sort());
      expect(list.total).toBe(expected.length);
      if (expected.length === 0) expect(JSON.stringify(list)).not.toContain(SECRET);
    },
  );
});

describe('granting team roles', () => {
  const grant = (actor: Actor, rowId: string, permissions: string[]) =>
    outcome(
      new TablesDB(clients[actor]).createRow<Models.DefaultRow>({
        databaseId: DB,
        tableId: TABLE,
        rowId,
        data: { body: 'x' },
        permissions,
      }),
    );

  test('a member may share a row with their team, their role and their own membership', async () => {
    expect(await grant('editor', 'g1', [Permission.read(Role.team('crew'))])).toBe('ok');
    expect(await grant('editor', 'g2', [Permission.read(Role.team('crew', 'editor'))])).toBe('ok');
    expect(
      await grant('viewer', 'g3', [Permission.update(Role.member(membershipIds.viewer))]),
    ).toBe('ok');
  });

  test('nobody may grant a team role they do not hold (401 user_unauthorized)', async () => {
    expect(await grant('outsider', 'g4', [Permission.read(Role.team('crew'))])).toBe(
      '401 user_unauthorized',
    );
    expect(await grant('viewer', 'g5', [Permission.read(Role.team('crew', 'editor'))])).toBe(
      '401 user_unauthorized',
    );
    expect(await grant('pending', 'g6', [Permission.read(Role.team('crew'))])).toBe(
      '401 user_unauthorized',
    );
    expect(await grant('removed', 'g7', [Permission.read(Role.team('crew'))])).toBe(
      '401 user_unauthorized',
    );
    expect(await grant('editor', 'g8', [Permission.read(Role.member(membershipIds.viewer))])).toBe(
      '401 user_unauthorized',
    );
  });
});

describe('files and function execution', () => {
  beforeAll(async () => {
    const storage = new Storage(keyClient);
    await storage.createBucket({
      bucketId: 'crewfiles',
      name: 'crew files',
      fileSecurity: true,
      permissions: [],
    });
    await storage.createFile({
      bucketId: 'crewfiles',
      fileId: 'plan',
      file: InputFile.fromBuffer(Buffer.from(SECRET), 'plan.txt'),
      permissions: [Permission.read(Role.team('crew'))],
    });
    await deployFunction(keyClient, 'crew-fn', ECHO_FUNCTION, { execute: ['team:crew/editor'] });
  }, 30_000);

  test.each([
    ['viewer', 'ok'],
    ['editor', 'ok'],
    ['outsider', '404 storage_file_not_found'],
    ['removed', '404 storage_file_not_found'],
    ['pending', '404 storage_file_not_found'],
  ] as const)('%s downloads the file shared with team:crew → %s', async (actor, expected) => {
    const storage = new Storage(clients[actor]);
    expect(await outcome(storage.getFileDownload({ bucketId: 'crewfiles', fileId: 'plan' }))).toBe(
      expected,
    );
  });

  test.each([
    ['editor', 'ok'],
    ['viewer', '401 user_unauthorized'],
    ['removed', '401 user_unauthorized'],
    ['outsider', '401 user_unauthorized'],
  ] as const)('%s executes a function for team:crew/editor → %s', async (actor, expected) => {
    const functions = new Functions(clients[actor]);
    expect(await outcome(functions.createExecution({ functionId: 'crew-fn' }))).toBe(expected);
  });
});

describe('Realtime: a membership granted or removed takes effect on open sockets', () => {
  test('a member hears the team’s rows; once removed, the same socket hears them no more', async () => {
    const users = new Users(keyClient);
    await users.create({ userId: 'late', email: 'late@example.com', password: 'password-1234' });
    const session = (await users.createSession({ userId: 'late' })).secret;
    const socket = new Listener(session);
    await socket.ready;
    const keyTeams = new Teams(keyClient);

    // Not yet a member: a row for the team is not heard; a row for all users is (the fence).
    await row('rt-before', [Permission.read(Role.team('crew'))]);
    await row('rt-fence-1', [Permission.read(Role.users())]);
    await socket.hears('rt-fence-1');

    // Added: the same socket hears the team's rows.
    const membership = await keyTeams.createMembership({
      teamId: 'crew',
      roles: [],
      userId: 'late',
    });
    await row('rt-member', [Permission.read(Role.team('crew'))]);
    await socket.hears('rt-member');

    // Removed: it hears no more of them (the fence row proves the events were delivered in order).
    await keyTeams.deleteMembership({ teamId: 'crew', membershipId: membership.$id });
    await row('rt-after', [Permission.read(Role.team('crew'))]);
    await row('rt-fence-2', [Permission.read(Role.users())]);
    await socket.hears('rt-fence-2');
    expect(socket.heard).toEqual(['rt-fence-1', 'rt-member', 'rt-fence-2']);
    socket.ws.close();
  });

  test('a member hears their team’s membership events on the memberships channel', async () => {
    const url = `${server.endpoint.replace('http', 'ws')}/realtime?project=${server.projectId}&channels[]=memberships`;
    const frames: { events: string[] }[] = [];
    const ws = new WebSocket(url, {
      headers: {
        'x-fallback-cookies': JSON.stringify({ [`a_session_${server.projectId}`]: sessions.owner }),
      },
    });
    await new Promise<void>((resolve) =>
      ws.on('message', (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === 'connected') resolve();
        if (frame.type === 'event') frames.push(frame.data);
      }),
    );
    const updated = await new Teams(clients.owner).updateMembership({
      teamId: 'crew',
      membershipId: membershipIds.viewer,
      roles: ['reader'],
    });
    const deadline = Date.now() + 3000;
    while (frames.length === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(frames[0]?.events).toContain(`teams.crew.memberships.${updated.$id}.update`);
    ws.close();
  });
});
