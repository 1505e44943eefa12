// One registry pattern for filters and weighers: the names nova.conf may list, mapped to
// their plug-ins; a configured list resolves to plug-ins in order, and the last list resolved
// is remembered, as the scheduler asks on every decision.
import { unknownNamesMessage } from '../shared/option-names.js';
import { sameList } from './same-list.js';

export interface Registry<N extends string, T> {
  readonly items: Readonly<Record<N, T>>;
  isName(name: string): name is N;
  /** null when every configured name is known, else one message naming the unknown ones. */
  unknownMessage(names: readonly string[]): string | null;
  /** The plug-ins for a configured list of names, in order (throws on an unknown name). */
  resolve(names: readonly string[]): T[];
}

export function createRegistry<N extends string, T>(
  option: string,
  kind: string,
  known: readonly N[],
  items: Readonly<Record<N, T>>,
): Registry<N, T> {
  let lastNames: readonly string[] = [];
  let lastResolved: T[] = [];
  const isName = (name: string): name is N => (known as readonly string[]).includes(name);
  const unknownMessage = (names: readonly string[]) => unknownNamesMessage(option, kind, names, known);
  return {
    items,
    isName,
    unknownMessage,
    resolve(names) {
      if (!sameList(names, lastNames) || lastResolved.length !== names.length) {
        const problem = unknownMessage(names);
        if (problem) throw new Error(problem);
        lastResolved = names.map((n) => items[n as N]);
        lastNames = names.slice();
      }
      return lastResolved;
    },
  };
}
