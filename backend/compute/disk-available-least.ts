// disk_available_least, as a hypervisor reports it: the disk the host could still give
// instances if every disk it already holds grew to its full size (libvirt: free space of the
// instances directory minus what its qcow2 overlays may still grow by). The lab's QEMU driver
// counts every instance's flavor disk as not yet allocated (its overlays start near empty);
// the fake driver has no real disk, so it reports the topology's disk minus what its
// instances use. Nova's host state takes the smaller of this and local_gb − used.
import fs from 'node:fs';
import { instanceDiskGb, type FlavorSize } from '../shared/claims.js';

const GIB = 1024 ** 3;

/** Pure: whole GB, never below 0. `fsFreeBytes` is null for the fake driver. */
export function diskAvailableLeast(localGb: number, flavors: readonly FlavorSize[], fsFreeBytes: number | null): number {
  let used = 0;
  for (const f of flavors) used += instanceDiskGb(f);
  const free = fsFreeBytes === null ? localGb : Math.floor(fsFreeBytes / GIB);
  return Math.max(0, free - used);
}

/** Free bytes of the filesystem holding `dir` (null when it cannot be read). */
export async function filesystemFreeBytes(dir: string): Promise<number | null> {
  try {
    const s = await fs.promises.statfs(dir);
    return s.bavail * s.bsize;
  } catch {
    return null;
  }
}
