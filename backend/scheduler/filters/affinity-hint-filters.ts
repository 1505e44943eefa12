// SameHostFilter and DifferentHostFilter (Zed): the scheduler hints same_host and
// different_host name instance uuids; the host must hold one of them (same_host) or none of
// them (different_host). Without the hint every host passes.
import type { HostState, RequestSpec } from '../../../contract/scheduler.js';
import { schedulerHint, type SchedulerFilter } from './types.js';
import { list } from '../../shared/format.js';
import { msg } from '../../../contract/messages.js';

function hintUuids(spec: RequestSpec, name: string): string[] | null {
  const v = schedulerHint(spec, name);
  if (v === undefined || v === '' || (Array.isArray(v) && v.length === 0)) return null;
  return Array.isArray(v) ? v : [v];
}

const onHost = (host: HostState, uuids: readonly string[]): string[] => uuids.filter((u) => host.instance_uuids.includes(u));

export const sameHostFilter: SchedulerFilter = {
  name: 'SameHostFilter',
  oncePerRequest: true,
  passesAll: (spec) => hintUuids(spec, 'same_host') === null,
  check(host, spec) {
    const uuids = hintUuids(spec, 'same_host');
    if (!uuids || onHost(host, uuids).length > 0) return true;
    return msg('filter.sameHost', { uuids: list(uuids) });
  },
};

export const differentHostFilter: SchedulerFilter = {
  name: 'DifferentHostFilter',
  oncePerRequest: true,
  passesAll: (spec) => hintUuids(spec, 'different_host') === null,
  check(host, spec) {
    const uuids = hintUuids(spec, 'different_host');
    if (!uuids) return true;
    const here = onHost(host, uuids);
    if (here.length === 0) return true;
    return msg('filter.differentHost', { uuids: list(uuids), here: list(here), count: here.length });
  },
};
