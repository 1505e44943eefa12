// Pure: what GET /lab/api/architecture answers — nova-api's workers per port as its master
// reported them, and each compute host's capabilities and allocation ratios with where the
// scheduler takes each ratio from (the shared reading of aggregate metadata, so the answer is
// the filters' own).
import type { ApiRole, ApiWorkerGroup, HostArchitecture, RatioSource } from '../../contract/lab-api.js';
import type { ComputeNode } from '../../contract/model.js';
import type { ServiceProcess } from '../../contract/services.js';
import { aggregateAllocationRatio, aggregateValuesFromKey } from '../shared/aggregate-values.js';
import type { WorkerGroupReport } from './supervisor.js';

const RATIO_FILTERS = [
  ['cpu_allocation_ratio', 'AggregateCoreFilter'],
  ['ram_allocation_ratio', 'AggregateRamFilter'],
  ['disk_allocation_ratio', 'AggregateDiskFilter'],
] as const;

/**
 * A host's three ratios. The Aggregate*Filter (when enabled) uses the minimum of its
 * aggregates' values, else the host's own; without that filter, the host's own (nova.conf).
 */
export function ratioSources(node: Pick<ComputeNode, RatioSource['key'] | 'aggregates'>, enabledFilters: readonly string[]): RatioSource[] {
  return RATIO_FILTERS.map(([key, filter]) => {
    const enabled = enabledFilters.includes(filter);
    // NaN when no aggregate sets a number for the key (one that is not a number: nova.conf's, as in Nova).
    const fromAggregates = enabled ? aggregateAllocationRatio(node, key, NaN) : NaN;
    const aggregate = !Number.isNaN(fromAggregates);
    return {
      key,
      value: aggregate ? fromAggregates : node[key],
      source: aggregate ? 'aggregate' : 'nova.conf',
      conf_value: node[key],
      aggregates: aggregateValuesFromKey(node, key).map((v) => ({ name: v.aggregate, value: v.value })),
      filter,
      filter_enabled: enabled,
    };
  });
}

export function hostArchitecture(node: ComputeNode, enabledFilters: readonly string[]): HostArchitecture {
  return {
    host: node.host,
    architectures: [...new Set(node.supported_instances.map(([arch]) => arch))],
    supported_instances: node.supported_instances.map((t) => [...t] as [string, string, string]),
    cpu_info: node.cpu_info,
    hypervisor_type: node.hypervisor_type,
    accelerator: node.accelerator,
    capabilities: { ...node.capabilities },
    aggregates: node.aggregates.map((a) => a.name),
    ratios: ratioSources(node, enabledFilters),
  };
}

const OPTION: Record<ApiRole, string> = {
  osapi_compute: 'osapi_compute_workers',
  metadata: 'metadata_workers',
  ec2: 'ec2_workers',
};

const isRole = (r: string): r is ApiRole => Object.hasOwn(OPTION, r);

/** nova-api's three APIs with the master's pid and each API's workers, in the order the master reported them. */
export function apiWorkerGroups(masterPid: number | null, groups: readonly WorkerGroupReport[]): ApiWorkerGroup[] {
  return groups
    .filter((g) => isRole(g.role))
    .map((g) => ({
      role: g.role as ApiRole,
      option: OPTION[g.role as ApiRole],
      listen: g.listen,
      port: g.port,
      master_pid: masterPid,
      worker_pids: [...g.pids],
      accepts: g.accepts,
    }));
}

/**
 * The running services that read nova.conf before its last change and so still use the values
 * they read then: nova-scheduler (its filters) and each nova-compute (its ratios).
 */
export function readBeforeChange(processes: readonly ServiceProcess[], confChangedAtMs: number): string[] {
  return processes
    .filter((p) => p.binary === 'nova-scheduler' || p.binary === 'nova-compute')
    .filter((p) => p.pid !== null && p.startedAt !== null && Date.parse(p.startedAt) < confChangedAtMs)
    .map((p) => (p.binary === 'nova-compute' ? `nova-compute (${p.host})` : p.binary));
}
