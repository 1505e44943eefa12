// The EC2 API port (8773): it listens, as in the course's nova-api, and answers with EC2-style
// XML errors — Nova removed its EC2 API (the ec2-api project replaced it). A real EC2 action is
// NotImplemented (501); a request that names no action, or one EC2 never had, is the client's
// mistake (400 MissingAction / InvalidAction, as AWS answers them).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, RequestListener } from 'node:http';

const escapeXml = (s: string) =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);

/** The actions of Nova's old EC2 API (nova/api/ec2/cloud.py). */
export const EC2_ACTIONS = new Set([
  'AllocateAddress',
  'AssociateAddress',
  'AttachVolume',
  'AuthorizeSecurityGroupIngress',
  'CreateImage',
  'CreateKeyPair',
  'CreateSecurityGroup',
  'CreateSnapshot',
  'CreateTags',
  'CreateVolume',
  'DeleteKeyPair',
  'DeleteSecurityGroup',
  'DeleteSnapshot',
  'DeleteTags',
  'DeleteVolume',
  'DeregisterImage',
  'DescribeAddresses',
  'DescribeAvailabilityZones',
  'DescribeImageAttribute',
  'DescribeImages',
  'DescribeInstanceAttribute',
  'DescribeInstances',
  'DescribeKeyPairs',
  'DescribeRegions',
  'DescribeSecurityGroups',
  'DescribeSnapshots',
  'DescribeTags',
  'DescribeVolumes',
  'DetachVolume',
  'DisassociateAddress',
  'GetConsoleOutput',
  'GetPasswordData',
  'ImportKeyPair',
  'ModifyImageAttribute',
  'ModifyInstanceAttribute',
  'RebootInstances',
  'RegisterImage',
  'ReleaseAddress',
  'RevokeSecurityGroupIngress',
  'RunInstances',
  'StartInstances',
  'StopInstances',
  'TerminateInstances',
  'UpdateImage',
]);

/** Form bodies beyond this are not read further (no EC2 query is that long). */
const MAX_FORM = 64 * 1024;

export interface Ec2Reply {
  status: number;
  code: string;
  message: string;
}

/** Pure: the answer to a request naming `action` (null: none). */
export function ec2Reply(action: string | null): Ec2Reply {
  if (!action) return { status: 400, code: 'MissingAction', message: 'The request must contain the parameter Action.' };
  if (!EC2_ACTIONS.has(action))
    return { status: 400, code: 'InvalidAction', message: 'The action or operation requested is not valid for this web service.' };
  return {
    status: 501,
    code: 'NotImplemented',
    message: `The EC2 action ${action} is not implemented by novalab (Nova dropped its EC2 API; use the compute API on port 8774).`,
  };
}

export function ec2Error(r: Ec2Reply, requestId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<Response><Errors><Error><Code>${r.code}</Code><Message>${escapeXml(r.message)}</Message></Error></Errors>` +
    `<RequestID>${requestId}</RequestID></Response>\n`
  );
}

/** The query string of a request target, whatever its shape (never throws, unlike new URL). */
const queryOf = (url: string | undefined) => {
  const q = (url ?? '').indexOf('?');
  return new URLSearchParams(q >= 0 ? (url ?? '').slice(q + 1) : '');
};

function readForm(req: IncomingMessage, done: (form: URLSearchParams | null) => void): void {
  let data = '';
  let finished = false;
  const finish = (form: URLSearchParams | null) => {
    if (!finished) {
      finished = true;
      done(form);
    }
  };
  req.setEncoding('utf8');
  req.on('data', (c: string) => {
    if (data.length < MAX_FORM) data += c;
  });
  req.on('end', () => finish(new URLSearchParams(data.slice(0, MAX_FORM))));
  req.on('error', () => finish(null)); // the client went away mid-body: nobody to answer
}

export const ec2App: RequestListener = (req, res) => {
  const respond = (r: Ec2Reply, extra: Record<string, string> = {}) => {
    const body = ec2Error(r, `req-${randomUUID()}`);
    res.writeHead(r.status, { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body), ...extra });
    res.end(req.method === 'HEAD' ? undefined : body);
  };
  if (req.method === 'POST') {
    readForm(req, (form) => {
      if (form) respond(ec2Reply(form.get('Action') ?? queryOf(req.url).get('Action')));
    });
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    respond({ status: 405, code: 'UnsupportedHttpVerb', message: 'The EC2 query API takes GET and POST.' }, { Allow: 'GET, HEAD, POST' });
    return;
  }
  respond(ec2Reply(queryOf(req.url).get('Action')));
};
