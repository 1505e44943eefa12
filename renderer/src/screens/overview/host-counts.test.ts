// "Running VMs" on a host card counts only instances whose power state is RUNNING.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostCounts } from './host-counts';
import type { ServerDetail } from '../../api/compute';

const server = (id: string, host: string | null, status: string, power: number): ServerDetail => ({
  id,
  name: id,
  status,
  'OS-EXT-SRV-ATTR:host': host,
  'OS-EXT-STS:power_state': power,
});

test('a SHUTOFF, PAUSED or ERROR instance is on the host but not running; an unscheduled one is on no host', () => {
  const counts = hostCounts([
    server('a', 'host-a', 'ACTIVE', 1),
    server('b', 'host-a', 'SHUTOFF', 4),
    server('c', 'host-a', 'PAUSED', 3),
    server('d', 'host-b', 'ACTIVE', 1),
    server('e', null, 'ERROR', 0),
  ]);
  assert.deepEqual(Object.fromEntries(counts), { 'host-a': { instances: 3, running: 1 }, 'host-b': { instances: 1, running: 1 } });
});
