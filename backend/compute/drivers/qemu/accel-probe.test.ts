import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import {
  cacheKey,
  chooseAccelerator,
  decideAccelerator,
  hardwareCandidate,
  hostGuestArch,
  probeArgv,
  usableCache,
  type AccelFacts,
  type ProbeBootOptions,
} from './accel-probe.js';

const linuxKvm: AccelFacts = { platform: 'linux', hostArch: 'x86_64', kvmAccessible: true };

const decisions: { name: string; facts: AccelFacts; probe: { ok: boolean; detail: string } | null; accel: string; reason: RegExp }[] = [
  {
    name: 'Linux with a working KVM uses kvm',
    facts: linuxKvm,
    probe: { ok: true, detail: "probe boot reached the kernel's end in 0.6 s" },
    accel: 'kvm',
    reason: /^kvm: probe boot .* using kvm$/,
  },
  {
    name: 'Linux whose KVM guest hangs falls back to tcg, saying why',
    facts: linuxKvm,
    probe: { ok: false, detail: 'probe boot produced no output in 5 s' },
    accel: 'tcg',
    reason: /^kvm: probe boot produced no output in 5 s; using tcg$/,
  },
  {
    name: 'Linux without /dev/kvm uses tcg without probing',
    facts: { ...linuxKvm, kvmAccessible: false },
    probe: null,
    accel: 'tcg',
    reason: /\/dev\/kvm .*; using tcg/,
  },
  {
    name: 'macOS with a working HVF uses hvf',
    facts: { platform: 'darwin', hostArch: 'aarch64', kvmAccessible: false },
    probe: { ok: true, detail: 'ok' },
    accel: 'hvf',
    reason: /^hvf: ok; using hvf$/,
  },
  {
    name: 'Windows whose WHPX fails uses tcg',
    facts: { platform: 'win32', hostArch: 'x86_64', kvmAccessible: false },
    probe: { ok: false, detail: 'probe boot failed: WHPX: No accelerator found' },
    accel: 'tcg',
    reason: /^whpx: probe boot failed/,
  },
  {
    name: 'an unknown platform uses tcg',
    facts: { platform: 'freebsd', hostArch: 'x86_64', kvmAccessible: false },
    probe: null,
    accel: 'tcg',
    reason: /no hardware accelerator on freebsd/,
  },
  {
    name: 'a host architecture without images uses tcg',
    facts: { platform: 'linux', hostArch: null, kvmAccessible: true },
    probe: null,
    accel: 'tcg',
    reason: /host architecture/,
  },
];

for (const d of decisions) {
  test(d.name, () => {
    const decision = decideAccelerator(hardwareCandidate(d.facts), d.probe);
    assert.equal(decision.accelerator, d.accel);
    assert.match(decision.reason, d.reason);
  });
}

test('a candidate that was never probed is not trusted', () => {
  assert.equal(decideAccelerator({ accel: 'kvm' }, null).accelerator, 'tcg');
});

test('the cache is used only for the same facts and QEMU version', () => {
  const key = cacheKey(linuxKvm, '7.2.22');
  const entry = { accelerator: 'tcg', reason: 'r', key, probedAt: 'x' };
  assert.deepEqual(usableCache(entry, key), { accelerator: 'tcg', reason: 'r' });
  assert.equal(usableCache(entry, cacheKey(linuxKvm, '8.0.0')), null);
  assert.equal(usableCache(entry, cacheKey({ ...linuxKvm, kvmAccessible: false }, '7.2.22')), null);
  assert.equal(usableCache(null, key), null);
  assert.equal(usableCache({ key }, key), null);
});

test('maps Node architectures to guest architectures', () => {
  assert.equal(hostGuestArch('x64'), 'x86_64');
  assert.equal(hostGuestArch('arm64'), 'aarch64');
  assert.equal(hostGuestArch('ia32'), null);
});

test('the probe boots the kernel alone on the accelerator and exits at its panic', () => {
  const { binary, args } = probeArgv({ arch: 'x86_64', accel: 'kvm', kernel: '/k', timeoutMs: 5000 });
  assert.equal(binary, 'qemu-system-x86_64');
  assert.deepEqual(args.slice(args.indexOf('-accel'), args.indexOf('-accel') + 2), ['-accel', 'kvm']);
  assert.ok(args.includes('-no-reboot') && !args.includes('-initrd'));
  assert.match(args[args.indexOf('-append') + 1]!, /console=ttyS0 panic=-1/);
  assert.match(probeArgv({ arch: 'aarch64', accel: 'hvf', kernel: '/k', timeoutMs: 1 }).args.join(' '), /-machine virt .*console=ttyAMA0/);
});

test('probes once, records the reason in the cache file, then reads the cache', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accel-'));
  const kernel = path.join(dir, 'vmlinuz');
  fs.writeFileSync(kernel, '');
  const cacheFile = path.join(dir, 'state', 'accelerator.json');
  const probes: ProbeBootOptions[] = [];
  const probe = async (o: ProbeBootOptions) => {
    probes.push(o);
    return { ok: false, detail: 'probe boot produced no output in 5 s' };
  };
  const opts = { cacheFile, qemuVersion: '7.2.22', probeKernels: { x86_64: kernel }, facts: linuxKvm, probe };
  const first = await chooseAccelerator(opts);
  const second = await chooseAccelerator(opts);
  assert.deepEqual(first, { accelerator: 'tcg', reason: 'kvm: probe boot produced no output in 5 s; using tcg' });
  assert.deepEqual(second, first);
  assert.equal(probes.length, 1);
  assert.equal(probes[0]!.accel, 'kvm');
  assert.equal(probes[0]!.timeoutMs, 5000);
  assert.match(fs.readFileSync(cacheFile, 'utf8'), /no output in 5 s/);
});

test('without a kernel to probe with: tcg now, nothing cached, so it probes later', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accel-'));
  const cacheFile = path.join(dir, 'accelerator.json');
  let probed = 0;
  const d = await chooseAccelerator({
    cacheFile,
    qemuVersion: '7.2.22',
    probeKernels: {},
    facts: linuxKvm,
    probe: async () => {
      probed++;
      return { ok: true, detail: 'x' };
    },
  });
  assert.equal(d.accelerator, 'tcg');
  assert.match(d.reason, /no guest kernel/);
  assert.equal(probed, 0);
  assert.equal(fs.existsSync(cacheFile), false);
});

test('several nova-computes deciding at once all start, and leave one whole cache file', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accel-race-'));
  const cacheFile = path.join(dir, 'hosts', 'accelerator.json');
  const moduleUrl = new URL('./accel-probe.js', import.meta.url).href;
  // Each process decides 200 times for a QEMU version never seen, so each decision is written.
  const script = `const { chooseAccelerator } = await import(${JSON.stringify(moduleUrl)});
for (let i = 0; i < 200; i++) await chooseAccelerator({ cacheFile: ${JSON.stringify(cacheFile)}, qemuVersion: 'v' + process.pid + '-' + i, probeKernels: {},
  facts: { platform: 'linux', hostArch: 'x86_64', kvmAccessible: false } });`;
  const runs = Array.from(
    { length: 4 },
    () =>
      new Promise<number | null>((resolve) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'ignore', 'inherit'] });
        child.on('exit', (code) => resolve(code));
      }),
  );
  assert.deepEqual(await Promise.all(runs), [0, 0, 0, 0]);
  assert.equal(JSON.parse(fs.readFileSync(cacheFile, 'utf8')).accelerator, 'tcg');
  assert.deepEqual(fs.readdirSync(path.dirname(cacheFile)), ['accelerator.json'], 'no temporary file left');
});
