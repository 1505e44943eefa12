// The API's last handlers: 405 for a known path with the wrong method, 404 for unknown paths,
// and the error handler that turns anything thrown into Nova's fault body.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../common/log.js';
import { faultBody, toFault } from '../faults.js';

export const methodNotAllowed: RequestHandler = (_req, res) => {
  res.status(405).json(faultBody(405, 'The method specified is not allowed for this resource.'));
};

export const resourceNotFound: RequestHandler = (_req, res) => {
  res.status(404).json(faultBody(404, 'The resource could not be found.'));
};

/** Errors of the JSON body parser, in Nova's words. */
function bodyParserFault(err: { type?: string; status?: number }): { status: number; message: string } | null {
  switch (err.type) {
    case 'entity.too.large': return { status: 413, message: 'Request is too large.' };
    case 'entity.parse.failed': return { status: 400, message: 'Malformed request body' };
    case 'encoding.unsupported': case 'charset.unsupported': return { status: 415, message: 'Unsupported Content-Type' };
    case 'request.aborted': return { status: 400, message: 'Request aborted' };
    default: return null;
  }
}

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    const parsed = bodyParserFault(err as { type?: string });
    if (parsed) { res.status(parsed.status).json(faultBody(parsed.status, parsed.message)); return; }
    const f = toFault(err);
    if (f.unexpected) log.error(`${req.method} ${req.originalUrl} failed: ${(err as Error)?.stack ?? String(err)}`);
    if (res.headersSent) { res.end(); return; }
    res.set(f.headers).status(f.status).json(faultBody(f.status, f.message));
  };
}
