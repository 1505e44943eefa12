// Pure: which file of the GUI's build a request URL names. Anything that cannot be a file of
// ours is refused here, before the file system is touched: a malformed percent-escape or a NUL
// is the client's mistake (400), never an exception in the lab's process.
import path from 'node:path';

export type StaticTarget =
  { ok: true; /** Relative to the GUI's folder; '' for the index. */ rel: string } | { ok: false; status: 400 | 405; reason: string };

export function staticTarget(method: string | undefined, rawUrl: string): StaticTarget {
  if (method !== 'GET' && method !== 'HEAD') return { ok: false, status: 405, reason: 'the GUI is read with GET or HEAD' };
  // Only the path picks a file; an absolute-form or otherwise odd target is read as a path too.
  const rawPath = rawUrl.split(/[?#]/, 1)[0]!;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return { ok: false, status: 400, reason: 'malformed percent-encoding in the path' };
  }
  if (decoded.includes('\0')) return { ok: false, status: 400, reason: 'NUL in the path' };
  // Normalised as an absolute POSIX path first, so no dot segment can climb out of the folder.
  const rel = path.posix.normalize('/' + decoded.replace(/\\/g, '/')).replace(/^\/+/, '');
  return { ok: true, rel };
}
