// Keystone's one error shape: {"error":{"code":401,"title":"Unauthorized","message":"…"}}.
// Routes throw a KeystoneError; the error middleware turns it (and body-parser's and anything
// unexpected) into that shape. A 500 never carries the internal message to the client.
import type { ErrorRequestHandler, Response } from 'express';
import type { Logger } from '../common/log.js';
import { statusTitle } from '../common/http/status-title.js';
import { hidePaths } from '../common/host-paths.js';

export class KeystoneError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = 'KeystoneError';
  }
}

export const AUTH_REQUIRED = 'The request you have made requires authentication.';

export const badRequest = (message: string) => new KeystoneError(400, message);
export const unauthorized = (message = AUTH_REQUIRED) => new KeystoneError(401, message);
export const forbidden = (action: string) => new KeystoneError(403, `You are not authorized to perform the requested action: ${action}.`);
export const notFound = (what: string, id: string) => new KeystoneError(404, `Could not find ${what}: ${id}.`);
export const conflict = (message: string) => new KeystoneError(409, `Conflict occurred attempting to store ${message}`);

/** Pure: the body Keystone sends for an error. */
export function errorBody(code: number, message: string) {
  return { error: { code, title: statusTitle(code), message } };
}

export function sendError(res: Response, code: number, message: string, identityUrl?: string): void {
  if (code === 401 && identityUrl) res.setHeader('WWW-Authenticate', `Keystone uri="${identityUrl}"`);
  res.status(code).json(errorBody(code, hidePaths(message)));
}

/** body-parser marks its own errors with a 4xx status and a type; the router's URIError has status 400. */
function parserError(err: { status?: number; type?: string }): KeystoneError | null {
  if (typeof err.status !== 'number' || err.status < 400 || err.status >= 500) return null;
  if (err instanceof URIError) return badRequest('Malformed request URL: a percent-escape does not decode.');
  if (err.type === 'entity.parse.failed') return badRequest('Malformed request body: the body is not valid JSON.');
  if (err.type === 'entity.too.deep') return badRequest('Malformed request body: it nests too deeply.');
  if (err.type === 'entity.too.large') return new KeystoneError(413, 'Request body is larger than the 64 KiB limit.');
  if (err.type === 'encoding.unsupported' || err.type === 'charset.unsupported') {
    return new KeystoneError(415, 'Request body must be JSON in UTF-8.');
  }
  return new KeystoneError(err.status, 'The request body could not be read.');
}

export function errorMiddleware(log: Logger, identityUrl: string): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const known = err instanceof KeystoneError ? err : parserError(err as { status?: number; type?: string });
    if (known) {
      if (hidePaths(known.message) !== known.message) log.warn(`${req.method} ${req.path} → ${known.code}: ${known.message}`);
      sendError(res, known.code, known.message, identityUrl);
      return;
    }
    log.error(`${req.method} ${req.path} failed: ${(err as Error)?.stack ?? String(err)}`);
    sendError(res, 500, 'An unexpected error prevented the server from fulfilling your request.');
  };
}
