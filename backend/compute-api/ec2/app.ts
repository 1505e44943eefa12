// The EC2 API port (8773): it listens, as in the course's nova-api, and answers every query
// with an EC2-style XML error — Nova removed its EC2 API (the ec2-api project replaced it).
import { randomUUID } from 'node:crypto';
import type { RequestListener } from 'node:http';

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

export function ec2Error(action: string | null, requestId: string): string {
  const what = action ? `The EC2 action ${action} is not implemented` : 'The EC2 API is not implemented';
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Response><Errors><Error><Code>NotImplemented</Code><Message>${escapeXml(what)} by novalab (Nova dropped its EC2 API; use the compute API on port 8774).</Message></Error></Errors>`
    + `<RequestID>${requestId}</RequestID></Response>\n`;
}

export const ec2App: RequestListener = (req, res) => {
  const url = new URL(req.url ?? '/', 'http://ec2.invalid');
  const respond = (action: string | null) => {
    const body = ec2Error(action, `req-${randomUUID()}`);
    res.writeHead(501, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };
  if (req.method === 'POST') {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => { if (data.length < 65536) data += c; });
    req.on('end', () => respond(new URLSearchParams(data).get('Action')));
    return;
  }
  respond(url.searchParams.get('Action'));
};
