import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { defaultTopologyFile, validateTopology } from './topology.js';

const host = (over: Record<string, unknown> = {}) => ({
  name: 'h1',
  vcpus: 2,
  memory_mb: 2048,
  disk_gb: 20,
  availability_zone: 'az1',
  architectures: ['x86_64'],
  hypervisor_types: ['qemu'],
  ...over,
});

test('the default topology is valid', () => {
  assert.deepEqual(validateTopology(JSON.parse(fs.readFileSync(defaultTopologyFile(), 'utf8'))), []);
});

test("an aggregate may repeat its host's zone but not name another one: a host is in one zone, as Nova insists", () => {
  assert.deepEqual(validateTopology({ hosts: [host({ aggregates: [{ name: 'rack', metadata: { availability_zone: 'az1' } }] })] }), []);
  assert.deepEqual(validateTopology({ hosts: [host({ aggregates: [{ name: 'rack', metadata: { availability_zone: 'az2' } }] })] }), [
    'topology host 0 (h1): aggregate rack has availability_zone "az2" but the host\'s availability_zone is "az1"',
  ]);
});
