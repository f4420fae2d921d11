/**
 * The figure of issue 6 for the CSV export: `export-users` writing 100,000 users — seconds from the
 * async execution's start to the job's `succeeded`, and the peak resident memory (VmHWM) of the
 * function's worker process. Baseline from the same run: the same worker's peak after an export that
 * matched no user, so the difference is what 100,000 users cost in memory.
 *
 * Set-up, outside the timing: the users are written straight into the local Appwrite's database
 * through its core (no password, so no KDF; one transaction), then the server starts on that data
 * folder with a project file holding Agora's tables, the `exports` bucket and `export-users` (built
 * by esbuild as `npm run build:functions` would), which it creates and deploys at start as it does for
 * `npm start`. The CSV is then downloaded through the job's token link and its lines counted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, ExecutionMethod, Functions, ID, Permission, Role, TablesDB } from 'node-appwrite';
import { databaseFile } from '../emulator/app.ts';
import { openIdentity } from '../emulator/core/identity/service.ts';
import { openDatabase } from '../emulator/core/platform/db.ts';
import { EventBus } from '../emulator/core/platform/events.ts';
import { findProjectFile } from '../emulator/project-file.ts';
import { buildFunction } from '../scripts/build-functions.ts';
import { FunctionId } from '../shared/functions.ts';
import { BucketId, DATABASE_ID, TableId } from '../shared/ids.ts';
import type { Job } from '../shared/schemas/job.ts';
import { round } from './lib/load.ts';
import type { Figure } from './lib/report.ts';

const root = new URL('../', import.meta.url).pathname;
const USERS = Number(process.env.BENCH_EXPORT_USERS ?? 100_000);
const ADMIN_ID = 'bench-admin';

/** Writes `count` users (and the admin who asks) into a fresh data folder through the core. */
function seedUsers(dataDir: string, count: number): void {
  const db = openDatabase(databaseFile(dataDir));
  try {
    // Nobody listens yet: the server that serves this folder starts afterwards.
    const { users } = openIdentity(db, new EventBus());
    db.transaction(() => {
      users.create({
        id: ADMIN_ID,
        email: 'admin@bench.local',
        phone: null,
        name: 'Admin',
        passwordHash: null,
      });
      for (let i = 0; i < count; i++) {
        const id = `u${String(i).padStart(7, '0')}`;
        const name = i % 10 === 0 ? `=cmd|"/C calc"!A${i}` : `User, number ${i}`;
        users.create({ id, email: `${id}@bench.local`, phone: null, name, passwordHash: null });
      }
    })();
  } finally {
    db.close();
  }
}

/** A project folder with Agora's appwrite.json (project `bench`, only `export-users`) and its bundle. */
async function projectFolder(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'agora-bench-export-project-'));
  const file = findProjectFile(root);
  if (!file) throw new Error('appwrite.json not found');
  const functions = (file.functions as { $id: string }[]).filter(
    (f) => f.$id === FunctionId.exportUsers,
  );
  const { path: _path, ...config } = file as Record<string, unknown>;
  writeFileSync(
    join(dir, 'appwrite.json'),
    JSON.stringify({ ...config, projectId: 'bench', functions }),
  );
  const out = join(dir, 'functions', FunctionId.exportUsers, 'dist');
  mkdirSync(out, { recursive: true });
  await buildFunction(FunctionId.exportUsers, out);
  return dir;
}

function startServer(cwd: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    [join(root, 'emulator/main.ts'), '--port', '0', '--data', dataDir, '--no-abuse'],
    { cwd, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error('the local Appwrite did not start in 60 s')),
      60_000,
    );
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      const match = line.match(/ready at (http:\/\/\S+\/v1)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`the local Appwrite exited early with ${code}`)));
  });
}

/** The processes below `pid`, from /proc. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The peak resident memory (VmHWM, MB) of the worker running `export-users`, or 0 if none yet. */
function workerPeakMb(serverPid: number): number {
  for (const pid of descendants(serverPid)) {
    try {
      if (!readlinkSync(`/proc/${pid}/cwd`).includes(`/functions/${FunctionId.exportUsers}/`))
        continue;
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const kb = Number(status.match(/^VmHWM:\s+(\d+) kB/m)?.[1] ?? 0);
      return round(kb / 1024, 1);
    } catch {
      // gone meanwhile
    }
  }
  return 0;
}

