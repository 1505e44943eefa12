import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { SupportedInstance } from '../../../contract/model.js';
import { imagePropertiesFilter } from './image-properties-filter.js';
import { makeHost, makeSpec, verdictText } from '../test-fixtures.js';

const x86Qemu: SupportedInstance = ['x86_64', 'qemu', 'hvm'];
const x86Kvm: SupportedInstance = ['x86_64', 'kvm', 'hvm'];
const armQemu: SupportedInstance = ['aarch64', 'qemu', 'hvm'];

const check = (supported: SupportedInstance[], properties: Record<string, string>, hypervisor_version = 8002000) =>
  verdictText(
    imagePropertiesFilter.check(makeHost({ supported_instances: supported, hypervisor_version }), makeSpec({ image: { properties } })),
  );

test('an aarch64 image never passes a host without aarch64', () => {
  for (const supported of [[x86Qemu], [x86Qemu, x86Kvm], []]) {
    const verdict = check(supported, { architecture: 'aarch64' });
    assert.notEqual(verdict, true, JSON.stringify(supported));
  }
  assert.match(
    String(check([x86Qemu], { architecture: 'aarch64' })),
    /image needs architecture=aarch64; the host offers \(x86_64, qemu, hvm\)/,
  );
});

test('an aarch64 image passes a host that offers aarch64 among others', () => {
  assert.equal(check([x86Qemu, armQemu], { architecture: 'aarch64' }), true);
});

test('a hypervisor_type=kvm image passes only hosts that list kvm', () => {
  assert.notEqual(check([x86Qemu], { hypervisor_type: 'kvm' }), true);
  assert.equal(check([x86Qemu, x86Kvm], { hypervisor_type: 'kvm' }), true);
});

test('all asked-for properties must come from the same triple', () => {
  assert.notEqual(check([x86Kvm, armQemu], { architecture: 'aarch64', hypervisor_type: 'kvm' }), true);
  assert.equal(check([x86Kvm, armQemu], { architecture: 'x86_64', hypervisor_type: 'kvm' }), true);
});

test('canonicalises names: amd64 is x86_64, upper case folds, pv is xen', () => {
  assert.equal(check([x86Qemu], { architecture: 'AMD64' }), true);
  assert.equal(check([x86Qemu], { hypervisor_type: 'QEMU' }), true);
  assert.equal(check([['x86_64', 'xen', 'xen']], { vm_mode: 'pv' }), true);
});

test('i686 is not x86_64', () => {
  assert.notEqual(check([x86Qemu], { architecture: 'i386' }), true);
  assert.equal(check([['i686', 'qemu', 'hvm']], { architecture: 'i386' }), true);
});

test("reads Nova's property names too", () => {
  assert.notEqual(check([x86Qemu], { hw_architecture: 'aarch64' }), true);
  assert.equal(check([x86Qemu], { img_hv_type: 'qemu', hw_vm_mode: 'hvm' }), true);
});

test('an image asking for nothing passes even a host with no supported instances', () => {
  assert.equal(check([], {}), true);
  assert.equal(check([], { os_distro: 'cirros' }), true);
});

test('a host with no supported instances fails an image that asks for something', () => {
  assert.match(String(check([], { hypervisor_type: 'qemu' })), /advertises no supported instance types/);
});

test('explains an architecture name Nova does not know', () => {
  assert.match(
    String(check([x86Qemu], { architecture: 'arm' })),
    /"arm" is not a name Nova knows for architecture \(did you mean armv7l or aarch64\?\)/,
  );
});

test('checks hypervisor_version_requires against the host version', () => {
  const props = { hypervisor_type: 'qemu', hypervisor_version_requires: '>=6.0' };
  assert.equal(check([x86Qemu], props, 8002000), true);
  assert.equal(check([x86Qemu], props, 5002000), "image needs hypervisor version >=6.0; the host's QEMU is 5.2.0 (5002000)");
});

test("accepts a version requirement in Nova's packed integer form", () => {
  const props = { hypervisor_type: 'qemu', hypervisor_version_requires: '>=6000000' };
  assert.equal(check([x86Qemu], props, 6000000), true);
  assert.notEqual(check([x86Qemu], props, 5999999), true);
});

test('skips the version check on a host reporting version 0', () => {
  assert.equal(check([x86Qemu], { architecture: 'x86_64', hypervisor_version_requires: '>=99.0' }, 0), true);
});
