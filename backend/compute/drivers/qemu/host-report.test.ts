import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildHostReport, parseQemuVersion, versionNumber, type HostFacts } from './host-report.js';

const facts: HostFacts = {
  qemuVersion: '7.2.22',
  arches: ['x86_64', 'aarch64'],
  hostArch: 'x86_64',
  accel: { accelerator: 'tcg', reason: 'kvm: probe boot produced no output in 5 s; using tcg' },
  cpu: { model: 'Intel(R) Xeon(R)', count: 2 },
};

test("versions in Nova's integer form", () => {
  assert.equal(versionNumber('7.2.22'), 7002022);
  assert.equal(versionNumber('8.0'), 8000000);
  assert.equal(parseQemuVersion('QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)\nCopyright'), '7.2.22');
  assert.equal(parseQemuVersion('nonsense'), null);
});

test('a TCG host runs both architectures as "qemu"', () => {
  const r = buildHostReport(facts);
  assert.equal(r.hypervisor_type, 'qemu');
  assert.deepEqual(r.hypervisor_types, ['qemu']);
  assert.deepEqual(r.supported_instances, [
    ['x86_64', 'qemu', 'hvm'],
    ['aarch64', 'qemu', 'hvm'],
  ]);
  assert.deepEqual(r.accelerators, { x86_64: 'tcg', aarch64: 'tcg' });
  assert.equal(r.hypervisor_version, 7002022);
  assert.match(r.acceleratorReason, /no output in 5 s/);
  assert.equal((r.cpu_info as { vendor: string }).vendor, 'Intel');
});

test('a proven KVM host adds kvm for its own architecture only', () => {
  const r = buildHostReport({ ...facts, accel: { accelerator: 'kvm', reason: 'kvm: ok; using kvm' } });
  assert.equal(r.hypervisor_type, 'kvm');
  assert.deepEqual(r.supported_instances, [
    ['x86_64', 'kvm', 'hvm'],
    ['x86_64', 'qemu', 'hvm'],
    ['aarch64', 'qemu', 'hvm'],
  ]);
  assert.deepEqual(r.accelerators, { x86_64: 'kvm', aarch64: 'tcg' });
  assert.deepEqual(r.hypervisor_types, ['kvm', 'qemu']);
});

test('an architecture without its QEMU binary is not advertised', () => {
  const r = buildHostReport({ ...facts, arches: ['x86_64'] });
  assert.deepEqual(r.supported_instances, [['x86_64', 'qemu', 'hvm']]);
  assert.equal(r.accelerators.aarch64, undefined);
});
