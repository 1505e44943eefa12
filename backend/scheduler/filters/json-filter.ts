// JsonFilter (Zed): the scheduler hint "query" is a JSON expression in Nova's little
// language, e.g. ["and", [">=", "$free_ram_mb", 1024], [">=", "$free_disk_mb", 204800]].
// Commands: = < > <= >= in (the first argument compared with each of the rest), not, or,
// and. "$name" reads a host-state field ("$name.key" a key of a dict field); an unknown field
// or null argument is dropped, as in Nova. Python's comparison semantics are kept: numbers
// compare with numbers, strings with strings; comparing a string with a number, which makes
// Nova raise, rejects the host with that reason.
import type { HostState, RequestSpec } from '../../../contract/scheduler.js';
import { schedulerHint, type SchedulerFilter } from './types.js';
import { perRequest } from '../per-request.js';
import { msg, type LabMessage } from '../../../contract/messages.js';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [k: string]: JsonValue };
type Value = JsonValue | undefined;

class QueryError extends Error {}

/** Nova's HostState attribute names that the lab's host state spells differently. */
const ALIASES: Record<string, keyof HostState> = {
  vcpus_total: 'vcpus',
  total_usable_ram_mb: 'memory_mb',
  total_usable_disk_gb: 'local_gb',
};

/** The host-state fields a query may read (Nova: any HostState attribute). */
const FIELDS: ReadonlySet<string> = new Set<keyof HostState>([
  'host',
  'nodename',
  'availability_zone',
  'vcpus',
  'vcpus_used',
  'memory_mb',
  'memory_mb_used',
  'free_ram_mb',
  'local_gb',
  'local_gb_used',
  'free_disk_mb',
  'cpu_allocation_ratio',
  'ram_allocation_ratio',
  'disk_allocation_ratio',
  'service',
  'hypervisor_type',
  'hypervisor_version',
  'supported_instances',
  'capabilities',
  'aggregates',
  'metrics',
  'num_instances',
  'instance_uuids',
  'num_io_ops',
  'failed_builds',
  'disk_available_least',
]);

/** The lab's name for a query's field, or null when the host state has no such field. */
function fieldName(name: string): keyof HostState | null {
  const key = Object.hasOwn(ALIASES, name) ? ALIASES[name]! : name;
  return FIELDS.has(key) ? (key as keyof HostState) : null;
}

function hostField(host: HostState, key: keyof HostState | null): Value {
  if (key === null) return undefined;
  if (key === 'num_io_ops' || key === 'failed_builds') return host[key] ?? 0;
  return host[key] as Value;
}

/** A lookup "$a.b" split once: the host-state field and the dict keys under it. */
type Lookup = { field: keyof HostState | null; keys: string[] };

function lookup(host: HostState, l: Lookup): Value {
  let obj: Value = hostField(host, l.field);
  for (const item of l.keys) {
    if (obj === null || obj === undefined || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
    obj = Object.hasOwn(obj, item) ? obj[item] : undefined;
  }
  return obj === null ? undefined : obj;
}

function toLookup(s: string): Lookup {
  const path = s.slice(1).split('.');
  return { field: fieldName(path[0]!), keys: path.slice(1) };
}

const truthy = (v: Value): boolean =>
  Array.isArray(v)
    ? v.length > 0
    : v !== null && typeof v === 'object'
      ? Object.keys(v).length > 0
      : v !== undefined && v !== null && v !== false && v !== 0 && v !== '';

const kind = (v: Value): string => (typeof v === 'boolean' ? 'number' : Array.isArray(v) ? 'list' : v === null ? 'null' : typeof v);

function pyEq(a: Value, b: Value): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => pyEq(x, b[i]));
  if (kind(a) === 'number' && kind(b) === 'number') return Number(a) === Number(b);
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return a === b;
}

function pyOrder(a: Value, b: Value, op: string): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    return op === '<' ? a < b : op === '>' ? a > b : op === '<=' ? a <= b : a >= b;
  }
  const ka = kind(a);
  if (ka !== kind(b) || (ka !== 'number' && ka !== 'string')) {
    throw new QueryError(`cannot compare ${JSON.stringify(a)} ${op} ${JSON.stringify(b)} (${kind(a)} with ${kind(b)})`);
  }
  const x = ka === 'number' ? Number(a) : (a as string);
  const y = ka === 'number' ? Number(b) : (b as string);
  switch (op) {
    case '<':
      return x < y;
    case '>':
      return x > y;
    case '<=':
      return x <= y;
    default:
      return x >= y;
  }
}

/** The first of the first `n` args compared with each of the others (false with fewer than two). */
function compare(args: Value[], n: number, op: string): boolean {
  if (n < 2) return false;
  const first = args[0];
  if (op === 'in') {
    for (let i = 1; i < n; i++) if (pyEq(first, args[i])) return true;
    return false;
  }
  for (let i = 1; i < n; i++) {
    if (!(op === '=' ? pyEq(first, args[i]) : pyOrder(first, args[i], op))) return false;
  }
  return true;
}

