import { test } from 'node:test';
import assert from 'node:assert/strict';
import { claimRefusal, usageByHost, buildHostStates, freeDiskMb, ioOpsOf } from './usage.js';
import type { ComputeNode, Instance } from '../../contract/model.js';
import { DEFAULT_FLAVORS } from './default-flavors.js';

const node = (over: Partial<ComputeNode> = {}): ComputeNode => ({
  host: 'host-a',
  hypervisor_hostname: 'host-a',
  id: 1,
  uuid: 'u',
  availability_zone: 'nova',
  vcpus: 4,
  memory_mb: 4096,
  local_gb: 40,
  vcpus_used: 0,
  memory_mb_used: 0,
  local_gb_used: 0,
  running_vms: 0,
  hypervisor_type: 'QEMU',
  hypervisor_version: 7002000,
  cpu_info: {},
  supported_instances: [['x86_64', 'qemu', 'hvm']],
  capabilities: {},
  aggregates: [],
  metrics: {},
  accelerator: 'tcg',
  accelerator_reason: '',
  cpu_allocation_ratio: 2,
  ram_allocation_ratio: 1.5,
  disk_allocation_ratio: 1,
  updated_at: new Date().toISOString(),
  ...over,
});
const tiny = DEFAULT_FLAVORS[0]!;
const inst = (host: string | null, vm_state: Instance['vm_state'] = 'active') =>
  ({ uuid: Math.random().toString(36), host, vm_state, flavor: tiny }) as Instance;

test('usage counts only instances that hold resources on a host', () => {
  const u = usageByHost([inst('host-a'), inst('host-a', 'deleted'), inst(null, 'error'), inst('host-b')]);
  assert.equal(u.get('host-a')!.count, 1);
  assert.equal(u.get('host-b')!.vcpus, 1);
});

test("under CoreFilter's vcpu limit (4 vCPUs × ratio 2), a host takes 8 one-vCPU claims and refuses the 9th, with the numbers", () => {
  const n = node();
  const used = usageByHost(Array.from({ length: 8 }, () => inst('host-a'))).get('host-a')!;
  assert.equal(claimRefusal(n, { ...used, vcpus: 7 }, tiny, { vcpu: 8 }), null);
  assert.equal(claimRefusal(n, used, tiny, { vcpu: 8 }), 'host-a: free vcpu 0 VCPU < 1 VCPU requested (limit 8 VCPU − 8 VCPU used)');
});

test('without limits (no resource filter enabled, or a forced host) the claim checks nothing', () => {
  const used = usageByHost(Array.from({ length: 8 }, () => inst('host-a'))).get('host-a')!;
  assert.equal(claimRefusal(node(), used, tiny, {}), null);
});

test('host states report a compute service without a recent heartbeat as down', () => {
  const old = new Date(Date.now() - 120_000).toISOString();
  const svc = {
    id: 1,
    uuid: 's',
    binary: 'nova-compute' as const,
    host: 'host-a',
    zone: 'nova',
    disabled: true,
    disabled_reason: 'maintenance',
    forced_down: false,
    updated_at: old,
    created_at: old,
  };
  const [h] = buildHostStates([node()], [svc], new Map(), Date.now(), 60);
  assert.equal(h!.service.up, false);
  assert.equal(h!.service.disabled_reason, 'maintenance');
});

test("num_io_ops counts what Nova's io_workload counts: building instances and I/O-heavy task states", () => {
  const on = (vm_state: Instance['vm_state'], task_state: string | null) =>
    ({ uuid: Math.random().toString(36), host: 'host-a', vm_state, task_state, flavor: tiny }) as Instance;
  const table: [vm_state: Instance['vm_state'], task_state: string | null, io: number][] = [
    ['building', 'spawning', 1],
    ['active', null, 0],
    ['active', 'rebuilding', 1],
    ['active', 'image_snapshot', 1],
    ['active', 'powering-off', 0],
    ['stopped', 'resize_prep', 1],
  ];
  for (const [vm, task, io] of table)
    assert.equal(ioOpsOf({ vm_state: vm, task_state: task as Instance['task_state'] }), io, `${vm}/${task}`);
  const [h] = buildHostStates([node()], [], usageByHost(table.map(([vm, task]) => on(vm, task))), Date.now(), 60);
  assert.equal(h!.num_io_ops, 4);
});

test('host states carry failed builds per host, 0 when none are recorded', () => {
  const states = buildHostStates([node(), node({ host: 'host-b' })], [], new Map(), Date.now(), 60, { 'host-b': 3 });
  assert.deepEqual(
    states.map((h) => [h.host, h.failed_builds]),
    [
      ['host-a', 0],
      ['host-b', 3],
    ],
  );
});

test('free_disk_mb is the smaller of local_gb − used and disk_available_least (Nova HostState)', () => {
  const used = usageByHost([inst('host-a')]).get('host-a')!; // m1.tiny: 1 GB
  const table: [least: number | null | undefined, freeMb: number][] = [
    [undefined, 39 * 1024],
    [null, 39 * 1024],
    [12, 12 * 1024],
    [100, 39 * 1024],
  ];
  for (const [least, freeMb] of table) {
    const [h] = buildHostStates([node({ disk_available_least: least })], [], new Map([['host-a', used]]), Date.now(), 60);
    assert.equal(h!.free_disk_mb, freeMb, `least ${least}`);
    assert.equal(freeDiskMb(39, least ?? null), freeMb);
  }
});

test("an aggregate's availability_zone metadata is the host state's zone", () => {
  const zoned = node({
    aggregates: [
      { name: 'ssd', metadata: { ssd: 'true' } },
      { name: 'east', metadata: { availability_zone: 'az-east' } },
    ],
  });
  const [h, plain] = buildHostStates([zoned, node({ host: 'host-b' })], [], new Map(), Date.now(), 60);
  assert.equal(h!.availability_zone, 'az-east');
  assert.equal(plain!.availability_zone, 'nova');
});
