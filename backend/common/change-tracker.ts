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

interface Dirty {
  whole: boolean;
  keys: Set<string>;
  recs: Map<object, string>; // record object -> the key it had when read
  len: boolean;
}

export class ChangeTracker<T extends object> {
  readonly root: T;
  private dirty = new Map<string, Dirty>();
  private readonly targetOf = new WeakMap<object, object>();
  private readonly nested = new WeakMap<object, { proxy: object; owners: Owner[] }>();
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
        if (typeof p === 'string') this.mark(p).whole = true;
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

  private mark(table: string): Dirty {
    let d = this.dirty.get(table);
    if (!d) this.dirty.set(table, (d = { whole: false, keys: new Set(), recs: new Map(), len: false }));
    return d;
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
        if (typeof p !== 'string' || !isObj(v)) return v;
        return this.nestedProxy(v, { table: name, rec: this.unwrap(v) as object, key: p });
      },
      set: (t, p, v) => {
        t[p] = this.unwrap(v);
        if (typeof p !== 'string') return true;
        const d = this.mark(name);
        if (Array.isArray(t) && p === 'length') d.len = true;
        else d.keys.add(p);
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

  private nestedProxy(value: Obj, owner: Owner): object {
    const target = this.unwrap(value) as Obj;
    let entry = this.nested.get(target);
    if (!entry) {
      const owners: Owner[] = [];
      const touched = () => {
        for (const o of owners) this.mark(o.table).recs.set(o.rec, o.key);
      };
      const proxy = new Proxy(target, {
        get: (t, p) => {
          const v = t[p];
          if (typeof p !== 'string' || !isObj(v)) return v;
          // A nested object belongs to every record it was reached from (rarely more than one).
          let child = this.nested.get(this.unwrap(v) as object);
          if (!child) {
            this.nestedProxy(v, owners[0]!);
            child = this.nested.get(this.unwrap(v) as object)!;
          }
          for (const o of owners) if (!child.owners.some((x) => x.rec === o.rec && x.table === o.table)) child.owners.push(o);
          return child.proxy;
        },
        set: (t, p, v) => {
          t[p] = this.unwrap(v);
          touched();
          return true;
        },
        deleteProperty: (t, p) => {
          delete t[p];
          touched();
          return true;
        },
      });
      entry = { proxy, owners };
      this.nested.set(target, entry);
      this.targetOf.set(proxy, target);
    }
    if (!entry.owners.some((x) => x.rec === owner.rec && x.table === owner.table)) entry.owners.push(owner);
    else for (const o of entry.owners) if (o.rec === owner.rec && o.table === owner.table) o.key = owner.key;
    return entry.proxy;
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
