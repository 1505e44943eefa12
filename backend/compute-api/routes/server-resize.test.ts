import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resizeFlavorRefusal, upsizeQuotaRefusal } from './server-resize.js';
import { serverStatus } from '../server-state.js';
import { instanceFixture, flavorFixture } from '../../shared/testing/model-fixtures.js';
import type { QuotaSet } from '../../../contract/model.js';

test("Nova's status for every step of a move", () => {
  for (const t of ['resize_prep', 'resize_migrating', 'resize_migrated', 'resize_finish'] as const) {
    assert.equal(serverStatus('active', t), 'RESIZE');
    assert.equal(serverStatus('stopped', t), 'RESIZE');
  }
  assert.equal(serverStatus('resized', null), 'VERIFY_RESIZE');
  assert.equal(serverStatus('resized', 'resize_reverting'), 'REVERT_RESIZE');
});

test('resizeFlavorRefusal: same flavor, zero disk, memory and disk of the image', () => {
  const inst = instanceFixture({ flavor: flavorFixture({ id: '1', disk: 1, ram: 256 }) });
  assert.equal(resizeFlavorRefusal(inst, flavorFixture({ id: '1' })), 'When resizing, instances must change flavor!');
  assert.match(resizeFlavorRefusal(inst, flavorFixture({ id: '2', disk: 0 }))!, /Resize to zero disk flavor is not allowed/);
  const img = { ...inst.image, min_ram: 512, size: 3 * 1024 ** 3, min_disk: 0 };
  assert.equal(
    resizeFlavorRefusal({ ...inst, image: img }, flavorFixture({ id: '2', ram: 256, disk: 5 })),
    "Flavor's memory is too small for requested image.",
  );
  assert.match(resizeFlavorRefusal({ ...inst, image: img }, flavorFixture({ id: '2', ram: 512, disk: 2 }))!, /^Flavor's disk is too small/);
  assert.equal(resizeFlavorRefusal({ ...inst, image: img }, flavorFixture({ id: '2', ram: 512, disk: 5 })), null);
});

test('upsizeQuotaRefusal counts only the increases, in Nova words', () => {
  const q = { cores: 4, ram: 1024 } as QuotaSet;
  const used = { instances: 1, cores: 3, ram: 768, key_pairs: 0, server_groups: 0 };
  const from = flavorFixture({ vcpus: 1, ram: 256 });
  assert.equal(upsizeQuotaRefusal(q, used, from, flavorFixture({ vcpus: 2, ram: 512 })), null);
  assert.equal(
    upsizeQuotaRefusal(q, used, from, flavorFixture({ vcpus: 3, ram: 1024 })),
    'Quota exceeded for cores, ram: Requested 2, 768, but already used 3, 768 of 4, 1024 cores, ram',
  );
  assert.equal(upsizeQuotaRefusal(q, { ...used, ram: 5000 }, from, flavorFixture({ vcpus: 1, ram: 128 })), null, 'a downsize always fits');
});
