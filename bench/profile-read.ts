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
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import { Client, ID, TablesDB, Users } from 'node-appwrite';
import { topFrames } from './lib/cpu-profile.ts';
import { load } from './lib/load.ts';
import { createSchema, insertRows } from './tablesdb.ts';

const root = new URL('../', import.meta.url).pathname;
const top = Number(process.argv[2] ?? 15);
const withSession = process.argv[3] === 'session';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

const dataDir = mkdtempSync(join(tmpdir(), 'agora-profile-read-'));
const profileDir = join(dataDir, 'profile');
const child: ChildProcess = spawn(
  process.execPath,
  [
    '--import',
    pathToFileURL(join(root, 'node_modules/tsx/dist/loader.mjs')).href,
    '--cpu-prof',
    '--cpu-prof-dir',
    profileDir,
    join(root, 'emulator/main.ts'),
    '--port',
    '0',
    '--data',
    join(dataDir, 'data'),
    '--project',
    'bench',
    '--no-abuse',
  ],
  { cwd: dataDir, stdio: ['ignore', 'pipe', 'inherit'] },
);
const url = await new Promise<string>((resolve, reject) => {
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    const match = line.match(/ready at (http:\/\/\S+\/v1)/);
    if (match?.[1]) resolve(match[1]);
  });
  child.once('exit', (code) => reject(new Error(`the local Appwrite exited early with ${code}`)));
});
try {
  const credentials = JSON.parse(readFileSync(join(dataDir, 'data', 'credentials.json'), 'utf8'));
  const client = new Client().setEndpoint(url).setProject('bench').setKey(credentials.apiKey);
  const tables = new TablesDB(client);
  await createSchema(tables);
  await insertRows(tables, 0, 20_000);
  const headers: Record<string, string> = { 'x-appwrite-project': 'bench' };
  if (withSession) {
    const users = new Users(client);
    const user = await users.create({ userId: ID.unique(), email: 'reader@example.com' });
    headers['x-appwrite-session'] = (await users.createSession({ userId: user.$id })).secret;
  } else {
    headers['x-appwrite-key'] = credentials.apiKey;
  }
  const read = await load({
    url: `${url}/tablesdb/bench/tables/items/rows/row12345`,
    headers,
    connections: 50,
    seconds: SECONDS,
  });
  console.log(`GET row by id: ${Math.round(read.requestsPerSec)} req/s, ${read.failed} failed`);
} finally {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
const [file] = readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile'));
if (!file) throw new Error('the server wrote no CPU profile');
const { busyMs, frames } = topFrames(join(profileDir, file), top);
console.log(`Server CPU profile; busy ${busyMs} ms`);
console.log('self ms  share  frame');
for (const { ms, share, frame } of frames) {
  console.log(`${String(ms).padStart(7)}  ${`${share}%`.padStart(5)}  ${frame}`);
}
if (process.env.KEEP_PROFILE) console.log(`kept ${join(profileDir, file)}`);
else rmSync(dataDir, { recursive: true, force: true });
