// nova-scheduler's RPC face: read the hosts through the conductor, decide (pure), then claim
// the chosen host through the conductor — falling back to the next best when a concurrent
// request took the room first — and say why at every step.
import type { SchedulerApi } from '../rpc/scheduler-api.js';
import type { ConductorApi } from '../rpc/conductor-api.js';
import type { LabApi } from '../rpc/lab-api.js';
import type { NovaConf } from '../config/nova-conf.js';
import type { FilterName, WeigherName } from '../../contract/scheduler-names.js';
import type { RequestSpec, ResourceLimits, ScheduleTrace } from '../../contract/scheduler.js';
import type { PublishedEvent } from '../bus/wire.js';
import { currentContext } from '../bus/client.js';
import { selectHost, alternates, hostLimits } from './select-destinations.js';
import { consumeFromRequest } from './consume.js';
import { messageText, msg, summaryOf, type LabMessage } from '../../contract/messages.js';
import type { WeigherOptions } from './weighers/types.js';
import { isRebuildCheck, type FilterOptions } from './filters/types.js';

export interface SchedulerDeps {
  conductor: ConductorApi;
  lab: LabApi;
  conf: () => NovaConf;
  publish: (e: PublishedEvent) => void;
  random?: () => number;
}

export function weigherOptionsFrom(conf: NovaConf): WeigherOptions {
  return {
    ram_weight_multiplier: conf.float('ram_weight_multiplier'),
    cpu_weight_multiplier: conf.float('cpu_weight_multiplier'),
    disk_weight_multiplier: conf.float('disk_weight_multiplier'),
    soft_affinity_weight_multiplier: conf.float('soft_affinity_weight_multiplier'),
    soft_anti_affinity_weight_multiplier: conf.float('soft_anti_affinity_weight_multiplier'),
    metrics_weight_setting: conf.list('metrics.weight_setting'),
    metrics_weight_multiplier: conf.float('metrics.weight_multiplier'),
    metrics_weight_of_unavailable: conf.float('metrics.weight_of_unavailable'),
    metrics_required: conf.bool('metrics.required'),
    io_ops_weight_multiplier: conf.float('io_ops_weight_multiplier'),
    build_failure_weight_multiplier: conf.float('build_failure_weight_multiplier'),
  };
}

export function filterOptionsFrom(conf: NovaConf): FilterOptions {
  return {
    max_instances_per_host: conf.int('max_instances_per_host'),
    max_io_ops_per_host: conf.int('max_io_ops_per_host'),
    aggregate_image_properties_isolation_namespace: conf.str('aggregate_image_properties_isolation_namespace'),
    aggregate_image_properties_isolation_separator: conf.str('aggregate_image_properties_isolation_separator'),
  };
}

