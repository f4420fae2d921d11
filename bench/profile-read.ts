/**
 * The CPU profile of the point read (issue 17): the local Appwrite runs under `--cpu-prof`, 50
 * connections GET one row by id with an API key for a few seconds (as the `tablesdb` group does), and
 * the server's top frames by self time are printed.
 *
 *   npx tsx bench/profile-read.ts [frames=15] [session]
 *
 * With `session`, the reads carry a user's session instead of the key (the table grants `users` read).
 * The summary covers the whole run, the 20,000-row set-up included; `KEEP_PROFILE=1` keeps the
 * .cpuprofile (its path is printed) for a closer look. Not part of `npm run bench`: a profile slows
 * what it measures.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, ID, TablesDB, Users } from 'node-appwrite';
import { printTopFrames, profileIn } from './lib/cpu-profile.ts';
import { load } from './lib/load.ts';
import { startLocalAppwrite } from './lib/processes.ts';
import { createSchema, insertRows } from './tablesdb.ts';

const top = Number(process.argv[2] ?? 15);
const withSession = process.argv[3] === 'session';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const profileDir = mkdtempSync(join(tmpdir(), 'agora-profile-read-'));
const server = await startLocalAppwrite(profileDir);
const { url } = server;
try {
  const client = new Client().setEndpoint(url).setProject('bench').setKey(server.apiKey);
  const tables = new TablesDB(client);
  await createSchema(tables);
  await insertRows(tables, 0, 20_000);
  const headers: Record<string, string> = { 'x-appwrite-project': 'bench' };
  if (withSession) {
    const users = new Users(client);
    const user = await users.create({ userId: ID.unique(), email: 'reader@example.com' });
    headers['x-appwrite-session'] = (await users.createSession({ userId: user.$id })).secret;
  } else {
    headers['x-appwrite-key'] = server.apiKey;
  }
  const read = await load({
    url: `${url}/tablesdb/bench/tables/items/rows/row12345`,
    headers,
    connections: 50,
    seconds: SECONDS,
  });
  console.log(`GET row by id: ${Math.round(read.requestsPerSec)} req/s, ${read.failed} failed`);
} finally {
  await server.stop();
}
const file = profileIn(profileDir);
printTopFrames('Server CPU profile', file, top);
if (process.env.KEEP_PROFILE) console.log(`kept ${file}`);
else rmSync(profileDir, { recursive: true, force: true });
