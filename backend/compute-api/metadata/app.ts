// The metadata API (port 8775): answers only for the instance named by a correctly signed
// X-Instance-ID. No signature or a wrong one: 403. An instance that does not exist: 404.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Instance } from '../../../contract/model.js';
import type { Logger } from '../../common/log.js';
import { metadataReply, notFoundReply, rootListing, type MdReply } from './content.js';
import { signatureValid } from '../../shared/metadata-signature.js';

export interface MetadataDeps {
  secret: string;
  instanceGet(uuid: string): Promise<Instance | null>;
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

export function metadataApp(deps: MetadataDeps): RequestListener {
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, { status: 405, type: 'text/plain', body: '405 Method Not Allowed\n' });
      return;
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/') {
      send(res, rootListing());
      return;
    }
    const id = header(req, 'x-instance-id');
    const sig = header(req, 'x-instance-id-signature');
    if (!id || !sig || !signatureValid(id, sig, deps.secret)) {
      deps.log.warn(`metadata request for ${path} refused: ${!id ? 'no X-Instance-ID' : 'bad X-Instance-ID-Signature'}`);
      send(res, { status: 403, type: 'text/plain', body: '403 Forbidden\n\nInvalid proxy request signature.\n' });
      return;
    }
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
