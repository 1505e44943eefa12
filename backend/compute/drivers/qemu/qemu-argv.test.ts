import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestSpec } from '../../driver.js';
import { instanceFiles } from './instance-files.js';
import { buildQemuArgv, guestCmdline, guestNetAddress, qemuOptValue, shellWord, type QemuArgvOptions } from './qemu-argv.js';
import { allocateNetwork } from '../../host-inventory.js';

const UUID = '0b6f1a52-3c1e-4c39-9d1f-6a2f4ed5a001';
const files = instanceFiles('/var/lab/instances', UUID);
const forwarder = { node: '/usr/bin/node', script: '/opt/novalab/dist/backend/compute/drivers/qemu/metadata-forwarder.js' };

function spec(over: Partial<GuestSpec> = {}): GuestSpec {
  return {
    uuid: UUID,
    name: 'instance-0000000a',
    hostname: 'web-1',
    arch: 'x86_64',
    vcpus: 1,
    memoryMb: 256,
    image: { kernel: '/cache/k', ramdisk: '/cache/i', disk: '/cache/base.qcow2', diskFormat: 'qcow2', cmdline: 'console=ttyS0 quiet' },
    network: { mac: 'FA:16:3E:00:00:0A', fixedIp: '169.254.10.5' },
    metadata: { address: '127.0.0.1:8775', hmacSecretFile: '/state/metadata.secret' },
    vnc: { kind: 'unix' },
    accel: 'tcg',
    ...over,
  };
}

/** The value after the first occurrence of `flag`. */
function after(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at < 0 ? undefined : args[at + 1];
}

