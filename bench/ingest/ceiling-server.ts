/**
 * The ceiling: a bare Node HTTP server that only reads and JSON.parses each body and answers like the
 * collector (202 with the number of events). No validation, enrichment or storage. Prints its URL.
 */
import http from 'node:http';

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let n = 0;
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { events?: unknown[] };
      n = Array.isArray(body.events) ? body.events.length : 0;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"success":false}');
      return;
    }
    res.writeHead(202, { 'content-type': 'application/json' }).end(`{"success":true,"events_received":${n}}`);
  });
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`listening http://127.0.0.1:${addr.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
