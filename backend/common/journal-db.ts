// A service's database kept in memory and written as what changed: a snapshot (the whole
// document, as the previous layout's single file was) plus an append-only journal of the
// records each group of mutations touched (change-tracker.ts). A write appends one line and
// fsyncs it before mutate() resolves, so it costs the size of the change, not of the database;
// when the journal has grown past the snapshot's size it is folded into a new snapshot
// (temp file, fsync, rename), so that cost is spread over as many bytes of changes.
//
// Files: <file> (snapshot, JSON, with "_journal_gen": g) and <file minus .json>.journal, whose
// first line says which snapshot generation it follows. Each journal line is
// "<8 hex of sha1(json)> <json>\n": a line cut short by a crash (only the last can be: each
// was fsynced before the next was written) fails its check and is dropped with the mutations
// it held, none of which was acknowledged. A bad line with good ones after it is damage, not a
// crash: refused, as is a corrupt snapshot (json-db.ts). A compaction that crashed between its
// two renames leaves a journal of an older generation: it is already in the snapshot, and skipped.
//
// The previous layout (the snapshot alone, no "_journal_gen") is migrated on open after a
// backup copy of the file (<file>.pre-<tag>.bak), and says so through spec.log.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { Low, type Adapter } from 'lowdb';
import { ChangeTracker, applyChanges, type Change } from './change-tracker.js';
import { DatabaseRefusal, advice, lossEvidence, markCreated, parseDatabase, readText, syncDir, type JsonDbSpec } from './json-db.js';

const GEN_KEY = '_journal_gen';

export interface JournalDbSpec<T> extends JsonDbSpec<T> {
  /** Turns a previous-layout document into this one (e.g. moves tables); the default keeps it. */
  migrate?: (doc: T) => T;
  /** Names the backup of a previous-layout file: <file>.pre-<tag>.bak. */
  migrationTag?: string;
  /** One line about what opening did (a migration). */
  log?: (line: string) => void;
  /** The journal is folded into the snapshot past max(this, the snapshot's size) bytes. */
  compactAtBytes?: number;
}

export const journalPath = (file: string) => file.replace(/\.json$/, '') + '.journal';

const checksum = (json: string) => createHash('sha1').update(json).digest('hex').slice(0, 8);
const frame = (json: string) => `${checksum(json)} ${json}\n`;

/** Pure: the journal's generation and changes; a torn last line is dropped, damage elsewhere is a refusal. */
export function parseJournal(spec: JsonDbSpec<unknown>, text: string): { gen: number; changes: Change[][]; goodBytes: number } {
  const journal = journalPath(spec.file);
  const lines = text.split('\n');
  const groups: Change[][] = [];
  let gen: number | null = null;
  let goodBytes = 0;
  let badAt: number | null = null;
  for (let n = 0; n < lines.length; n++) {
    const line = lines[n]!;
    const complete = n < lines.length - 1; // the text after the last newline was never finished
    if (line === '' && !complete) break;
    const json = line.slice(9);
    let parsed: unknown = undefined;
    if (complete && line[8] === ' ' && checksum(json) === line.slice(0, 8)) {
      try {
        parsed = JSON.parse(json);
      } catch {
        parsed = undefined;
      }
    }
    if (parsed === undefined) {
      badAt ??= n + 1;
      continue;
    }
    if (badAt !== null) {
      throw new DatabaseRefusal(
        `${spec.what} journal ${journal} is corrupt (line ${badAt} is damaged and later lines follow it). ${advice(spec)}`,
      );
    }
    if (gen === null) {
      const head = parsed as { gen?: unknown };
      if (typeof head.gen !== 'number') throw new DatabaseRefusal(`${spec.what} journal ${journal} has no header. ${advice(spec)}`);
      gen = head.gen;
    } else groups.push(parsed as Change[]);
    goodBytes += Buffer.byteLength(line) + 1;
  }
  if (gen === null) throw new DatabaseRefusal(`${spec.what} journal ${journal} is empty or truncated. ${advice(spec)}`);
  return { gen, changes: groups, goodBytes };
}

interface Loaded<T> {
  doc: T;
  /** The snapshot's generation; null for a previous-layout document. */
  gen: number | null;
  /** Journal lines replayed, or a journal to be rewritten (stale or torn). */
  dirty: boolean;
}

