/**
 * The local state figures of issue 18: exporting (`GET /v1/local/export`, the whole body read into a
 * file) and importing (`POST /v1/local/import` of that file, the server serving the new state when it
 * answers) a state of 100,000 rows and a few stored files, each beside copying the same data folder
 * with `fs.cp` in the same run (goal ≤ 3×). Medians of 5.
 *
 * Beside them, the transfer alone: the same file downloaded from and uploaded to a bare `node:http`
 * server in another process that only streams it or reads it — what any export or import over HTTP
 * pays before it does any work, and which copying the folder does not.
 */

import { spawn } from 'node:child_process';
import { once } from 'node:events';
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
    const [downloaded, uploaded] = await transferAlone(file, join(work, 'downloaded'));
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
        name: 'the transfer alone: that file from a bare node:http server (median of 5)',
        value: round(downloaded, 0),
        unit: 'ms',
      },
      {
        name: 'the transfer alone: that file to a bare node:http server (median of 5)',
        value: round(uploaded, 0),
        unit: 'ms',
      },
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

/**
 * Medians of downloading `file` from, and uploading it to, a `node:http` server in its own process
 * that streams the file or reads the body and answers 204 — with the same clients as the export and
 * the import.
 */
async function transferAlone(file: string, target: string): Promise<[number, number]> {
  const script = `
    const { createServer } = require('node:http');
    const { createReadStream } = require('node:fs');
    const server = createServer((request, response) => {
      if (request.method === 'GET') return createReadStream(process.argv[1]).pipe(response);
      request.on('data', () => {}).on('end', () => response.writeHead(204).end());
    });
    server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;
  const child = spawn(process.execPath, ['-e', script, file], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [port] = (await once(child.stdout, 'data')) as [Buffer];
    const url = `http://127.0.0.1:${String(port).trim()}/`;
    const download = await median(async () => {
      const response = await fetch(url);
      await pipeline(Readable.fromWeb(response.body as never), createWriteStream(target));
    });
    const upload = await median(async () => {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/octet-stream' },
        body: Readable.toWeb(createReadStream(file)) as never,
        duplex: 'half',
      } as RequestInit);
      if (response.status !== 204) throw new Error(`the bare server answered ${response.status}`);
    });
    return [download, upload];
  } finally {
    child.kill();
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
