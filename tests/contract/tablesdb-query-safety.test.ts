import { Client, Permission, Query, Role, TablesDB } from 'node-appwrite';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { call, type LocalServer, startLocalServer } from './harness.ts';

// Security issue items 7 and 13, over HTTP as a guest: a query is answered or refused with
// Appwrite's 400, never a 500 and never a stalled server.

let server: LocalServer;
const rowsPath = '/tablesdb/agora/tables/posts/rows';

beforeAll(async () => {
  server = await startLocalServer();
  const tables = new TablesDB(
    new Client().setEndpoint(server.endpoint).setProject(server.projectId).setKey(server.apiKey),
  );
  await tables.create({ databaseId: 'agora', name: 'Agora' });
  await tables.createTable({
    databaseId: 'agora',
    tableId: 'posts',
    name: 'Posts',
    permissions: [Permission.read(Role.any())],
  });
  const column = { databaseId: 'agora', tableId: 'posts', required: false };
  await tables.createStringColumn({ ...column, key: 'title', size: 100 });
  await tables.createStringColumn({ ...column, key: 'body', size: 200_000 });
  const row = (rowId: string, body: string) =>
    tables.createRow({
      databaseId: 'agora',
      tableId: 'posts',
      rowId,
      data: { title: rowId, body },
    });
  await row('issue', `${'a'.repeat(30)}!`);
  await row('long', `${'a'.repeat(100_000)}!`);
  await row('plain', 'aaaa');
});

afterAll(async () => {
  await server.close();
});

/** A guest's row list with these queries (each a JSON string, as the SDKs send them). */
function guestList(queries: string[]) {
  const params = queries.map((q, i) => `queries[${i}]=${encodeURIComponent(q)}`).join('&');
  return call(server, 'GET', `${rowsPath}?${params}`);
}

const scenarios: [string, string[], number, string | string[]][] = [
  [
    'issue 13: startsWith with a null value → 400 general_query_invalid',
    ['{"method":"startsWith","attribute":"title","values":[null]}'],
    400,
    'general_query_invalid',
  ],
  [
    'issue 13: contains with a null value → 400 general_query_invalid',
    ['{"method":"contains","attribute":"title","values":[null]}'],
    400,
    'general_query_invalid',
  ],
  [
    'a number for a string column → 400 general_query_invalid',
    [Query.equal('title', 7)],
    400,
    'general_query_invalid',
  ],
  [
    'issue 7: ^(a+)+$ over 30 and 100,000 a’s and a ! is answered: only the clean row matches',
    [Query.regex('body', '^(a+)+$')],
    200,
    ['plain'],
  ],
  [
    'the same shape that matches finds both long rows',
    [Query.regex('body', '^(a+)+!$')],
    200,
    ['issue', 'long'],
  ],
  [
    'a backreference (RE2 has none) → 400 general_query_invalid',
    [Query.regex('body', '^(a+)\\1$')],
    400,
    'general_query_invalid',
  ],
  [
    'lookahead → 400 general_query_invalid',
    [Query.regex('body', '(?=a)a')],
    400,
    'general_query_invalid',
  ],
  [
    'a query string over 4,096 characters → 400 general_argument_invalid',
    [Query.equal('title', 'x'.repeat(4100))],
    400,
    'general_argument_invalid',
  ],
];

test.each(scenarios)('%s', async (_name, queries, status, expected) => {
  const response = await guestList(queries);
  expect(response.status).toBe(status);
  if (status === 200) {
    expect(response.json.rows.map((r: { $id: string }) => r.$id)).toEqual(expected);
  } else {
    expect(response.json).toMatchObject({ code: status, type: expected });
    expect(response.text).not.toContain('general_unknown');
  }
});
