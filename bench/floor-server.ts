// The floors the bench compares the lab with, one process each:
//   node <port>           a bare node:http server answering 200 (the floor of a service's start)
//   express <port>        the same with express (what the lab's services are built on)
//   body <port> <file>    a bare server that serializes the JSON in <file> on every request
//                         and sends it (the floor of GET /servers/detail)
// Imports are lazy so the node floor does not pay for express.
import http from 'node:http';
import fs from 'node:fs';

const [kind, portArg, bodyFile] = process.argv.slice(2);
const port = Number(portArg);

if (kind === 'express') {
  const { default: express } = await import('express');
  const app = express();
  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });
  app.listen(port, '127.0.0.1');
} else if (kind === 'body') {
  const body = JSON.parse(fs.readFileSync(bodyFile!, 'utf8')) as unknown;
  http
    .createServer((_req, res) => {
      const text = JSON.stringify(body);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
      res.end(text);
    })
    .listen(port, '127.0.0.1');
} else {
  http
    .createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    })
    .listen(port, '127.0.0.1');
}
