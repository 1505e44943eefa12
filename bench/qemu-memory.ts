// Where a QEMU process's resident memory goes, from its /proc/<pid>/smaps: the density bench
// reports it beside the totals, so a figure says which part a change moved (or could move).
// Pure: smaps text and the guest's sizes in, kB per region out.

export interface QemuMemoryRegions {
  /** The guest's RAM: the one anonymous mapping of the flavor's size (its resident part is
   *  what the guest uses and has not reported free). */
  guestRam: number;
  /** TCG's translation-block cache: the anonymous mapping that is writable and executable. */
  tcgCache: number;
  /** Mapped files: the QEMU binary, its libraries, and images QEMU maps (x86_64's initrd).
   *  Shared between QEMU processes, so counted whole in each one's RSS. */
  files: number;
  /** The brk heap: aarch64 keeps its copy of the kernel and initrd here (for a reset). */
  heap: number;
  /** Other anonymous memory: x86_64's copy of the kernel, the VGA memory, thread arenas and
   *  stacks, ROMs. */
  otherAnon: number;
  /** The sum, the process's RSS. */
  total: number;
}

const HEADER = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/;

/** Splits an smaps text into RSS (kB) per region; `guestRamMb` is the flavor's memory. */
export function qemuMemoryRegions(smaps: string, guestRamMb: number): QemuMemoryRegions {
  const out: QemuMemoryRegions = { guestRam: 0, tcgCache: 0, files: 0, heap: 0, otherAnon: 0, total: 0 };
  let region: keyof QemuMemoryRegions = 'otherAnon';
  let guestRamSeen = false;
  for (const line of smaps.split('\n')) {
    const h = HEADER.exec(line);
    if (h) {
      const sizeKb = Number((BigInt(`0x${h[2]}`) - BigInt(`0x${h[1]}`)) / 1024n);
      const [perms, name] = [h[3]!, h[4]!];
      if (name.startsWith('/')) region = 'files';
      else if (name === '[heap]') region = 'heap';
      else if (name === '' && perms.startsWith('rwx')) region = 'tcgCache';
      else if (name === '' && !guestRamSeen && sizeKb === guestRamMb * 1024) {
        region = 'guestRam';
        guestRamSeen = true;
      } else region = 'otherAnon';
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss) {
      out[region] += Number(rss[1]);
      out.total += Number(rss[1]);
    }
  }
  return out;
}