/** Read snapshot + journal into one document, refusing instead of losing data; never writes. */
function load<T>(spec: JsonDbSpec<T>, text: string): Loaded<T> {
  const doc = parseDatabase(spec, text) as T & Record<string, unknown>;
  const gen = doc[GEN_KEY];
  if (typeof gen !== 'number') return { doc, gen: null, dirty: true };
  delete doc[GEN_KEY];
  const journal = journalPath(spec.file);
  let jtext: string;
  try {
    jtext = fs.readFileSync(journal, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'is missing; the changes since the last snapshot would be lost' : `cannot be read (${code})`;
    throw new DatabaseRefusal(`${spec.what} journal ${journal} ${why}. ${advice(spec)}`);
  }
  const j = parseJournal(spec, jtext);
  if (j.gen > gen) {
    throw new DatabaseRefusal(
      `${spec.what} journal ${journal} follows a newer snapshot than ${spec.file} (generation ${j.gen} > ${gen}). ${advice(spec)}`,
    );
  }
  if (j.gen < gen) return { doc, gen, dirty: true }; // a compaction's leftover: already in the snapshot
  for (const group of j.changes) applyChanges(doc, group);
  const problems = spec.shapeProblems(doc);
  if (problems.length) {
    throw new DatabaseRefusal(
      `${spec.what} journal ${journal} leaves a document novalab did not write (${problems.slice(0, 3).join('; ')}). ${advice(spec)}`,
    );
  }
  return { doc, gen, dirty: j.changes.length > 0 || j.goodBytes < Buffer.byteLength(jtext) };
}

/** The state a database's files hold now (snapshot + journal), read only: for tests and tools. */
export function readJournalDb<T>(spec: JsonDbSpec<T>): T {
  const text = readText(spec);
  if (text === null) throw new DatabaseRefusal(`${spec.what} ${spec.file} is missing.`);
  return load(spec, text).doc;
}

/** Write a whole file so that a crash leaves the old or the new one. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  const fh = await fsp.open(tmp, 'w', 0o600);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
  await syncDir(path.dirname(file));
}

/** Open (create, or migrate from the previous layout) a journalled database. */
export async function openJournalDb<T extends object>(spec: JournalDbSpec<T>): Promise<JournalDb<T>> {
  fs.mkdirSync(path.dirname(spec.file), { recursive: true, mode: 0o700 });
  const text = readText(spec);
  if (text === null) {
    const lost = lossEvidence(spec);
    if (lost) throw new DatabaseRefusal(`${spec.what} ${spec.file} is missing, but ${lost}; starting empty would lose it. ${advice(spec)}`);
    const db = new JournalDb(spec, spec.empty(), 0);
    await db.compact();
    markCreated(spec);
    return db;
  }
  const loaded = load(spec, text);
  let doc = loaded.doc;
  if (loaded.gen === null) {
    // The previous layout: keep the file as it was, then write the new layout in its place.
    const backup = `${spec.file}.pre-${spec.migrationTag ?? 'journal'}.bak`;
    try {
      fs.copyFileSync(spec.file, backup, fs.constants.COPYFILE_EXCL);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const fh = fs.openSync(backup, 'r');
    fs.fsyncSync(fh);
    fs.closeSync(fh);
    doc = spec.migrate ? spec.migrate(doc) : doc;
    spec.log?.(`${spec.what} ${spec.file} was in the previous layout: migrated to snapshot + journal; the original is kept as ${backup}`);
  }
  const db = new JournalDb(spec, doc, loaded.gen ?? 0);
  if (loaded.dirty) await db.compact(); // start with a fresh journal: replay once, not at every start
  markCreated(spec);
  return db;
}

/** lowdb's Low over a journal: Low keeps the document, the adapter writes what changed in it. */
class JournalAdapter<T extends object> implements Adapter<T> {
  constructor(private readonly db: JournalDb<T>) {}
  async read(): Promise<T | null> {
    return this.db.plain;
  }
  write(): Promise<void> {
    return this.db.commit();
  }
}

export class JournalDb<T extends object> {
  private readonly tracker: ChangeTracker<T>;
  private readonly low: Low<T>;
  private readonly journal: string;
  private fh: fsp.FileHandle | null = null;
  private journalBytes = 0;
  private snapshotBytes = 0;
  private broken = false;
  /** The write now on its way to disk, and the next one, which gathers every change made meanwhile. */
  private inFlight: Promise<void> = Promise.resolve();
  private nextWrite: Promise<void> | null = null;
  /** What writes cost: journal lines and their bytes, snapshots and theirs. */
  readonly stats = { commits: 0, journalBytes: 0, snapshots: 0, snapshotBytes: 0 };

  constructor(
    private readonly spec: JournalDbSpec<T>,
    doc: T,
    private gen: number,
  ) {
    this.tracker = new ChangeTracker(doc);
    this.low = new Low<T>(new JournalAdapter(this), doc);
    this.journal = journalPath(spec.file);
  }

  /** The document; every write through it is noted and goes to disk with the next mutate(). */
  get data(): T {
    return this.tracker.root;
  }

  /** The same document without the write tracking, for hot read paths only: never write through it. */
  get plain(): T {
    return this.tracker.plain;
  }

  /** Writes made to one top-level table so far in this process (see ChangeTracker.writesTo). */
  writesTo(table: string): number {
    return this.tracker.writesTo(table);
  }

  /**
   * Apply a change and persist it before returning; a failed write is retried with the next.
   * Group commit: changes made while a write is on its way share the next journal line.
   */
  async mutate<R>(change: (d: T) => R): Promise<R> {
    const result = change(this.data);
    await this.flush();
    return result;
  }

  flush(): Promise<void> {
    if (this.nextWrite) return this.nextWrite;
    const write = this.inFlight
      .catch(() => undefined)
      .then(() => {
        // From here on, changes belong to the write after this one.
        this.nextWrite = null;
        return this.low.write();
      });
    this.nextWrite = write;
    this.inFlight = write;
    return write;
  }

  /** Append what changed since the last commit as one checked line, fsync it; fold the journal when it is large. */
  async commit(): Promise<void> {
    // A compaction that failed may have left the journal behind the snapshot: redo it first.
    if (this.broken) return this.compact();
    if (!this.tracker.pending) return;
    const changes = this.tracker.take();
    if (changes.length === 0) return;
    const line = frame(JSON.stringify(changes)); // the values as they are now, before any await
    const bytes = Buffer.byteLength(line);
    try {
      this.fh ??= await fsp.open(this.journal, 'a', 0o600);
      await this.fh.write(line);
      await this.fh.datasync();
    } catch (err) {
      // Leave no partial line for the next append to follow, and keep the changes for the next write.
      await this.fh?.truncate(this.journalBytes).catch(() => undefined);
      this.tracker.restore(changes);
      throw err;
    }
    this.journalBytes += bytes;
    this.stats.commits += 1;
    this.stats.journalBytes += bytes;
    if (this.journalBytes > Math.max(this.spec.compactAtBytes ?? 4 * 1024 * 1024, this.snapshotBytes)) {
      // This commit is on disk already; a failed compaction is retried by the next one.
      await this.compact().catch((err: Error) =>
        this.spec.log?.(`${this.spec.what}: compaction failed (${err.message}); retried at the next write`),
      );
    }
  }

  /**
   * A new snapshot of the whole document, then an empty journal of its generation. A crash
   * between the two renames leaves the old journal, older than the snapshot: skipped on open.
   * With no journal yet (a new or migrated database), the journal goes first: until the
   * snapshot is renamed, the old file (none, or the previous layout) is what an open sees.
   */
  async compact(): Promise<void> {
    const gen = this.gen + 1;
    const text = JSON.stringify({ ...this.tracker.plain, [GEN_KEY]: gen });
    const taken = this.tracker.take(); // everything in memory is in this snapshot
    const head = frame(JSON.stringify({ journal: 1, gen }));
    try {
      await this.fh?.close();
      this.fh = null;
      if (!fs.existsSync(this.journal)) await writeAtomic(this.journal, head);
      await writeAtomic(this.spec.file, text);
      await writeAtomic(this.journal, head);
    } catch (err) {
      this.tracker.restore(taken);
      this.broken = true;
      throw err;
    }
    this.broken = false;
    this.gen = gen;
    this.journalBytes = Buffer.byteLength(head);
    this.snapshotBytes = Buffer.byteLength(text);
    this.stats.snapshots += 1;
    this.stats.snapshotBytes += this.snapshotBytes;
  }

  async close(): Promise<void> {
    await this.inFlight.catch(() => undefined);
    await this.fh?.close();
    this.fh = null;
  }
}
