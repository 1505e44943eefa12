import { test } from 'node:test';
import assert from 'node:assert/strict';
import { supportedTriples, allocateNetwork } from './host-inventory.js';
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