const COMMANDS = new Set(['=', '<', '>', 'in', '<=', '>=', 'not', 'or', 'and']);

/** A query compiled once per request: its value for one host. */
type Compiled = (host: HostState) => Value;

/** Compile Nova's _process_filter: the value of one query (a list, or true for an empty query). */
export function compileQuery(query: JsonValue): Compiled {
  if (!truthy(query)) return () => true;
  if (!Array.isArray(query)) throw new QueryError(`a query must be a list like ["=", "$host", "host-a"], not ${JSON.stringify(query)}`);
  const cmd = query[0];
  if (typeof cmd !== 'string' || !COMMANDS.has(cmd)) throw new QueryError(`unknown command ${JSON.stringify(cmd)}`);
  const argFns: Compiled[] = query.slice(1).map((raw): Compiled => {
    if (Array.isArray(raw)) return compileQuery(raw);
    if (typeof raw === 'string') {
      // Nova's _parse_string: "" is dropped, "$a.b" is a host-state lookup, anything else itself.
      if (!raw) return () => undefined;
      if (!raw.startsWith('$')) return () => raw;
      const l = toLookup(raw);
      if (l.keys.length === 0) {
        const field = l.field;
        return (host) => {
          const v = hostField(host, field);
          return v === null ? undefined : v;
        };
      }
      return (host) => lookup(host, l);
    }
    return () => raw;
  });
  // Reused across hosts: a node is never re-entered while it evaluates (children have their own).
  const args = new Array<Value>(argFns.length);
  return (host) => {
    let n = 0;
    for (let i = 0; i < argFns.length; i++) {
      const arg = argFns[i]!(host);
      if (arg !== undefined && arg !== null) args[n++] = arg;
    }
    switch (cmd) {
      case 'not':
        return args.slice(0, n).map((a) => !truthy(a));
      case 'or':
        for (let i = 0; i < n; i++) if (truthy(args[i])) return true;
        return false;
      case 'and':
        for (let i = 0; i < n; i++) if (!truthy(args[i])) return false;
        return true;
      default:
        return compare(args, n, cmd);
    }
  };
}

/** The value of a query for one host (compiles it each time; the filter compiles once per request). */
export function evaluateQuery(query: JsonValue, host: HostState): Value {
  return compileQuery(query)(host);
}

/** The "$variables" a query reads, each with its lookup. */
function variablesIn(query: JsonValue): [string, Lookup][] {
  const names = new Set<string>();
  const walk = (q: JsonValue): void => {
    if (Array.isArray(q)) q.forEach(walk);
    else if (typeof q === 'string' && q.startsWith('$') && q.length > 1) names.add(q);
  };
  walk(query);
  return [...names].map((n) => [n, toLookup(n)]);
}

/** " ($free_ram_mb = 512, $host = "host-a")": the host's values of the query's variables. */
function variablesOf(vars: readonly [string, Lookup][], host: HostState): string {
  if (vars.length === 0) return '';
  const shown = vars.map(([n, l]) => `${n} = ${JSON.stringify(lookup(host, l)) ?? 'unknown'}`);
  return ` (${shown.join(', ')})`;
}

/** The query hint, parsed once per request: null without one, else the JSON or the parse error. */
type ParsedQuery = { text: string; run: Compiled; vars: [string, Lookup][] } | { text: string; error: LabMessage } | null;

const queryOf = perRequest((spec: RequestSpec): ParsedQuery => {
  const hint = schedulerHint(spec, 'query');
  const text = Array.isArray(hint) ? hint.join(',') : hint;
  if (!text) return null;
  let query: JsonValue;
  try {
    query = JSON.parse(text) as JsonValue;
  } catch (err) {
    return { text, error: msg('filter.json.notJson', { error: (err as Error).message }) };
  }
  try {
    return { text, run: compileQuery(query), vars: variablesIn(query) };
  } catch (err) {
    if (err instanceof QueryError) return { text, error: msg('filter.json.invalid', { query: text, error: err.message }) };
    throw err;
  }
});

export const jsonFilter: SchedulerFilter = {
  name: 'JsonFilter',
  passesAll: (spec) => queryOf(spec) === null,
  check(host, spec) {
    const q = queryOf(spec);
    if (q === null) return true;
    if ('error' in q) return q.error;
    try {
      const result = q.run(host);
      if (Array.isArray(result) ? result.some(truthy) : truthy(result)) return true;
      return msg('filter.json.false', { query: q.text, variables: variablesOf(q.vars, host) });
    } catch (err) {
      if (err instanceof QueryError) return msg('filter.json.invalid', { query: q.text, error: err.message });
      throw err;
    }
  },
};
