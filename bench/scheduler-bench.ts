// Scheduler throughput: decisions per second at 10, 100 and 1,000 hosts with every filter
// and every weigher enabled, each decision with its full trace (median of 7 runs of 150 ms of
// this process's CPU time). About 60% of the hosts pass; the rest are rejected with reasons.
// Half the hosts are in an aggregate that sets a per-aggregate ram_weight_multiplier and
// cpu_allocation_ratio, the other half in one that isolates tenants and flavors; the request
// carries a JsonFilter query and a different_host hint.
// Run directly to print JSON:
//   node dist/bench/scheduler-bench.js
import { pathToFileURL } from 'node:url';
import type { HostState, RequestSpec } from '../contract/scheduler.js';
import type { SupportedInstance } from '../contract/model.js';
import { FILTER_NAMES, WEIGHER_NAMES } from '../contract/scheduler-names.js';
import { selectHost, type SelectHostOptions } from '../backend/scheduler/select-destinations.js';
import { DEFAULT_WEIGHER_OPTIONS } from '../backend/scheduler/weighers/types.js';
import { makeHost, makeSpec } from '../backend/scheduler/test-fixtures.js';

const SIZES = [10, 100, 1000];
const RUNS = 7;
const RUN_MS = 150;

/** A varied fleet: most hosts can take the request, some are full, down, elsewhere or ARM-only. */
function fleet(n: number): HostState[] {
  const x86: SupportedInstance[] = [
    ['x86_64', 'qemu', 'hvm'],
    ['x86_64', 'kvm', 'hvm'],
  ];
  const arm: SupportedInstance[] = [['aarch64', 'qemu', 'hvm']];
  return Array.from({ length: n }, (_, i) =>
    makeHost({
      host: `host-${String(i).padStart(4, '0')}`,
      availability_zone: i % 10 === 9 ? 'az2' : 'nova',
      vcpus: 8 + (i % 4) * 8,
      vcpus_used: (i * 7) % 40,
      memory_mb: 16384 + (i % 3) * 16384,
      memory_mb_used: (i * 1237) % 30000,
      local_gb: 200 + (i % 5) * 100,
      local_gb_used: (i * 13) % 250,
      supported_instances: i % 17 === 16 ? arm : x86,
      capabilities: { ssd: i % 8 === 7 ? 'false' : 'true', cpu_info: '{"arch": "x86_64"}' },
      aggregates: [
        i % 2
          ? { name: 'gold', metadata: { tier: 'gold, silver', ram_weight_multiplier: '-1.0', cpu_allocation_ratio: '8.0' } }
          : {
              name: 'silver',
              metadata: { tier: 'silver', filter_tenant_id: 'project-1, project-2', instance_type: 'm1.small, m1.medium' },
            },
      ],
      num_instances: i % 60,
      instance_uuids: [`member-${i}`],
      num_io_ops: i % 5,
      failed_builds: i % 37 === 36 ? 2 : 0,
      metrics: i % 50 === 49 ? {} : { 'cpu.percent': (i * 31) % 100, load: (i % 7) / 2 },
      service: { up: i % 23 !== 22, disabled: i % 29 === 28, disabled_reason: i % 29 === 28 ? 'maintenance' : null },
    }),
  );
}

/** A fresh request each decision, as the conductor would send it (so per-request parsing counts). */
function request(seq: number): RequestSpec {
  return makeSpec({
    instance_uuid: `instance-${seq}`,
    availability_zone: 'nova',
    flavor: {
      vcpus: 2,
      ram: 2048,
      disk: 20,
      ephemeral: 0,
      swap: 512,
      extra_specs: { 'capabilities:ssd': '<or> true <or> yes', 'aggregate_instance_extra_specs:tier': 'silver', 'hw:cpu_policy': 'shared' },
    },
    image: { properties: { architecture: 'x86_64', hypervisor_type: 'qemu', hypervisor_version_requires: '>=6.0' } },
    retry: { num_attempts: 2, hosts: ['host-0003'] },
    scheduler_hints: { different_host: ['member-7', 'member-11'], query: '["and", [">=", "$free_ram_mb", 1024], ["<", "$num_io_ops", 8]]' },
    instance_group: { uuid: 'group-1', policy: 'anti-affinity', member_hosts: ['host-0001', 'host-0005'] },
  });
}

const options: SelectHostOptions = {
  filters: [...FILTER_NAMES],
  weighers: [...WEIGHER_NAMES],
  // [metrics] required = false: the hosts without metrics get weight_of_unavailable (true would fail the request).
  weigherOptions: { ...DEFAULT_WEIGHER_OPTIONS, metrics_weight_setting: ['cpu.percent=-1.0', 'load=-0.5'], metrics_required: false },
  subsetSize: 2,
  random: Math.random,
  request_id: 'req-bench',
  attempt: 1,
};

/** CPU milliseconds this process has used (user + system). */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Decisions per second over one run of about RUN_MS milliseconds, counted in CPU time of
 * this process: on a shared 2-core machine wall-clock time mostly measures the neighbours.
 */
function timedRun(hosts: HostState[], seq: { n: number }): number {
  let decisions = 0;
  const start = cpuMs();
  let elapsed: number;
  do {
    for (let i = 0; i < 10; i++) {
      const trace = selectHost(hosts, request(seq.n++), options);
      if (trace.chosen === null) throw new Error(`bench request found no host: ${trace.error}`);
      decisions++;
    }
    elapsed = cpuMs() - start;
  } while (elapsed < RUN_MS);
  return (decisions * 1000) / elapsed;
}

/** The hosts, request builder and options one bench size uses (for profiling). */
export function benchFixture(size: number) {
  return { hosts: fleet(size), request, options };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchScheduler(): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  const seq = { n: 0 };
  for (const size of SIZES) {
    const hosts = fleet(size);
    timedRun(hosts, seq); // warm-up
    const runs = Array.from({ length: RUNS }, () => timedRun(hosts, seq));
    out[`scheduler.decisions_per_s.${size}_hosts`] = Math.round(median(runs));
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await benchScheduler(), null, 2));
}
