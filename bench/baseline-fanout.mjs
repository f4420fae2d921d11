/**
 * The Realtime fan-out baseline: bare node:http + ws, no permissions, no channels. A POST to
 * /broadcast sends its body to every connected socket, then answers 204. Prints
 * `listening at http://127.0.0.1:<port>` once it serves.
 */
import { createServer } from 'node:http';
import { WebSocketServer } from 'ws';

const server = createServer((request, response) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    for (const client of wss.clients) client.send(body);
    response.writeHead(204).end();
  });
});
const wss = new WebSocketServer({ server });
server.listen(0, '127.0.0.1', () => {
  console.log(`listening at http://127.0.0.1:${server.address().port}`);
});
process.on('SIGTERM', () => process.exit(0));
