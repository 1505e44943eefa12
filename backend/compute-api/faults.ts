// Nova's error bodies: {"<faultName>": {"code": N, "message": "…"}}. Handlers throw an
// ApiFault; errors that come back over the bus (BusFailure) are mapped by their code.
import { BusFailure } from '../bus/errors.js';

const FAULT_NAMES: Record<number, string> = {
  400: 'badRequest',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'itemNotFound',
  405: 'badMethod',
  409: 'conflictingRequest',
  413: 'overLimit',
  415: 'badMediaType',
  429: 'overLimit',
  501: 'notImplemented',
  503: 'serviceUnavailable',
};

export const faultName = (status: number) => FAULT_NAMES[status] ?? 'computeFault';

export class ApiFault extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ApiFault';
  }
}

export const badRequest = (m: string) => new ApiFault(400, m);
export const forbidden = (m: string) => new ApiFault(403, m);
export const notFound = (m: string) => new ApiFault(404, m);
export const conflict = (m: string) => new ApiFault(409, m);
export const notImplemented = (m: string) => new ApiFault(501, m);

export const UNEXPECTED =
  'Unexpected API Error. Please report this at https://bugs.launchpad.net/nova/ and attach the Nova API log if possible.';

export function faultBody(status: number, message: string): Record<string, { code: number; message: string }> {
  return { [faultName(status)]: { code: status, message } };
}

/** Any thrown value → the status and message the client sees. Unknown errors hide their text. */
export function toFault(err: unknown): { status: number; message: string; headers: Record<string, string>; unexpected: boolean } {
  if (err instanceof ApiFault) return { status: err.status, message: err.message, headers: err.headers, unexpected: false };
  if (err instanceof BusFailure) {
    if ([400, 403, 404, 409].includes(err.code)) return { status: err.code, message: err.message, headers: {}, unexpected: false };
    if (err.code === 503 || err.code === 504 || err.retryable) {
      return { status: 503, message: `A service nova-api depends on did not answer: ${err.message}`, headers: {}, unexpected: false };
    }
  }
  const name = err instanceof Error ? err.name : typeof err;
  return { status: 500, message: `${UNEXPECTED}\n<class '${name}'>`, headers: {}, unexpected: true };
}
