// Which records of an in-memory database document changed since the last write, found without
// looking at the records that did not: the document is handed out behind Proxies that note each
// write (set or delete, at any depth) against the record it lands in. A record is an entry of a
// top-level table (an element of an array table, a key of an object table); a top-level value
// that is not an object, or a table replaced whole, is its own record. So the cost of finding a
// change is the number of writes made, and a write to disk carries only the records they touched:
// O(change), whatever the size of the database. Callers keep using plain property access and
// Array methods; new top-level tables need nothing here.

/** One change to persist, applied in order on replay (see applyChanges). */
export type Change =
  | { t: string; v: unknown } // the table (or top-level value) as a whole
  | { t: string; gone: 1 } // the table was removed
  | { t: string; k: string; v: unknown } // one record of a table
  | { t: string; k: string; gone: 1 } // a record removed from an object table
  | { t: string; len: number }; // an array table's new length (after its element writes)

type Obj = Record<string | symbol, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null;

/** A record a nested object belongs to: its table and the record object itself (where it sits is found at write time). */
interface Owner {
  table: string;
  rec: object;
  key: string;
}

interface NestedEntry {
  proxy: object;
  /** Shared with the record (or parent object) it was reached from, until it is reached from another. */
  owners: Owner[];
  index: Map<object, Owner> | null;
}

interface Dirty {
  whole: boolean;
  keys: Set<string>;
  recs: Map<object, string>; // record object -> the key it had when read
  len: boolean;
}

export class ChangeTracker<T extends object> {
  readonly root: T;
  private dirty = new Map<string, Dirty>();
  /** Writes noted per table since this tracker was made (never reset by take()). */
  private readonly writes = new Map<string, number>();
  private readonly targetOf = new WeakMap<object, object>();
  private readonly nested = new WeakMap<object, NestedEntry>();
  private readonly tables = new Map<string, { target: object; proxy: object }>();

  constructor(private readonly raw: T) {
    this.root = new Proxy(raw as Obj, {
      get: (t, p) => {
        const v = t[p];
        if (typeof p !== 'string' || !isObj(v)) return v;
        return this.tableProxy(p, v);
      },
      set: (t, p, v) => {
        t[p] = this.unwrap(v);
        if (typeof p !== 'string') return true;
        this.mark(p).whole = true;
        const table = t[p];
        if (!isObj(table)) return true;
        for (const k of Object.keys(table)) {
          table[k] = this.unwrap(table[k]); // a table built from read records (filter, map) holds their Proxies
          this.adopt(table[k], [{ table: p, rec: table[k] as object, key: k }]);
        }
        return true;
      },
      deleteProperty: (t, p) => {
        delete t[p];
        if (typeof p === 'string') this.mark(p).whole = true;
        return true;
      },
    }) as T;
  }

  /** The document itself, for reads that must not pay for the Proxies (never write through it). */
  get plain(): T {
    return this.raw;
  }

  /** Anything noted since the last take()? */
  get pending(): boolean {
    return this.dirty.size > 0;
  }

  /** The changes noted since the last call, with their values as they are now, and forget them. */
  take(): Change[] {
    const out: Change[] = [];
    const doc = this.raw as Obj;
    for (const [t, d] of this.dirty) {
      const table = doc[t];
      if (d.whole || !isObj(table)) {
        out.push(t in doc ? { t, v: table } : { t, gone: 1 });
        continue;
      }
      const keys = new Set(d.keys);
      for (const [rec, hint] of d.recs) {
        const k = locate(table, rec, hint);
        if (k !== null) keys.add(k);
      }
      if (Array.isArray(table)) {
        for (const k of keys) if (Number(k) < table.length) out.push({ t, k, v: table[Number(k)] });
        if (d.len) out.push({ t, len: table.length });
      } else {
        for (const k of keys) out.push(Object.hasOwn(table, k) ? { t, k, v: table[k] } : { t, k, gone: 1 });
      }
    }
    this.dirty = new Map();
    return out;
  }

  /** Put back changes a failed write did not persist, so the next write carries them. */
  restore(changes: Change[]): void {
    for (const c of changes) {
      const d = this.mark(c.t);
      if ('k' in c) d.keys.add(c.k);
      else if ('len' in c) d.len = true;
      else d.whole = true;
    }
  }

  /**
   * How many writes `table` has had: it grows with every write noted in it, as the write is
   * made, so a copy derived from the table (nova-api's rendered server lists) can be kept
   * against it and is never valid after a change that reaches the disk.
   */
  writesTo(table: string): number {
    return this.writes.get(table) ?? 0;
  }

  private mark(table: string): Dirty {
    this.writes.set(table, (this.writes.get(table) ?? 0) + 1);
    let d = this.dirty.get(table);
    if (!d) this.dirty.set(table, (d = { whole: false, keys: new Set(), recs: new Map(), len: false }));
    return d;
  }

