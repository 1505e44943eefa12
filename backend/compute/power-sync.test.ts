import { test } from 'node:test';
import assert from 'node:assert/strict';
import { currentContext } from '../bus/client.js';
import type { PublishedEvent } from '../bus/wire.js';
import { instanceFixture } from '../shared/testing/model-fixtures.js';
import type { ComputeContext } from './compute-context.js';
import { recordGuestStopped } from './power-sync.js';
import { msg } from '../../contract/messages.js';

test("a guest stopped behind Nova's back is recorded in its own project's context, so only that project sees it", async () => {
  const inst = instanceFixture({ vm_state: 'active', project_id: 'p-demo', user_id: 'u-demo' });
  const seen: { what: string; project?: string }[] = [];
  const note = (what: string) => async () => {
    seen.push({ what, project: currentContext()?.project_id });
  };
  const conductor = {
    instance_get: async () => inst,
    action_start: note('action_start'),
    action_event_start: note('action_event_start'),
    instance_update: note('instance_update'),
    action_event_finish: note('action_event_finish'),
  };
  const published: PublishedEvent[] = [];
  const c = {
    host: 'host-a',
    conductor,
    publish: (e: PublishedEvent) => {
      published.push(e);
      seen.push({ what: 'publish', project: currentContext()?.project_id });
    },
  } as unknown as ComputeContext;
  await recordGuestStopped(c, inst.uuid, msg('powerSync.vanished'));
  assert.deepEqual(
    seen.map((s) => s.what),
    ['action_start', 'action_event_start', 'instance_update', 'action_event_finish', 'publish'],
  );
  for (const s of seen) assert.equal(s.project, 'p-demo', s.what);
  assert.equal(published[0]!.kind, 'service');
  // The event line by code (the GUI translates it); its English for the CLI and the logs.
  assert.equal(published[0]!.message?.code, 'event.guestStopped');
  assert.equal(published[0]!.summary, `${inst.name} on host-a: its hypervisor process vanished while nova-compute was down; now SHUTOFF`);
});

test('a rescue guest that stopped leaves the server RESCUE (only its power state changes), so unrescue still works', async () => {
  const inst = instanceFixture({ vm_state: 'rescued', power_state: 1 });
  const updates: unknown[] = [];
  const c = {
    host: 'host-a',
    conductor: {
      instance_get: async () => inst,
      instance_update: async (_uuid: string, patch: unknown) => void updates.push(patch),
    },
    publish: () => undefined,
  } as unknown as ComputeContext;
  await recordGuestStopped(c, inst.uuid, msg('powerSync.vanished'));
  assert.deepEqual(updates, [{ power_state: 4 }]);
});
