// Deeply nested JSON parses fine in V8 but then overflows the stack of whatever walks it
// (schema checks, error messages, JSON.stringify for an event). No OpenStack body nests
// more than a handful of levels, so a body nested deeper is refused before it is parsed,
// as the client's mistake (400).

/** Far above any real body (keystone's auth is 5 levels, nova's server create 4). */
export const MAX_JSON_DEPTH = 32;

/** Pure: does this JSON text open more than `limit` arrays/objects inside each other? One pass, no recursion. */
export function jsonTooDeep(text: Buffer | string, limit = MAX_JSON_DEPTH): boolean {
  const buf = typeof text === 'string' ? Buffer.from(text) : text;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i]!;
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: the next byte is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

export class JsonTooDeepError extends Error {
  readonly status = 400;
  readonly type = 'entity.too.deep';
  constructor(limit = MAX_JSON_DEPTH) {
    super(`The request body nests more than ${limit} levels.`);
    this.name = 'JsonTooDeepError';
  }
}

/** body-parser's `verify` hook: refuse a too-deep body with a 400 the error handlers recognise by its type. */
export function verifyJsonDepth(limit = MAX_JSON_DEPTH): (req: unknown, res: unknown, buf: Buffer) => void {
  return (_req, _res, buf) => {
    if (jsonTooDeep(buf, limit)) throw new JsonTooDeepError(limit);
  };
}
