// The density bench's split of a QEMU's RSS: each mapping lands in one region, the regions
// sum to the RSS, and only the mapping of the flavor's size counts as the guest's RAM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { qemuMemoryRegions } from './qemu-memory.js';

/** One smaps entry: header line plus the fields the split reads (and one it must ignore). */
function entry(start: number, sizeKb: number, perms: string, name: string, rssKb: number): string {
  const hex = (n: number) => n.toString(16).padStart(12, '0');
  return [
    `${hex(start)}-${hex(start + sizeKb * 1024)} ${perms} 00000000 00:00 0 ${name}`.trimEnd(),
    `Size:           ${sizeKb} kB`,
    `Rss:            ${rssKb} kB`,
    `Pss:            ${Math.floor(rssKb / 2)} kB`,
  ].join('\n');
}

test('each mapping counts in its region, and the regions sum to the RSS', () => {
  const GiB = 2 ** 30;
  const smaps = [
    entry(1 * GiB, 256 * 1024, 'rw-p', '', 70_000), // the guest's RAM (256 MB flavor)
    entry(2 * GiB, 16 * 1024, 'rwxp', '', 16_000), // TCG translation cache
    entry(3 * GiB, 40_000, 'r-xp', '/usr/bin/qemu-system-x86_64', 13_000),
    entry(4 * GiB, 2_000, 'r--p', '/usr/lib/x86_64-linux-gnu/libc.so.6', 1_500),
    entry(5 * GiB, 40_000, 'rw-p', '[heap]', 38_000),
    entry(6 * GiB, 13_840, 'rw-p', '', 13_500), // the kernel copy x86_64 keeps
    entry(7 * GiB, 256 * 1024, 'rw-p', '', 10), // a second mapping of that size is not guest RAM
    entry(8 * GiB, 132, 'rw-p', '[stack]', 100),
  ].join('\n');
  const r = qemuMemoryRegions(smaps, 256);
  assert.deepEqual(r, {
    guestRam: 70_000,
    tcgCache: 16_000,
    files: 14_500,
    heap: 38_000,
    otherAnon: 13_610,
    total: 152_110,
  });
  assert.equal(r.guestRam + r.tcgCache + r.files + r.heap + r.otherAnon, r.total);
});

test('a guest of another size: its RAM is found by the flavor, not by a fixed size', () => {
  const smaps = [entry(2 ** 30, 256 * 1024, 'rw-p', '', 500), entry(2 ** 31, 512 * 1024, 'rw-p', '', 90_000)].join('\n');
  assert.equal(qemuMemoryRegions(smaps, 512).guestRam, 90_000);
  assert.equal(qemuMemoryRegions(smaps, 512).otherAnon, 500);
});