/** Every value given to a repeated flag (-device, -chardev). */
function all(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

const base: QemuArgvOptions = { forwarder };

const cases: { name: string; spec: GuestSpec; opts?: QemuArgvOptions; expect: (b: string, a: string[]) => void }[] = [
  {
    name: 'x86_64 TCG: q35, VGA, serial into the log file, no -cpu',
    spec: spec(),
    expect: (b, a) => {
      assert.equal(b, 'qemu-system-x86_64');
      assert.equal(after(a, '-machine'), 'q35');
      assert.equal(after(a, '-accel'), 'tcg');
      assert.equal(after(a, '-cpu'), undefined);
      assert.ok(all(a, '-device').includes('VGA'));
      assert.equal(after(a, '-chardev'), `file,id=serial0,path=${files.consoleLog},append=on`);
      assert.equal(after(a, '-serial'), 'chardev:serial0');
    },
  },
  {
    name: 'x86_64 KVM: -cpu host',
    spec: spec({ accel: 'kvm' }),
    expect: (_, a) => {
      assert.equal(after(a, '-accel'), 'kvm');
      assert.equal(after(a, '-cpu'), 'host');
    },
  },
  {
    name: 'aarch64 TCG: virt, cortex-a57, no VGA, serial as a vc text console with a log copy',
    spec: spec({ arch: 'aarch64' }),
    expect: (b, a) => {
      assert.equal(b, 'qemu-system-aarch64');
      assert.equal(after(a, '-machine'), 'virt');
      assert.equal(after(a, '-cpu'), 'cortex-a57');
      assert.ok(!a.includes('VGA'));
      assert.equal(after(a, '-chardev'), `vc,id=serial0,logfile=${files.consoleLog},logappend=on`);
    },
  },
  {
    name: 'aarch64 with another TCG cpu model',
    spec: spec({ arch: 'aarch64' }),
    opts: { ...base, aarch64TcgCpu: 'max' },
    expect: (_, a) => assert.equal(after(a, '-cpu'), 'max'),
  },
  {
    name: 'basics: nodefaults, name, uuid, memory, cpus, kernel, initrd, disk, qmp, pidfile',
    spec: spec({ vcpus: 2, memoryMb: 512 }),
    expect: (_, a) => {
      assert.deepEqual(a.slice(0, 2), ['-nodefaults', '-no-user-config']);
      assert.equal(after(a, '-name'), 'guest=instance-0000000a,process=instance-0000000a');
      assert.equal(after(a, '-uuid'), UUID);
      assert.equal(after(a, '-m'), '512');
      assert.equal(after(a, '-smp'), '2');
      assert.equal(after(a, '-kernel'), '/cache/k');
      assert.equal(after(a, '-initrd'), '/cache/i');
      assert.equal(after(a, '-drive'), `file=${files.disk},if=virtio,format=qcow2`);
      assert.equal(after(a, '-qmp'), `unix:${files.qmpSocket},server=on,wait=off`);
      assert.equal(after(a, '-pidfile'), files.pidFile);
      assert.ok(!a.includes('-daemonize'));
      assert.ok(!a.includes('-incoming'));
    },
  },
  {
    name: 'no ramdisk: no -initrd',
    spec: spec({ image: { kernel: '/k', ramdisk: null, disk: '/d', diskFormat: 'qcow2', cmdline: '' } }),
    expect: (_, a) => assert.ok(!a.includes('-initrd')),
  },
  {
    name: 'kernel command line: the image one plus novalab parameters',
    spec: spec(),
    expect: (_, a) =>
      assert.equal(
        after(a, '-append'),
        `console=ttyS0 quiet novalab.uuid=${UUID} novalab.hostname=web-1 novalab.name=instance-0000000a novalab.ip=169.254.10.5`,
      ),
  },
  {
    name: "user network: 169.254/16, restricted, hostname, DHCP from Nova's fixed IP, metadata guestfwd to the forwarder",
    spec: spec(),
    expect: (_, a) => {
      assert.equal(
        after(a, '-netdev'),
        'user,id=net0,net=169.254.0.0/16,restrict=on,hostname=web-1,dhcpstart=169.254.10.5,' +
          `guestfwd=tcp:169.254.169.254:80-cmd:/usr/bin/node ${forwarder.script} 127.0.0.1:8775 ${UUID} /state/metadata.secret`,
      );
      assert.ok(all(a, '-device').includes('virtio-net-pci,netdev=net0,mac=fa:16:3e:00:00:0a'));
    },
  },
  {
    name: 'guestfwd: paths with spaces are single-quoted, commas doubled, quotes escaped',
    spec: spec({ metadata: { address: '127.0.0.1:8775', hmacSecretFile: "/home/Ann Lee/it's,here" } }),
    opts: { forwarder: { node: '/Applications/Nova Lab.app/node', script: '/s.js' } },
    expect: (_, a) =>
      assert.match(
        after(a, '-netdev')!,
        /-cmd:'\/Applications\/Nova Lab\.app\/node' \/s\.js 127\.0\.0\.1:8775 \S+ '\/home\/Ann Lee\/it'\\''s,,here'$/,
      ),
  },
  {
    name: 'no fixed IP: slirp picks the address (no dhcpstart)',
    spec: spec({ network: { mac: 'fa:16:3e:00:00:0a', fixedIp: null } }),
    expect: (_, a) => assert.doesNotMatch(after(a, '-netdev')!, /dhcpstart/),
  },
  {
    name: 'no metadata or no forwarder: no guestfwd at all',
    spec: spec({ metadata: null }),
    expect: (_, a) => assert.doesNotMatch(after(a, '-netdev')!, /guestfwd/),
  },
  {
    name: 'VNC on a unix socket (the default): in the private directory, no TCP, no password',
    spec: spec(),
    expect: (_, a) => {
      assert.deepEqual(all(a, '-vnc'), [`unix:${files.vncSocket}`]);
      assert.ok(!a.some((x) => /password/.test(x)), 'no password anywhere on the command line');
    },
  },
  {
    name: 'VNC on TCP at a fixed display asks for a password (set later over QMP, never in argv)',
    spec: spec({ vnc: { kind: 'tcp', host: '127.0.0.1', display: 7 } }),
    expect: (_, a) => assert.deepEqual(all(a, '-vnc'), ['127.0.0.1:7,password=on']),
  },
  {
    name: 'VNC on TCP, first free display in a range, password required',
    spec: spec({ vnc: { kind: 'tcp', host: '127.0.0.1' } }),
    opts: { ...base, vncDisplayFirst: 10, vncDisplayRange: 20 },
    expect: (_, a) => assert.equal(after(a, '-vnc'), '127.0.0.1:10,to=30,password=on'),
  },
  {
    name: 'VNC on a non-local address (a compute host other machines reach): password required',
    spec: spec({ vnc: { kind: 'tcp', host: '192.168.10.5' } }),
    expect: (_, a) => assert.equal(after(a, '-vnc'), '192.168.10.5:0,to=99,password=on'),
  },
  {
    name: 'VNC on an IPv6 address: in brackets, password required',
    spec: spec({ vnc: { kind: 'tcp', host: '::1', display: 3 } }),
    expect: (_, a) => assert.equal(after(a, '-vnc'), '[::1]:3,password=on'),
  },
  {
    name: 'aarch64 on a unix socket: the serial port is a vc text console on that VNC display',
    spec: spec({ arch: 'aarch64' }),
    expect: (_, a) => {
      assert.equal(after(a, '-chardev'), `vc,id=serial0,logfile=${files.consoleLog},logappend=on`);
      assert.deepEqual(all(a, '-vnc'), [`unix:${files.vncSocket}`]);
    },
  },
  {
    name: 'aarch64 on TCP: the same vc console, behind the password',
    spec: spec({ arch: 'aarch64', vnc: { kind: 'tcp', host: '127.0.0.1' } }),
    expect: (_, a) => {
      assert.match(after(a, '-chardev')!, /^vc,id=serial0,/);
      assert.equal(after(a, '-vnc'), '127.0.0.1:0,to=99,password=on');
    },
  },
  {
    name: 'TCG with a translation cache size: -accel tcg,tb-size=N; guest memory stays the flavor size',
    spec: spec({ memoryMb: 512 }),
    opts: { ...base, tcgTbSizeMb: 16 },
    expect: (_, a) => {
      assert.equal(after(a, '-accel'), 'tcg,tb-size=16');
      assert.equal(after(a, '-m'), '512');
    },
  },
  {
    name: 'aarch64 TCG takes the translation cache size too',
    spec: spec({ arch: 'aarch64' }),
    opts: { ...base, tcgTbSizeMb: 24 },
    expect: (_, a) => assert.equal(after(a, '-accel'), 'tcg,tb-size=24'),
  },
  {
    name: 'a translation cache size of 0 leaves QEMU its own default',
    spec: spec(),
    opts: { ...base, tcgTbSizeMb: 0 },
    expect: (_, a) => assert.equal(after(a, '-accel'), 'tcg'),
  },
  {
    name: 'KVM never gets a TCG option (QEMU would refuse tb-size for it)',
    spec: spec({ accel: 'kvm' }),
    opts: { ...base, tcgTbSizeMb: 16 },
    expect: (_, a) => assert.equal(after(a, '-accel'), 'kvm'),
  },
  {
    name: 'free page reporting: a virtio balloon after every other device; memory unchanged',
    spec: spec({ memoryMb: 256 }),
    opts: { ...base, freePageReporting: true },
    expect: (_, a) => {
      const devices = all(a, '-device');
      assert.equal(devices.at(-1), 'virtio-balloon-pci,id=balloon0,free-page-reporting=on');
      assert.equal(after(a, '-m'), '256');
    },
  },
  {
    name: 'without free page reporting: no balloon device',
    spec: spec(),
    expect: (_, a) => assert.ok(!all(a, '-device').some((d) => d.startsWith('virtio-balloon'))),
  },
  {
    name: 'resume: -incoming from an inherited file descriptor',
    spec: spec(),
    opts: { ...base, incomingFd: 3 },
    expect: (_, a) => assert.equal(after(a, '-incoming'), 'fd:3'),
  },
];

for (const c of cases) {
  test(c.name, () => {
    const { binary, args } = buildQemuArgv(c.spec, files, c.opts ?? base);
    c.expect(binary, args);
  });
}

test('commas in file paths are doubled for QEMU option strings', () => {
  const f = instanceFiles('/lab,odd', UUID);
  const { args } = buildQemuArgv(spec(), f, base);
  assert.equal(after(args, '-drive'), `file=/lab,,odd/${UUID}/disk.qcow2,if=virtio,format=qcow2`);
  assert.equal(qemuOptValue('a,b,,c'), 'a,,b,,,,c');
});

const wholeDisk = (over: Partial<GuestSpec['image']> = {}): GuestSpec['image'] => ({
  kernel: null,
  ramdisk: null,
  disk: '/cache/whole.qcow2',
  diskFormat: 'qcow2',
  cmdline: 'console=ttyS0',
  ...over,
});
const CODE = '/usr/share/AAVMF/AAVMF_CODE.fd';

test('a kernel image boots as before: -kernel, -initrd, -append, the disk a plain virtio drive, no firmware', () => {
  const { args } = buildQemuArgv(spec(), files, { ...base, uefiCode: CODE });
  const at = args.indexOf('-kernel');
  assert.deepEqual(args.slice(at, at + 8), [
    '-kernel',
    '/cache/k',
    '-initrd',
    '/cache/i',
    '-append',
    guestCmdline(spec()),
    '-drive',
    `file=${files.disk},if=virtio,format=qcow2`,
  ]);
  assert.equal(all(args, '-drive').length, 1, 'no pflash');
  assert.ok(!args.some((x) => x.includes('bootindex')));
});

test('x86_64 whole-disk image: SeaBIOS (no firmware option), no -kernel/-append, the disk is the boot device', () => {
  const { binary, args } = buildQemuArgv(spec({ image: wholeDisk() }), files, base);
  assert.equal(binary, 'qemu-system-x86_64');
  assert.equal(after(args, '-machine'), 'q35');
  for (const flag of ['-kernel', '-initrd', '-append', '-bios']) assert.ok(!args.includes(flag), flag);
  assert.deepEqual(all(args, '-drive'), [`file=${files.disk},if=none,id=disk0,format=qcow2`]);
  assert.ok(all(args, '-device').includes('virtio-blk-pci,drive=disk0,bootindex=0'));
  assert.ok(!args.some((x) => x.includes('pflash')));
});

test('aarch64 whole-disk image: UEFI as pflash, code read-only, the instance own variable store writable', () => {
  const { binary, args } = buildQemuArgv(spec({ arch: 'aarch64', image: wholeDisk() }), files, { ...base, uefiCode: CODE });
  assert.equal(binary, 'qemu-system-aarch64');
  assert.equal(after(args, '-machine'), 'virt');
  assert.ok(!args.includes('-kernel'));
  assert.deepEqual(all(args, '-drive'), [
    `if=pflash,format=raw,unit=0,readonly=on,file=${CODE}`,
    `if=pflash,format=raw,unit=1,file=${files.dir}/nvram.fd`,
    `file=${files.disk},if=none,id=disk0,format=qcow2`,
  ]);
  assert.ok(all(args, '-device').includes('virtio-blk-pci,drive=disk0,bootindex=0'));
});

test('x86_64 whole-disk image with hw_firmware_type=uefi: pflash too; a UEFI boot without firmware is refused', () => {
  const { args } = buildQemuArgv(spec({ image: wholeDisk({ firmwareType: 'uefi' }) }), files, { ...base, uefiCode: '/ovmf,code.fd' });
  assert.equal(all(args, '-drive')[0], 'if=pflash,format=raw,unit=0,readonly=on,file=/ovmf,,code.fd');
  assert.throws(
    () => buildQemuArgv(spec({ arch: 'aarch64', image: wholeDisk() }), files, base),
    /boots through UEFI, but no UEFI firmware/,
  );
});

test('shellWord leaves plain words alone and quotes the rest', () => {
  assert.equal(shellWord('/usr/bin/node'), '/usr/bin/node');
  assert.equal(shellWord('a b'), "'a b'");
  assert.equal(shellWord("it's"), "'it'\\''s'");
});

test('rejects specs that would break the command line', () => {
  assert.throws(() => buildQemuArgv(spec({ hostname: 'web 1' }), files, base), /hostname/);
  assert.throws(() => buildQemuArgv(spec({ hostname: 'a,restrict=off' }), files, base), /hostname/);
  assert.throws(() => buildQemuArgv(spec({ network: { mac: 'fa:16:3e:00:00', fixedIp: null } }), files, base), /mac/);
  // A fixed IP slirp could not hand out (outside 169.254/16, or the network's own host, DNS
  // or metadata address) would stop QEMU; it is refused before, naming the address.
  for (const ip of ['10.0.0.5', '169.254.0.2', '169.254.0.3', '169.254.169.254', '169.254.10.0', '169.254.10.255', '169.254.1.2,x'])
    assert.throws(() => buildQemuArgv(spec({ network: { mac: 'fa:16:3e:00:00:0a', fixedIp: ip } }), files, base), /fixed IP/, ip);
  assert.throws(() => buildQemuArgv(spec({ name: 'x,process=y' }), files, base), /name/);
  assert.throws(() => buildQemuArgv(spec({ vcpus: 0 }), files, base), /vcpus/);
  assert.throws(() => buildQemuArgv(spec(), files, { ...base, tcgTbSizeMb: 1.5 }), /translation cache/);
  assert.throws(() => buildQemuArgv(spec(), files, { ...base, tcgTbSizeMb: -1 }), /translation cache/);
  assert.throws(
    () => buildQemuArgv(spec({ metadata: { address: '127.0.0.1:8775 --evil', hmacSecretFile: '/s' } }), files, base),
    /metadata/,
  );
  // A listen address must not smuggle VNC options (",password=off") onto the command line.
  assert.throws(() => buildQemuArgv(spec({ vnc: { kind: 'tcp', host: '127.0.0.1,password=off' } }), files, base), /VNC listen address/);
});

test('guestCmdline skips an empty image command line and an absent fixed ip', () => {
  const s = spec({
    image: { kernel: '/k', ramdisk: null, disk: '/d', diskFormat: 'qcow2', cmdline: '  ' },
    network: { mac: 'fa:16:3e:00:00:01', fixedIp: null },
  });
  assert.equal(guestCmdline(s), `novalab.uuid=${UUID} novalab.hostname=web-1 novalab.name=instance-0000000a`);
});

test('every fixed IP Nova allocates is one the guest network can hand out by DHCP', () => {
  for (let seq = 0; seq < 60_000; seq++) {
    const { ip } = allocateNetwork(UUID, seq);
    if (!guestNetAddress(ip)) assert.fail(`seq ${seq}: ${ip}`);
  }
});
