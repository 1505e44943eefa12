// Glance answers errors in webob's plain-text style ("404 Not Found\n\nNo image found with ID x");
// the SDK and OSC show that text as-is. One error class carries the status and the message.

import { statusTitle } from '../common/http/status-title.js';

export class GlanceError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'GlanceError';
  }
}

/** The body Glance sends for an error: status line, blank line, explanation. */
export function plainErrorBody(status: number, message: string): string {
  return `${status} ${statusTitle(status)}\n\n${message}`;
}

export const badRequest = (message: string) => new GlanceError(400, message);
export const forbidden = (message: string) => new GlanceError(403, message);
export const conflict = (message: string) => new GlanceError(409, message);
export const imageNotFound = (id: string) => new GlanceError(404, `No image found with ID ${id}`);