export function schedulerApi(deps: SchedulerDeps): SchedulerApi {
  return {
    async select_destinations(spec, instanceUuids) {
      const uuids = instanceUuids?.length ? instanceUuids : [spec.instance_uuid];
      const conf = deps.conf();
      const filters = conf.list('scheduler_default_filters') as FilterName[];
      const weighers = conf.list('scheduler_weight_classes') as WeigherName[];
      const hosts = await deps.conductor.host_states(uuids[0], hintedInstances(spec));
      const byName = new Map(hosts.map((h) => [h.host, h]));
      await deps.lab.step({
        step: 'scheduler.decide',
        ...summaryOf(msg('step.schedulerFiltering', { count: hosts.length, filters: filters.join(', '), weighers: weighers.join(', ') })),
        detail: { hosts: hosts.map((h) => h.host), instances: uuids.length },
      });
      const traces: ScheduleTrace[] = [];
      let group = spec.instance_group;
      // Nova's FilterScheduler._schedule: one instance after the other, each seeing the hosts
      // as the ones before it consumed them; all of them placed, or none.
      for (let i = 0; i < uuids.length; i++) {
        const one: RequestSpec = { ...spec, instance_uuid: uuids[i]!, instance_group: group };
        const trace: ScheduleTrace = selectHost(hosts, one, {
          filters,
          weighers,
          weigherOptions: weigherOptionsFrom(conf),
          filterOptions: filterOptionsFrom(conf),
          subsetSize: conf.int('scheduler_host_subset_size'),
          random: deps.random ?? Math.random,
          request_id: currentContext()?.request_id ?? 'req-unknown',
          attempt: spec.retry.num_attempts,
          instanceIndex: i,
        });
        // A rebuild's check claims nothing: the instance already holds its resources on its host.
        if (trace.chosen && !isRebuildCheck(one)) {
          const limitsOf = (host: string) => hostLimits(byName.get(host)!, one, filters);
          const claim = await claimFirst(deps.conductor, one, [trace.chosen, ...alternates(trace)], limitsOf);
          if (claim.host && claim.host !== trace.chosen)
            setError(trace, msg('scheduler.claimMoved', { chosen: trace.chosen, refusals: claim.refusals.join('; '), host: claim.host }));
          if (!claim.host) setError(trace, msg('noValidHost.claimsRefused', { refusals: claim.refusals.join('; ') }));
          trace.chosen = claim.host;
          if (claim.host) trace.limits = limitsOf(claim.host);
          else delete trace.limits;
        }
        traces.push(trace);
        if (!trace.chosen) {
          if (uuids.length > 1) await releaseRequest(deps.conductor, traces, uuids);
        } else {
          consumeFromRequest(byName.get(trace.chosen)!, spec.flavor);
          if (group) group = { ...group, member_hosts: [...group.member_hosts, trace.chosen] };
        }
        deps.publish({
          kind: 'step',
          step: 'scheduler.decide',
          ...summaryOf(
            trace.chosen
              ? msg('step.schedulerChose', { host: trace.chosen, subset: trace.subset_size, count: trace.ranking.length })
              : (trace.error_message ?? msg('noValidHost.plain')),
          ),
          detail: trace,
        });
        if (!trace.chosen) break;
      }
      return traces;
    },
  };
}

/** The instances the same_host and different_host hints name (SameHostFilter, DifferentHostFilter). */
export function hintedInstances(spec: RequestSpec): string[] {
  const out: string[] = [];
  for (const name of ['same_host', 'different_host']) {
    const v = Object.hasOwn(spec.scheduler_hints, name) ? spec.scheduler_hints[name] : undefined;
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) out.push(...v);
  }
  return out;
}

/**
 * A multi-create that cannot place every instance places none (Nova's
 * _ensure_sufficient_hosts): the claims of the instances placed before are released
 * (_cleanup_allocations), and every decision of the request says so.
 */
async function releaseRequest(conductor: ConductorApi, traces: ScheduleTrace[], uuids: string[]): Promise<void> {
  const failed = traces[traces.length - 1]!;
  const placed = traces.slice(0, -1);
  await Promise.all(placed.map((t) => conductor.instance_update(t.instance_uuid, { host: null, node: null }).catch(() => undefined)));
  const all = { count: uuids.length, index: traces.length };
  setError(
    failed,
    msg('noValidHost.allOrNone', {
      error: failed.error_message ?? failed.error ?? msg('noValidHost.plain'),
      ...all,
      released: placed.length ? msg('noValidHost.allOrNoneReleased', { count: placed.length }) : msg('noValidHost.allOrNoneNone'),
    }),
  );
  for (const t of placed) setError(t, msg('scheduler.released', { host: t.chosen ?? '', ...all }));
}

/** A decision's error, in English (API, CLI) and by code (GUI). */
function setError(trace: ScheduleTrace, m: LabMessage): void {
  trace.error = messageText(m);
  trace.error_message = m;
}

/** Claim the first host that still has room under its limits; concurrent creates may have taken the best one. */
async function claimFirst(
  conductor: ConductorApi,
  spec: RequestSpec,
  hosts: string[],
  limitsOf: (host: string) => ResourceLimits,
): Promise<{ host: string | null; refusals: string[] }> {
  const refusals: string[] = [];
  const uuid = spec.instance_uuid;
  for (const host of hosts) {
    // A resize or migrate claims the new flavor on the destination for its migration; the instance stays where it is.
    const r = spec.move
      ? await conductor.migration_claim(spec.move.migration_id, host, limitsOf(host))
      : await conductor.instance_claim(uuid, host, limitsOf(host));
    if (r.ok) return { host, refusals };
    refusals.push(r.reason ?? host);
    if (!r.instance) break; // the instance is gone: nothing to place
  }
  return { host: null, refusals };
}
