// A service's log (logs/<service>.log, the process's stdout and stderr) as the lab API serves
// it: the last lines, or the lines written after a point the GUI already has, never the whole
// file — a log grows for as long as the lab runs. Each line's level is read from the lab
// logger's format, and every line is masked again for secrets: the logger already hides
// tokens, but a stack trace or a library's own output did not pass through it.
import fs from 'node:fs';
import type { LogLine } from '../../contract/service-health.js';
import { isSecretKey, REDACTED, redactText } from '../bus/redact.js';

/** The most one answer reads from a log, and the most lines it carries. */
export const LOG_READ_LIMIT = { bytes: 256 * 1024, lines: 1000, lineChars: 4000 };

// "2026-12-07T12:00:00.000Z 1234 WARNING nova-compute@host-a: …" (backend/common/log.ts)
const LOGGER_LINE = /^\d{4}-\d\d-\d\dT\S+ \d+ (INFO|WARNING|ERROR) /;
// "token": "…" and token=… in the JSON fields a logger or a library wrote.
const JSON_FIELD = /"([A-Za-z0-9_:.-]+)"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g;

/** Pure: one line as it may be shown — secrets masked, cut to a readable length. */
export function showLogLine(raw: string): string {
  const masked = redactText(raw).replace(JSON_FIELD, (all, key: string, colon: string) =>
    isSecretKey(key) ? `"${key}"${colon}"${REDACTED}"` : all,
  );
  return masked.length > LOG_READ_LIMIT.lineChars ? `${masked.slice(0, LOG_READ_LIMIT.lineChars)}…` : masked;
}

export function logLevel(line: string): LogLine['level'] {
  return (LOGGER_LINE.exec(line)?.[1] as LogLine['level'] | undefined) ?? null;
}

/**
 * Pure: the complete lines of `chunk`, which starts at byte `start` of the file. A last line
 * without its newline is left for the next read (it is still being written) unless `final`
 * says nothing more will come for it (a single line longer than a read).
 */
export function splitLogChunk(chunk: Buffer, start: number, final = false): { lines: LogLine[]; end: number } {
  const lines: LogLine[] = [];
  let from = 0;
  for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, from)) {
    const raw = chunk.subarray(from, nl).toString('utf8').replace(/\r$/, '');
    lines.push({ at: start + from, level: logLevel(raw), text: showLogLine(raw) });
    from = nl + 1;
  }
  if (final && from < chunk.length) {
    const raw = chunk.subarray(from).toString('utf8');
    lines.push({ at: start + from, level: logLevel(raw), text: showLogLine(raw) });
    from = chunk.length;
  }
  return { lines, end: start + from };
}

/** Pure: where to start reading — the tail's first whole line, or `after` while it is inside the file. */
export function readWindow(
  size: number,
  after: number | null,
  limit = LOG_READ_LIMIT.bytes,
): { start: number; end: number; tail: boolean } {
  // A file shorter than `after` was replaced (a new state dir, a truncation): read its tail.
  if (after === null || after > size) return { start: Math.max(0, size - limit), end: size, tail: true };
  return { start: after, end: Math.min(size, after + limit), tail: false };
}

/** The lines to serve from `file`: see LabLogs in contract/service-health.ts. */
export async function readServiceLog(
  file: string,
  after: number | null,
  limit = LOG_READ_LIMIT,
): Promise<{ lines: LogLine[]; next: number; truncated: boolean }> {
  let fh: fs.promises.FileHandle;
  try {
    fh = await fs.promises.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { lines: [], next: 0, truncated: false };
    throw err;
  }
  try {
    const { size } = await fh.stat();
    const w = readWindow(size, after, limit.bytes);
    const buf = Buffer.alloc(w.end - w.start);
    const { bytesRead } = await fh.read(buf, 0, buf.length, w.start);
    let chunk = buf.subarray(0, bytesRead);
    let start = w.start;
    // A tail that starts mid-file starts at its first whole line.
    if (w.tail && start > 0) {
      const nl = chunk.indexOf(10);
      chunk = nl === -1 ? chunk.subarray(chunk.length) : chunk.subarray(nl + 1);
      start = w.end - chunk.length;
    }
    // A read that is full but has no newline holds one giant line: serve it cut, or the reader stalls.
    const final = chunk.length === limit.bytes && chunk.indexOf(10) === -1;
    const { lines, end } = splitLogChunk(chunk, start, final);
    const kept = lines.length > limit.lines ? lines.slice(-limit.lines) : lines;
    return { lines: kept, next: end, truncated: (w.tail && w.start > 0) || kept.length < lines.length };
  } finally {
    await fh.close();
  }
}
