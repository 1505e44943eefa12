// Reading the serial console log: all of it, or its last N lines without reading a big
// file whole (the log keeps every boot of the instance).
import fs from 'node:fs/promises';

const CHUNK = 64 * 1024;

/** The last `lines` lines of `file` (all of it when lines is absent); '' if it is missing. */
export async function readConsoleLog(file: string, lines?: number | null): Promise<string> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw err;
  }
  try {
    const { size } = await handle.stat();
    if (!lines) return (await handle.readFile()).toString('utf8');
    let start = size;
    let text = Buffer.alloc(0);
    // Read backwards until the chunk holds more than `lines` line breaks.
    while (start > 0 && countNewlines(text) <= lines) {
      const from = Math.max(0, start - CHUNK);
      const buf = Buffer.alloc(start - from);
      await handle.read(buf, 0, buf.length, from);
      text = Buffer.concat([buf, text]);
      start = from;
    }
    return lastLines(text.toString('utf8'), lines);
  } finally {
    await handle.close();
  }
}

function countNewlines(b: Buffer): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  return n;
}

/** The last n lines of a text (a final line break does not start an empty line). */
export function lastLines(text: string, n: number): string {
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  const all = body.split('\n');
  return all.slice(-n).join('\n') + (text.endsWith('\n') ? '\n' : '');
}