  /**
   * A value just stored: every object in it now belongs to `owners` too. An object already in
   * another record (stored twice) is then known to both, so a change made through either
   * reaches both on disk. Costs the size of the value stored, which is written anyway.
   */
  private adopt(value: unknown, owners: Owner[]): void {
    if (!isObj(value)) return;
    const v = this.unwrap(value) as Obj;
    this.nestedProxy(v, owners);
    const mine = this.nested.get(v)!.owners;
    for (const k of Object.keys(v)) {
      const c = v[k];
      if (!isObj(c)) continue;
      const raw = this.targetOf.get(c);
      if (raw) v[k] = raw; // keep the document plain: no Proxy stored inside it
      this.adopt(raw ?? c, mine);
    }
  }

  private unwrap(v: unknown): unknown {
    return isObj(v) ? (this.targetOf.get(v) ?? v) : v;
  }

  private tableProxy(name: string, target: Obj): object {
    const known = this.tables.get(name);
    if (known?.target === target) return known.proxy;
    const proxy = new Proxy(target, {
      get: (t, p) => {
        const v = t[p];
        if (typeof v !== 'object' || v === null || typeof p !== 'string') return v;
        // Reads are the hot path (lists walk every record): a record read before costs one lookup.
        const e = this.nested.get(v);
        const o = e?.owners[0];
        if (e && o!.rec === v && o!.table === name) {
          o!.key = p;
          return e.proxy;
        }
        return this.nestedProxy(v as Obj, [{ table: name, rec: this.unwrap(v) as object, key: p }]);
      },
      set: (t, p, v) => {
        t[p] = this.unwrap(v);
        if (typeof p !== 'string') return true;
        const d = this.mark(name);
        if (Array.isArray(t) && p === 'length') d.len = true;
        else {
          d.keys.add(p);
          this.adopt(t[p], [{ table: name, rec: t[p] as object, key: p }]);
        }
        return true;
      },
      deleteProperty: (t, p) => {
        delete t[p];
        if (typeof p === 'string') this.mark(name).keys.add(p);
        return true;
      },
    });
    this.tables.set(name, { target, proxy });
    this.targetOf.set(proxy, target);
    return proxy;
  }

  /**
   * The tracking view of an object inside a record. Objects reached from one record share that
   * record's owner list (so the common read is one lookup); an object reached from several
   * records (rare: the same object stored twice) gets a list of its own naming them all.
   */
  private nestedProxy(value: Obj, owners: Owner[]): object {
    const target = this.unwrap(value) as Obj;
    const entry = this.nested.get(target);
    if (entry) {
      if (entry.owners !== owners) {
        // Shared with another record: remember each owner once (a map, so sharing stays O(1) per read).
        entry.index ??= new Map(entry.owners.map((o) => [o.rec, o]));
        if (entry.owners === owners || owners.some((o) => !entry.index!.has(o.rec))) entry.owners = [...entry.owners];
        for (const o of owners) {
          const same = entry.index.get(o.rec);
          if (same) same.key = o.key;
          else {
            entry.owners.push(o);
            entry.index.set(o.rec, o);
          }
        }
      }
      return entry.proxy;
    }
    const self: NestedEntry = { proxy: target, owners, index: null };
    const touched = () => {
      for (const o of self.owners) this.mark(o.table).recs.set(o.rec, o.key);
    };
    self.proxy = new Proxy(target, {
      get: (t, p) => {
        const v = t[p];
        if (typeof v !== 'object' || v === null || typeof p !== 'string') return v;
        const child = this.nested.get(v);
        if (child && child.owners === self.owners) return child.proxy;
        return this.nestedProxy(v as Obj, self.owners);
      },
      set: (t, p, v) => {
        t[p] = this.unwrap(v);
        this.adopt(t[p], self.owners);
        touched();
        return true;
      },
      deleteProperty: (t, p) => {
        delete t[p];
        touched();
        return true;
      },
    });
    this.nested.set(target, self);
    this.targetOf.set(self.proxy, target);
    return self.proxy;
  }
}

/** Where a record object sits in its table now (it may have moved, e.g. by a splice); null if it left. */
function locate(table: Obj, rec: object, hint: string): string | null {
  if (table[hint] === rec) return hint;
  if (Array.isArray(table)) {
    const i = table.indexOf(rec);
    return i < 0 ? null : String(i);
  }
  for (const k of Object.keys(table)) if (table[k] === rec) return k;
  return null;
}

/** Replay changes onto a plain document (the inverse of take()), in order. */
export function applyChanges(doc: Obj, changes: Change[]): void {
  for (const c of changes) {
    if (!('k' in c)) {
      if ('len' in c) {
        const table = doc[c.t];
        if (Array.isArray(table)) table.length = c.len;
      } else if ('gone' in c) delete doc[c.t];
      else doc[c.t] = c.v;
      continue;
    }
    if (!isObj(doc[c.t])) doc[c.t] = /^\d+$/.test(c.k) ? [] : {};
    const table = doc[c.t] as Obj;
    if ('gone' in c) delete table[c.k];
    else if (Array.isArray(table)) table[Number(c.k)] = c.v;
    else table[c.k] = c.v;
  }
}
