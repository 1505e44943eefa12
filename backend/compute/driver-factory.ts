// Pick the compute driver nova.conf names: the QEMU driver for real guests, or the fake one
// for fast functional tests. The QEMU driver (and execa under it) loads only when nova.conf
// names it: a fake-driver host no longer pays ~100 ms of start-up CPU for it, times each host.
import fs from 'node:fs';
import type { NovaConf } from '../config/nova-conf.js';
import { resourcePath } from '../common/app-root.js';
import type { ComputeDriver } from './driver.js';
import { FakeDriver } from './drivers/fake/fake-driver.js';

export async function createDriver(conf: NovaConf, accelCacheFile: string): Promise<ComputeDriver> {
  // Tests that kill services mid-build slow the fake spawn down so builds are in flight.
  if (conf.str('compute_driver') === 'fake')
    return new FakeDriver({
      spawnDelayMs: Number(process.env.NOVALAB_FAKE_SPAWN_DELAY_MS ?? 0) || 0,
      snapshotDelayMs: Number(process.env.NOVALAB_FAKE_SNAPSHOT_DELAY_MS ?? 0) || 0,
    });
  const kernel = (arch: string) => {
    const p = resourcePath('images', arch, 'vmlinuz');
    return fs.existsSync(p) ? p : undefined;
  };
  const { QemuDriver } = await import('./drivers/qemu/qemu-driver.js');
  return new QemuDriver({
    accelCacheFile,
    probeKernels: { x86_64: kernel('x86_64'), aarch64: kernel('aarch64') },
    tcgTbSizeMb: conf.int('novalab.tcg_tb_size_mb'),
    freePageReporting: conf.bool('novalab.free_page_reporting'),
  });
}
