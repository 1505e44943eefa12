// IoOpsFilter: a host already running max_io_ops_per_host I/O-heavy operations (builds,
// resizes, rebuilds, snapshots, backups, rescues, unshelves) takes no more.
// AggregateIoOpsFilter: the limit from the aggregates' max_io_ops_per_host metadata.
import { DEFAULT_FILTER_OPTIONS, type SchedulerFilter } from './types.js';
import { aggregateMin, aggregateNumber } from '../../shared/aggregate-values.js';
import { msg, type LabMessage } from '../../../contract/messages.js';
import type { FilterVerdict } from '../../../contract/scheduler.js';

function verdict(num: number, max: number, source: LabMessage): FilterVerdict {
  if (num < max) return true;
  return msg('filter.ioOps', { num, max, source });
}

export const ioOpsFilter: SchedulerFilter = {
  name: 'IoOpsFilter',
  check: (host, _spec, opts = DEFAULT_FILTER_OPTIONS) => verdict(host.num_io_ops ?? 0, opts.max_io_ops_per_host, msg('source.novaConf')),
};

export const aggregateIoOpsFilter: SchedulerFilter = {
  name: 'AggregateIoOpsFilter',
  check(host, _spec, opts = DEFAULT_FILTER_OPTIONS) {
    const min = aggregateMin(host, 'max_io_ops_per_host', 'int');
    const max = min === undefined || Number.isNaN(min) ? opts.max_io_ops_per_host : min;
    if ((host.num_io_ops ?? 0) < max) return true;
    const said = aggregateNumber(host, 'max_io_ops_per_host', opts.max_io_ops_per_host, 'int');
    return verdict(host.num_io_ops ?? 0, said.value, said.sourceMessage);
  },
};
