import { test } from 'node:test';
import assert from 'node:assert/strict';
import { supportedTriples, allocateNetwork, nodeReport } from './host-inventory.js';
import type { LabHost } from '../../contract/model.js';
import type { DriverHostReport } from './driver.js';

const report = {
  supported_instances: [
    ['x86_64', 'qemu', 'hvm'],
    ['aarch64', 'qemu', 'hvm'],
  ],
} as DriverHostReport;
const host = (over: Partial<LabHost>) => ({ name: 'h', architectures: ['x86_64'], hypervisor_types: ['qemu', 'kvm'], ...over }) as LabHost;

test('a host offers kvm only where the driver proved it, and only its own architectures', () => {
  assert.deepEqual(supportedTriples(host({}), report), [['x86_64', 'qemu', 'hvm']]);
  const withKvm = { supported_instances: [...report.supported_instances, ['x86_64', 'kvm', 'hvm']] } as DriverHostReport;
  assert.deepEqual(supportedTriples(host({}), withKvm), [
    ['x86_64', 'qemu', 'hvm'],
    ['x86_64', 'kvm', 'hvm'],
  ]);
  assert.deepEqual(supportedTriples(host({ architectures: ['aarch64'] }), report), [['aarch64', 'qemu', 'hvm']]);
});

test('each instance gets its own OpenStack-style MAC and fixed IP', () => {
  const a = allocateNetwork('0a1b2c3d-0000-4000-8000-000000000000', 1);
  const b = allocateNetwork('ffeeddcc-0000-4000-8000-000000000000', 2);
  assert.equal(a.mac, 'fa:16:3e:0a:1b:2c');
  assert.notEqual(a.ip, b.ip);
  assert.match(a.ip, /^169\.254\.\d+\.\d+$/);
});

test('a host in an aggregate with availability_zone metadata reports that zone, and its disk_available_least', () => {
  const report = {
    accelerator: 'fake',
    acceleratorReason: '',
    accelerators: {},
    hypervisor_type: 'qemu',
    hypervisor_types: ['qemu'],
    hypervisor_version: 1,
    supported_instances: [['x86_64', 'qemu', 'hvm']],
    cpu_info: {},
  } as DriverHostReport;
  const host: LabHost = {
    name: 'host-z',
    vcpus: 2,
    memory_mb: 2048,
    disk_gb: 20,
    availability_zone: 'nova',
    capabilities: {},
    architectures: ['x86_64'],
    hypervisor_types: ['qemu'],
    aggregates: [{ name: 'west', metadata: { availability_zone: 'az-west' } }],
    metrics: {},
  };
  const node = nodeReport(host, report, { cpu: 16, ram: 1.5, disk: 1 }, 17);
  assert.equal(node.availability_zone, 'az-west');
  assert.equal(node.disk_available_least, 17);
  assert.equal(nodeReport({ ...host, aggregates: [] }, report, { cpu: 16, ram: 1.5, disk: 1 }).availability_zone, 'nova');
});
