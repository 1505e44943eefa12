// NumInstancesFilter: a host holding max_instances_per_host instances takes no more.
// AggregateNumInstancesFilter: the same, with the limit from the host's aggregates'
// max_instances_per_host metadata (the minimum), else nova.conf.
import { DEFAULT_FILTER_OPTIONS, type SchedulerFilter } from './types.js';
import { aggregateMin, aggregateNumber } from '../../shared/aggregate-values.js';
import { msg, type LabMessage } from '../../../contract/messages.js';
import type { FilterVerdict } from '../../../contract/scheduler.js';

function verdict(num: number, max: number, source: LabMessage): FilterVerdict {
  if (num < max) return true;
  return msg('filter.numInstances', { num, max, source });
}

export const numInstancesFilter: SchedulerFilter = {
  name: 'NumInstancesFilter',
  check: (host, _spec, opts = DEFAULT_FILTER_OPTIONS) => verdict(host.num_instances, opts.max_instances_per_host, msg('source.novaConf')),
};

export const aggregateNumInstancesFilter: SchedulerFilter = {
  name: 'AggregateNumInstancesFilter',
  check(host, _spec, opts = DEFAULT_FILTER_OPTIONS) {
    const min = aggregateMin(host, 'max_instances_per_host', 'int');
    const max = min === undefined || Number.isNaN(min) ? opts.max_instances_per_host : min;
    if (host.num_instances < max) return true;
    const said = aggregateNumber(host, 'max_instances_per_host', opts.max_instances_per_host, 'int');
    return verdict(host.num_instances, said.value, said.sourceMessage);
  },
};