/** Queues a job as `admin` does and starts the async execution; resolves with the ended job and its time. */
async function runJob(client: Client, serverPid: number, search: string | null, expected: number) {
  const tables = new TablesDB(client);
  const job = await tables.createRow({
    databaseId: DATABASE_ID,
    tableId: TableId.jobs,
    rowId: ID.unique(),
    data: { kind: 'export-users', status: 'queued', requestedBy: ADMIN_ID, search },
    permissions: [Permission.read(Role.user(ADMIN_ID))],
  });
  const started = performance.now();
  await new Functions(client).createExecution({
    functionId: FunctionId.exportUsers,
    body: JSON.stringify({ jobId: job.$id }),
    async: true,
    xpath: '/',
    method: ExecutionMethod.POST,
  });
  let peak = 0;
  /** The peak while users are still being paged, before the upload starts. */
  let pagingPeak = 0;
  for (;;) {
    await new Promise((done) => setTimeout(done, 100));
    const now = workerPeakMb(serverPid);
    peak = Math.max(peak, now);
    const row = (await tables.getRow({
      databaseId: DATABASE_ID,
      tableId: TableId.jobs,
      rowId: job.$id,
    })) as unknown as Job;
    if (row.status === 'running' && row.processed < expected)
      pagingPeak = Math.max(pagingPeak, now);
    if (row.status === 'succeeded' || row.status === 'failed') {
      const seconds = (performance.now() - started) / 1000;
      return { row, seconds, peak: Math.max(peak, workerPeakMb(serverPid)), pagingPeak };
    }
  }
}

/** Downloads through the token link (no key, no cookie) and counts CRLF-ended lines. */
async function countLines(url: string, projectId: string, job: Job): Promise<number> {
  const query = new URLSearchParams({ project: projectId, token: job.downloadToken ?? '' });
  const response = await fetch(
    `${url}/storage/buckets/${BucketId.exports}/files/${job.fileId}/download?${query}`,
  );
  if (!response.ok || !response.body) throw new Error(`download answered ${response.status}`);
  let lines = 0;
  for await (const chunk of response.body) {
    for (const byte of chunk as Uint8Array) if (byte === 10) lines++;
  }
  return lines;
}

export async function benchExport(): Promise<Figure[]> {
  const dataDir = mkdtempSync(join(tmpdir(), 'agora-bench-export-data-'));
  const project = await projectFolder();
  seedUsers(dataDir, USERS);
  const { child, url } = await startServer(project, dataDir);
  try {
    const credentials = JSON.parse(readFileSync(join(dataDir, 'credentials.json'), 'utf8'));
    const client = new Client()
      .setEndpoint(url)
      .setProject(credentials.projectId)
      .setKey(credentials.apiKey);
    const pid = child.pid ?? 0;

    const empty = await runJob(client, pid, 'no-such-user-anywhere', 0);
    if (empty.row.status !== 'succeeded')
      throw new Error(`baseline export failed: ${empty.row.error}`);
    const full = await runJob(client, pid, null, USERS + 1);
    if (full.row.status !== 'succeeded') throw new Error(`export failed: ${full.row.error}`);
    const lines = await countLines(url, credentials.projectId, full.row);
    if (lines !== USERS + 2) throw new Error(`the CSV has ${lines} lines, expected ${USERS + 2}`);

    return [
      {
        name: `CSV export of ${USERS.toLocaleString('en')} users (+ header, checked through the token link)`,
        value: round(full.seconds, 1),
        unit: 's',
        baseline: round(empty.seconds, 2),
        goal: 'baseline: an export matching no user',
      },
      {
        name: 'export-users worker peak memory (VmHWM)',
        value: full.peak,
        unit: 'MB',
        baseline: empty.peak,
        goal: 'bounded: independent of the user count (heap cap 512 MB)',
        met: full.peak < 256,
      },
      {
        name: 'export-users worker peak while paging users (before the upload)',
        value: full.pagingPeak,
        unit: 'MB',
        baseline: empty.peak,
      },
    ];
  } finally {
    await new Promise<void>((done) => {
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { report } = await import('./lib/report.ts');
  report('Agora functions: CSV export (issue 6)', await benchExport());
}
