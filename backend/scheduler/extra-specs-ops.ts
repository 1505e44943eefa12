// Nova's extra-spec operators (nova/scheduler/filters/extra_specs_ops.py): how a flavor's
// requirement string ("<in> avx2", ">= 4", "<or> qemu <or> kvm") is matched against one
// value a host or an aggregate offers. Used by ComputeCapabilitiesFilter and
// AggregateInstanceExtraSpecsFilter.
//
//   (no operator)  the whole requirement must equal the value exactly
//   =              numeric: value >= required (not equality!)
//   == != >= <=    numeric comparisons
//   s== s!= s< s<= s> s>=   string comparisons
//   <in>           the value contains the word (a substring test)
//   <all-in>       the value contains every following word
//   <or>           the value equals one of the words: "<or> a <or> b"
import { pyFloat } from '../shared/py-number.js';

/** `words` is never empty: compileExtraSpec answers an operator without operand itself. */
type Op = (value: string, words: string[]) => boolean;

const num =
  (f: (a: number, b: number) => boolean): Op =>
  (value, words) => {
    const a = pyFloat(value);
    const b = pyFloat(words[0]!);
    return !Number.isNaN(a) && !Number.isNaN(b) && f(a, b);
  };
const str =
  (f: (a: string, b: string) => boolean): Op =>
  (value, words) =>
    f(value, words[0]!);

const OPS: Record<string, Op> = {
  '=': num((a, b) => a >= b),
  '==': num((a, b) => a === b),
  '!=': num((a, b) => a !== b),
  '>=': num((a, b) => a >= b),
  '<=': num((a, b) => a <= b),
  's==': str((a, b) => a === b),
  's!=': str((a, b) => a !== b),
  's<': str((a, b) => a < b),
  's<=': str((a, b) => a <= b),
  's>': str((a, b) => a > b),
  's>=': str((a, b) => a >= b),
  '<in>': (value, words) => value.includes(words[0]!),
  '<all-in>': (value, words) => words.every((w) => value.includes(w)),
};

/** The operator words Nova knows, for documentation and the GUI. */
export const EXTRA_SPEC_OPERATORS = [...Object.keys(OPS), '<or>'] as const;

/** A requirement compiled once: call it with each host's value. */
export type ExtraSpecMatcher = (value: string | null) => boolean;

/**
 * Compile a requirement string into a matcher. Nova's rules: a requirement whose first word
 * is not an operator is compared as a whole string; an operator with no operand never
 * matches; a numeric operator on a value that is not a number does not match (Nova raises).
 */
export function compileExtraSpec(req: string): ExtraSpecMatcher {
  const words = req.split(/\s+/).filter(Boolean);
  const op = words.shift();
  const method = op === undefined ? undefined : OPS[op];
  if (op !== '<or>' && !method) return (value) => value === req;
  if (op === '<or>') return (value) => value !== null && matchOr(value, words);
  if (words.length === 0) return () => false;
  return (value) => value !== null && method!(value, words);
}

/** Does `value` (what the host offers; null when it offers nothing) satisfy `req`? */
export function matchExtraSpec(value: string | null, req: string): boolean {
  return compileExtraSpec(req)(value);
}

/** "<or> v1 <or> v2 <or> v3" with the first "<or>" already removed: every other word is a value. */
function matchOr(value: string, words: string[]): boolean {
  for (let i = 0; i < words.length; i += 2) if (words[i] === value) return true;
  return false;
}

// Python's float(str) lives in the shared layer (aggregate metadata is read with it too).
export { pyFloat };
