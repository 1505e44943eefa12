// A service's JSON database file (nova's, keystone's, glance's), opened so that no state is
// ever lost silently, and written so that a crash or power cut leaves the old or the new
// document, never a mix.
//
// Opening: a missing file is a first start only if this database was never created (its
// marker, written outside db/, is absent) and nothing else of the lab says otherwise (e.g.
// instance disks on the hosts). A missing, unreadable, corrupt or wrongly shaped file is a
// DatabaseRefusal naming the file and what to do; the service stops with it.
//
// Writing: the whole document to a temporary file, fsync, rename over the file, fsync the
// folder (the rename itself is only durable once the directory entry is on disk).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Low, type Adapter } from 'lowdb';

export class DatabaseRefusal extends Error {
  override readonly name = 'DatabaseRefusal';
}

export interface JsonDbSpec<T> {
  file: string;
  /** As the user would name it: "nova's database". */
  what: string;
  /** Written once the database was first created; its presence makes a missing file a loss. */
  marker?: string;
  /** The lab's state directory, for the advice "remove it to start over". */
  stateDir?: string;
  empty: () => T;
  /** What is wrong with the parsed document's shape; [] when it is this database. */
  shapeProblems: (doc: unknown) => string[];
  /** Besides the marker: a sign the lab had this database (e.g. "3 instance disks under …"). */
  evidence?: () => string | null;
}

/** What to do about a database that cannot be used, in one sentence. */
export function advice(spec: JsonDbSpec<unknown>): string {
  const startOver = spec.stateDir
    ? `remove the state directory ${spec.stateDir} to start over with a new lab (everything in it is lost)`
    : 'remove it to start over with an empty database';
  return `Restore ${spec.file} from a backup, or ${startOver}.`;
}

export function readText(spec: JsonDbSpec<unknown>): string | null {
  try {
    return fs.readFileSync(spec.file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') return null;
    throw new DatabaseRefusal(
      `${spec.what} ${spec.file} cannot be read (${e.code ?? e.message}): make it a readable file again. ${advice(spec)}`,
    );
  }
}

/** Why a missing file is a lost database, not a first start (null: a first start). */
export function lossEvidence(spec: JsonDbSpec<unknown>): string | null {
  if (spec.marker && fs.existsSync(spec.marker)) return `it was created before (${spec.marker} says so)`;
  return spec.evidence?.() ?? null;
}

/** Parse and check a database document; pure apart from the messages' file names. */
export function parseDatabase<T>(spec: JsonDbSpec<T>, text: string): T {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    const why = text.trim() === '' ? 'the file is empty' : `it is not valid JSON: ${(err as Error).message}`;
    throw new DatabaseRefusal(`${spec.what} ${spec.file} is corrupt or truncated (${why}). ${advice(spec)}`);
  }
  const problems = spec.shapeProblems(doc);
  if (problems.length) {
    throw new DatabaseRefusal(
      `${spec.what} ${spec.file} is not a database novalab wrote (${problems.slice(0, 3).join('; ')}). ${advice(spec)}`,
    );
  }
  return doc as T;
}

/** Open (or, on a first start, create) a database; throws DatabaseRefusal instead of losing data. */
export async function openJsonDb<T>(spec: JsonDbSpec<T>): Promise<Low<T>> {
  fs.mkdirSync(path.dirname(spec.file), { recursive: true, mode: 0o700 });
  const text = readText(spec);
  const adapter = new DurableJsonFile<T>(spec.file);
  if (text === null) {
    const lost = lossEvidence(spec);
    if (lost) throw new DatabaseRefusal(`${spec.what} ${spec.file} is missing, but ${lost}; starting empty would lose it. ${advice(spec)}`);
    const low = new Low<T>(adapter, spec.empty());
    await low.write();
    markCreated(spec);
    return low;
  }
  const low = new Low<T>(adapter, parseDatabase(spec, text));
  markCreated(spec); // labs made before markers existed get theirs now
  return low;
}

export function markCreated(spec: JsonDbSpec<unknown>): void {
  if (!spec.marker || fs.existsSync(spec.marker)) return;
  fs.mkdirSync(path.dirname(spec.marker), { recursive: true, mode: 0o700 });
  fs.writeFileSync(spec.marker, `${new Date().toISOString()} ${spec.file}\n`, {
    mode: 0o600,
  });
}

/** Shape checks shared by the stores: each returns a problem or null. */
export const shape = {
  isObject: (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v),
  /** Problems with fields that must be arrays / objects (a missing optional field is fine). */
  fields(doc: Record<string, unknown>, arrays: string[], objects: string[], required: string[]): string[] {
    const out: string[] = [];
    for (const k of required) if (!(k in doc)) out.push(`no "${k}"`);
    for (const k of arrays) if (k in doc && !Array.isArray(doc[k])) out.push(`"${k}" is not a list`);
    for (const k of objects) if (k in doc && !shape.isObject(doc[k])) out.push(`"${k}" is not an object`);
    return out;
  },
};

/**
 * lowdb adapter: durable whole-document writes, one at a time; writes asked for while one is
 * on its way share the next one (it serialises the document as it is then).
 */
export class DurableJsonFile<T> implements Adapter<T> {
  private readonly tmp: string;
  private running: Promise<void> = Promise.resolve();
  private queued: Promise<void> | null = null;
  private latest: T | null = null;

  constructor(private readonly file: string) {
    this.tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  }

  async read(): Promise<T | null> {
    try {
      return JSON.parse(await fsp.readFile(this.file, 'utf8')) as T;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  write(data: T): Promise<void> {
    this.latest = data;
    if (this.queued) return this.queued;
    const next = this.running
      .catch(() => undefined)
      .then(() => {
        this.queued = null;
        return this.writeNow(JSON.stringify(this.latest, null, 2));
      });
    this.queued = next;
    this.running = next;
    return next;
  }

  private async writeNow(text: string): Promise<void> {
    const fh = await fsp.open(this.tmp, 'w', 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(this.tmp, this.file);
    await syncDir(path.dirname(this.file));
  }
}

/** fsync a directory so a rename in it survives a power cut (not possible on Windows). */
export async function syncDir(dir: string): Promise<void> {
  let fh: fsp.FileHandle | null = null;
  try {
    fh = await fsp.open(dir, 'r');
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (!['EISDIR', 'EPERM', 'EINVAL', 'EBADF'].includes(code ?? '')) throw err;
  } finally {
    await fh?.close();
  }
}
