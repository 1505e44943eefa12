// The metadata API (port 8775): answers only for the instance named by a correctly signed
// X-Instance-ID. No signature or a wrong one: 403. An instance that does not exist: 404.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Instance } from '../../../contract/model.js';
import type { Logger } from '../../common/log.js';
import { metadataReply, notFoundReply, OPENSTACK_VERSIONS, rootListing, type MdReply } from './content.js';
import { signatureValid } from '../../shared/metadata-signature.js';

export interface MetadataDeps {
  secret: string;
  instanceGet(uuid: string): Promise<Instance | null>;
  /** Store the password a guest posts (POST /openstack/<version>/password). */
  passwordSet?(uuid: string, password: string): Promise<void>;
  log: Logger;
}

const send = (res: ServerResponse, r: MdReply) => {
  res.writeHead(r.status, { 'Content-Type': r.type, 'Content-Length': Buffer.byteLength(r.body) });
  res.end(r.body);
};

const header = (req: IncomingMessage, name: string) => {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Where a guest posts its encrypted password (cloud-init's and nova-agent's path). */
const PASSWORD_PATH = new RegExp(`^/openstack/(${OPENSTACK_VERSIONS.join('|')})/password$`);
/** Nova's limit: four system_metadata chunks of 255 characters. */
export const PASSWORD_MAX = 4 * 255;

/** The signed instance a request speaks for, or null after answering 403. */
function signedInstanceId(deps: MetadataDeps, req: IncomingMessage, res: ServerResponse, path: string): string | null {
  const id = header(req, 'x-instance-id');
  const sig = header(req, 'x-instance-id-signature');
  if (!id || !sig || !signatureValid(id, sig, deps.secret)) {
    deps.log.warn(`metadata request for ${path} refused: ${!id ? 'no X-Instance-ID' : 'bad X-Instance-ID-Signature'}`);
    send(res, { status: 403, type: 'text/plain', body: '403 Forbidden\n\nInvalid proxy request signature.\n' });
    return null;
  }
  return id;
}

/** As Nova's handle_password: set once (a second post is a 409 until the user clears it). */
function postPassword(deps: MetadataDeps, req: IncomingMessage, res: ServerResponse): void {
  const id = signedInstanceId(deps, req, res, 'password');
  if (!id) {
    req.resume();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (b: Buffer) => {
    size += b.length;
    if (size <= PASSWORD_MAX) chunks.push(b);
  });
  req.on('end', () => {
    const fail = (status: number, title: string, why = '') =>
      send(res, { status, type: 'text/plain', body: `${status} ${title}\n\n${why}\n` });
    void (async () => {
      try {
        const inst = await deps.instanceGet(id);
        if (!inst) return fail(404, 'Not Found', 'The resource could not be found.');
        if (inst.server_password) return fail(409, 'Conflict', 'There was a conflict when trying to complete your request.');
        if (size > PASSWORD_MAX) return fail(400, 'Bad Request', 'Request is too large.');
        await deps.passwordSet!(id, Buffer.concat(chunks).toString('utf8'));
        send(res, { status: 200, type: 'text/plain', body: '' });
      } catch (err) {
        deps.log.error(`metadata password of ${id} failed: ${(err as Error).message}`);
        fail(500, 'Internal Server Error', 'An unknown error has occurred.');
      }
    })();
  });
}

export function metadataApp(deps: MetadataDeps): RequestListener {
  return (req, res) => {
    const isPassword = PASSWORD_PATH.test((req.url ?? '/').split('?')[0]!);
    if (req.method === 'POST' && isPassword && deps.passwordSet) {
      postPassword(deps, req, res);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, { status: 405, type: 'text/plain', body: '405 Method Not Allowed\n' });
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') {
      send(res, rootListing());
      return;
    }
    const id = signedInstanceId(deps, req, res, path);
    if (!id) return;
    deps.instanceGet(id).then(
      (inst) => {
        send(res, inst ? metadataReply(path, inst) : notFoundReply());
      },
      (err: Error) => {
        deps.log.error(`metadata lookup of ${id} failed: ${err.message}`);
        send(res, { status: 500, type: 'text/plain', body: '500 Internal Server Error\n\nAn unknown error has occurred.\n' });
      },
    );
  };
}
