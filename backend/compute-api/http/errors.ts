// The API's last handlers: 405 for a known path with the wrong method, 404 for unknown paths,
// and the error handler that turns anything thrown into Nova's fault body.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../common/log.js';
import { ApiFault, faultBody, toFault } from '../faults.js';
import { hidePaths } from '../../common/host-paths.js';

export const methodNotAllowed: RequestHandler = (_req, res) => {
  res.status(405).json(faultBody(405, 'The method specified is not allowed for this resource.'));
};

export const resourceNotFound: RequestHandler = (_req, res) => {
  res.status(404).json(faultBody(404, 'The resource could not be found.'));
};

/**
 * Errors of express and its body parser, in Nova's words: each is the client's mistake and
 * carries a 4xx status (a malformed percent-escape in the path is the router's URIError, 400).
 */
function requestFault(err: { type?: string; status?: number }): { status: number; message: string } | null {
  switch (err.type) {
    case 'entity.too.large':
      return { status: 413, message: 'Request is too large.' };
    case 'entity.parse.failed':
      return { status: 400, message: 'Malformed request body' };
    case 'entity.too.deep':
      return { status: 400, message: 'Malformed request body: it nests too deeply.' };
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return { status: 415, message: 'Unsupported Content-Type' };
    case 'request.aborted':
      return { status: 400, message: 'Request aborted' };
    default:
      break;
  }
  if (err instanceof URIError) return { status: 400, message: 'Malformed request URL: a percent-escape does not decode.' };
  if (typeof err.status === 'number' && err.status >= 400 && err.status < 500)
    return { status: err.status, message: 'The request could not be read.' };
  return null;
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const known = err && typeof err === 'object' && !(err instanceof ApiFault) ? requestFault(err as { type?: string }) : null;
    const f = known ? { ...known, headers: {}, unexpected: false } : toFault(err);
    if (f.unexpected) log.error(`${req.method} ${req.originalUrl} failed: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) {
      res.end();
      return;
    }
    // A host path in a message (a driver's or glance's text, say) stays in the log.
    const shown = hidePaths(f.message);
    if (shown !== f.message && !f.unexpected) log.warn(`${req.method} ${req.originalUrl} → ${f.status}: ${f.message}`);
    res.set(f.headers).status(f.status).json(faultBody(f.status, shown));
  };
}
