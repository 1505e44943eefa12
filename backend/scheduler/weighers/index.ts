// The weigher registry: every name nova.conf may list in scheduler_weight_classes.
import { WEIGHER_NAMES, type WeigherName } from '../../../contract/scheduler-names.js';
import { sameList } from '../same-list.js';
import type { SchedulerWeigher } from './types.js';
import { ramWeigher } from './ram-weigher.js';
import { cpuWeigher } from './cpu-weigher.js';
import { diskWeigher } from './disk-weigher.js';
import { metricsWeigher } from './metrics-weigher.js';
import { serverGroupSoftAffinityWeigher, serverGroupSoftAntiAffinityWeigher } from './server-group-soft-weighers.js';

export type { SchedulerWeigher, WeigherOptions } from './types.js';
export { DEFAULT_WEIGHER_OPTIONS } from './types.js';

export const WEIGHERS: Readonly<Record<WeigherName, SchedulerWeigher>> = {
  RAMWeigher: ramWeigher,
  CPUWeigher: cpuWeigher,
  DiskWeigher: diskWeigher,
  MetricsWeigher: metricsWeigher,
  ServerGroupSoftAffinityWeigher: serverGroupSoftAffinityWeigher,
  ServerGroupSoftAntiAffinityWeigher: serverGroupSoftAntiAffinityWeigher,
};

export function isWeigherName(name: string): name is WeigherName {
  return (WEIGHER_NAMES as readonly string[]).includes(name);
}

/** null when every configured weigher name is known, else one message naming the unknown ones. */
export function unknownWeighersMessage(names: readonly string[]): string | null {
  const unknown = names.filter((n) => !isWeigherName(n));
  if (unknown.length === 0) return null;
  return `scheduler_weight_classes names unknown weigher(s): ${unknown.join(', ')}. ` +
    `Known weighers: ${WEIGHER_NAMES.join(', ')}`;
}

/** The weighers for a configured list of names, in order (throws on an unknown name). */
function resolve(names: readonly string[]): SchedulerWeigher[] {
  const problem = unknownWeighersMessage(names);
  if (problem) throw new Error(problem);
  return names.map((n) => WEIGHERS[n as WeigherName]);
}

let lastNames: readonly string[] = [];
let lastResolved: SchedulerWeigher[] = [];

/**
 * The weighers for a configured list of names, in order (throws on an unknown name). The last
 * list resolved is remembered, as the scheduler asks on every decision.
 */
export function weighersFor(names: readonly string[]): SchedulerWeigher[] {
  if (!sameList(names, lastNames) || lastResolved.length !== names.length) {
    lastResolved = resolve(names);
    lastNames = names.slice();
  }
  return lastResolved;
}
