/**
 * The local state figures of issue 18: exporting (`GET /v1/local/export`, the whole body read into a
 * file) and importing (`POST /v1/local/import` of that file, the server serving the new state when it
 * answers) a state of 100,000 rows and a few stored files, each beside copying the same data folder
 * with `fs.cp` in the same run (goal ≤ 3×). Medians of 5.
 */

import { createReadStream, createWriteStream, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { cp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client, ID, Storage, TablesDB } from 'node-appwrite';
import { InputFile } from 'node-appwrite/file';
import { round } from './lib/load.ts';
import { startLocalAppwrite } from './lib/processes.ts';
import type { Figure } from './lib/report.ts';
import { createSchema, insertRows } from './tablesdb.ts';

const RUNS = 5;
const ROWS = 100_000;
const FILES = 20;
const FILE_BYTES = 256 * 1024;

export async function benchLocalState(): Promise<Figure[]> {
  const server = await startLocalAppwrite();
  const work = mkdtempSync(join(tmpdir(), 'agora-bench-state-'));
  try {
    const client = new Client()
      .setEndpoint(server.url)
      .setProject(server.projectId)
      .setKey(server.apiKey);
    const tables = new TablesDB(client);
    await createSchema(tables);
    await insertRows(tables, 0, ROWS);
    const storage = new Storage(client);
    await storage.createBucket({ bucketId: 'files', name: 'files' });
    for (let i = 0; i < FILES; i++) {
      await storage.createFile({
        bucketId: 'files',
        fileId: ID.unique(),
        file: InputFile.fromBuffer(Buffer.alloc(FILE_BYTES, i), `file${i}.bin`),
      });
    }
    const cookie = await consoleCookie(server.url, server.dataDir);
    const file = join(work, 'state.appwrite-local');

    // Streamed to and from the disk, as a browser's download and upload are.
    const exportOnce = async () => {
      const response = await fetch(`${server.url}/local/export`, { headers: { cookie } });
      if (!response.ok || !response.body) throw new Error(`export answered ${response.status}`);
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(file));
    };
    const importOnce = async () => {
      const response = await fetch(`${server.url}/local/import`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/octet-stream' },
        body: Readable.toWeb(createReadStream(file)) as never,
        duplex: 'half',
      } as RequestInit);
      if (response.status !== 204) throw new Error(`import answered ${response.status}`);
    };
    let copies = 0;
    const working = join(server.dataDir, '.local-state');
    const copyOnce = async () => {
      const target = join(work, `copy-${copies++}`);
      // The data folder's state, not the swap's working folder (`.local-state/`: an import removes
      // the state it replaced from there in the background, which a copy would race).
      await cp(server.dataDir, target, { recursive: true, filter: (source) => source !== working });
      await rm(target, { recursive: true, force: true });
    };

    const exported = await median(exportOnce);
    const imported = await median(importOnce);
    const copied = await median(copyOnce);
    // The state is still whole after the imports: the last row answers.
    const last = await tables.getRow({
      databaseId: 'bench',
      tableId: 'items',
      rowId: `row${ROWS - 1}`,
    });
    if (last.n !== ROWS - 1) throw new Error('the imported state lost rows');

    const ratio = (ms: number) => round(ms / copied, 2);
    return [
      {
        name: `export, ${ROWS / 1000}k rows + ${FILES} files (median of ${RUNS})`,
        value: round(exported, 0),
        unit: 'ms',
        baseline: round(copied, 0),
        goal: '≤ 3× copying the data folder',
        met: exported <= 3 * copied,
      },
      { name: 'export ÷ copy', value: ratio(exported), unit: '×' },
      {
        name: `import of that file (median of ${RUNS})`,
        value: round(imported, 0),
        unit: 'ms',
        baseline: round(copied, 0),
        goal: '≤ 3× copying the data folder',
        met: imported <= 3 * copied,
      },
      { name: 'import ÷ copy', value: ratio(imported), unit: '×' },
      {
        name: 'state file size',
        value: round((await stat(file)).size / 1024 ** 2, 1),
        unit: 'MiB',
        baseline: round(folderBytes(server.dataDir) / 1024 ** 2, 1),
      },
    ];
  } finally {
    await server.stop();
    await rm(work, { recursive: true, force: true });
  }
}

async function median(run: () => Promise<void>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(RUNS / 2)] as number;
}

/** The console session cookie, signed in with credentials.json's console account. */
async function consoleCookie(url: string, dataDir: string): Promise<string> {
  const credentials = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8'));
  const response = await fetch(`${url}/account/sessions/email`, {
    method: 'POST',
    headers: { 'x-appwrite-project': 'console', 'content-type': 'application/json' },
    body: JSON.stringify({
      email: credentials.consoleEmail,
      password: credentials.consolePassword,
    }),
  });
  const cookie = response.headers.getSetCookie().find((c) => c.startsWith('a_session_console='));
  if (!cookie) throw new Error(`console sign-in answered ${response.status}`);
  return cookie.split(';')[0] as string;
}

/** Bytes under a folder (the data folder the copy baseline copies, without `.local-state/`). */
function folderBytes(folder: string, top = true): number {
  let total = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    if (top && entry.name === '.local-state') continue;
    const path = join(folder, entry.name);
    if (entry.isDirectory()) total += folderBytes(path, false);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}
