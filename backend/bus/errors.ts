// Errors that cross the bus. A handler throws a BusFailure (or any Error); the caller gets a
// BusFailure back with the same name, message, code and retryable flag.
import type { BusError } from './wire.js';

export class BusFailure extends Error {
  readonly code: number;
  readonly retryable: boolean;
  readonly details: unknown;
  constructor(name: string, message: string, opts: { code?: number; retryable?: boolean; details?: unknown } = {}) {
    super(message);
    this.name = name;
    this.code = opts.code ?? 500;
    this.retryable = opts.retryable ?? false;
    this.details = opts.details;
  }
}

export function toBusError(err: unknown): BusError {
  if (err instanceof BusFailure) {
    return { name: err.name, message: err.message, code: err.code, retryable: err.retryable, details: err.details };
  }
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name || 'Error', message: e.message, code: 500 };
}

export function fromBusError(err: BusError): BusFailure {
  return new BusFailure(err.name, err.message, { code: err.code, retryable: err.retryable, details: err.details });
}

export const timeoutError = (topic: string, method: string, ms: number): BusFailure =>
  new BusFailure('MessagingTimeout', `Timed out waiting for a reply to ${topic}.${method} after ${ms} ms`, { code: 504, retryable: true });
