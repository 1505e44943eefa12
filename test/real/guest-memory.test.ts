// Guest memory through the real openstack CLI: three guests (both architectures) of the
// smallest flavor each see all the memory their flavor gives them, and memory a guest frees
// goes back to the host (free page reporting to QEMU's virtio balloon): a guest fills a
// tmpfs file, its QEMU's RSS grows by about that much, the guest deletes it, and the RSS
// falls back. Sizes come from the flavor, not from measurements of this machine.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startLab, processTree, cliEnv, eventually, type LabHandle } from '../../harness/lab-process.js';

const exec = promisify(execFile);
const FLAVOR = 'm1.tiny';
/** What the guest writes and then deletes: a third of the flavor's memory (tmpfs may hold half). */
const fillMb = (flavorMb: number) => Math.floor(flavorMb / 3);
/** Of what the guest filled, how much must show in, and then leave, its QEMU's RSS: the guest
 *  reports free blocks of 128 KB and up, so nearly all of a freed file is given back. */
const SHARE = 0.75;

let lab: LabHandle;
let flavorMb = 0;
const guests: { name: string; image: string; id?: string }[] = [
  { name: 'mem-x86-1', image: 'novalab-x86_64' },
  { name: 'mem-x86-2', image: 'novalab-x86_64' },
  { name: 'mem-arm-1', image: 'novalab-aarch64' },
];

async function os_(...args: string[]): Promise<string> {
  const { stdout } = await exec('openstack', args, { env: cliEnv(lab), maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}
const consoleLog = (name: string) => os_('console', 'log', 'show', name);

/** The QEMU of an instance (by the uuid on its command line) under the lab, and its RSS in MB. */
function qemuRssMb(uuid: string): number {
  for (const pid of processTree(lab.child.pid!)) {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (!path.basename(argv[0]!).startsWith('qemu-system') || !argv.includes(uuid)) continue;
      return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+)/m)![1]) / 1024;
    } catch {
      /* gone */
    }
  }
  throw new Error(`no QEMU process for ${uuid}`);
}

/** The user data: after the banner, say how much memory the kernel found, then fill a tmpfs
 *  file, hold it a while (the test measures), delete it, and say so. */
function userData(fill: number): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'novalab-mem-')), 'fill.sh');
  fs.writeFileSync(
    file,
    [
      '#!/bin/sh',
      'echo "memtest ram $(dmesg | sed -n \'s#.*Memory: [0-9]*K/\\([0-9]*\\)K.*#\\1#p\' | head -n 1) kB"',
      'sleep 10',
      `dd if=/dev/zero of=/run/fill bs=1M count=${fill} 2>/dev/null && echo "memtest filled"`,
      'sleep 120',
      'rm -f /run/fill && echo "memtest freed"',
      '',
    ].join('\n'),
  );
  return file;
}

before(async () => {
  lab = await startLab({ timeoutMs: 600_000 }); // the first start may build the guest images
  flavorMb = (JSON.parse(await os_('flavor', 'show', FLAVOR, '-f', 'json')) as { ram: number }).ram;
  const data = userData(fillMb(flavorMb));
  await Promise.all(
    guests.map(async (g) => {
      const created = JSON.parse(
        await os_('server', 'create', '--flavor', FLAVOR, '--image', g.image, '--user-data', data, '--wait', g.name, '-f', 'json'),
      ) as { id: string; status: string };
      assert.equal(created.status, 'ACTIVE');
      g.id = created.id;
    }),
  );
});
after(async () => {
  await lab?.stop();
});

test('every guest shows its banner and sees all of its flavor memory', async () => {
  await Promise.all(
    guests.map(async (g) => {
      const log = await eventually(
        `${g.name} reporting its memory`,
        async () => {
          const text = await consoleLog(g.name);
          return /memtest ram \d+ kB/.test(text) ? text : null;
        },
        300_000,
        2000,
      );
      assert.ok(log.includes(`novalab login: ${g.name} (${g.id})`), `${g.name}'s console:\n${log.slice(-2000)}`);
      const ramKb = Number(log.match(/memtest ram (\d+) kB/)![1]);
      // The kernel's count of its RAM: the flavor's, less the PC's legacy area below 1 MB on x86_64.
      assert.ok(ramKb <= flavorMb * 1024 && ramKb >= (flavorMb - 1) * 1024, `${g.name} sees ${ramKb} kB for a ${flavorMb} MB flavor`);
    }),
  );
});

test("memory a guest frees goes back to the host: its QEMU's RSS falls after the guest deletes a file", async () => {
  const fill = fillMb(flavorMb);
  await Promise.all(
    guests.map(async (g) => {
      const filled = await eventually(
        `${g.name} filling ${fill} MB`,
        async () => ((await consoleLog(g.name)).includes('memtest filled') ? qemuRssMb(g.id!) : null),
        300_000,
        1000,
      );
      assert.ok(!(await consoleLog(g.name)).includes('memtest freed'), `${g.name} freed its file before its RSS was read`);
      const freed = await eventually(
        `${g.name}'s QEMU to give back what the guest freed (RSS filled: ${filled.toFixed(0)} MB)`,
        async () => {
          if (!(await consoleLog(g.name)).includes('memtest freed')) return null;
          const rss = qemuRssMb(g.id!);
          return rss <= filled - SHARE * fill ? rss : null;
        },
        300_000,
        2000,
      );
      assert.ok(freed <= filled - SHARE * fill, `${g.name}: ${filled.toFixed(0)} MB → ${freed.toFixed(0)} MB`);
    }),
  );
});
