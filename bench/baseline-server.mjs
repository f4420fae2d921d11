// The baseline for the local Appwrite's point read: node:http and better-sqlite3 answering
// GET /rows/<id> with the row as JSON — no framework, no auth, no permissions. Whatever the local
// Appwrite spends beyond this is the cost of being Appwrite.
import { createServer } from 'node:http';
import Database from 'better-sqlite3';

const [file, count] = process.argv.slice(2);
const db = new Database(file);
db.pragma('journal_mode = WAL');
db.exec('CREATE TABLE items (id TEXT PRIMARY KEY, owner TEXT, n INTEGER, title TEXT)');
const insert = db.prepare('INSERT INTO items VALUES (?, ?, ?, ?)');
db.transaction(() => {
  for (let i = 0; i < Number(count); i++) insert.run(`row${i}`, `owner${i % 50}`, i, `Item ${i}`);
})();
const get = db.prepare('SELECT * FROM items WHERE id = ?');

const server = createServer((req, res) => {
  const row = get.get(req.url.slice('/rows/'.length));
  res.writeHead(row ? 200 : 404, { 'content-type': 'application/json' });
  res.end(JSON.stringify(row ?? { message: 'not found' }));
});
server.listen(0, '127.0.0.1', () => {
  console.log(`listening at http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
