// The QEMU command line, as a pure function: spec and file names in, argv out (as Lima's
// qemu.Cmdline). No I/O, no defaults read from anywhere else: table-tested.
//
// Quoting, twice over: QEMU's option strings (`-drive file=…,if=…`) split on commas, so a
// comma inside a value is doubled; and the guestfwd `cmd:` is split by libslirp with
// g_shell_parse_argv (measured, QEMU 7.2 / libslirp 4.7), so a path with spaces is
// single-quoted there, shell-style — no shell ever runs it.
import type { GuestSpec } from '../../driver.js';
import type { InstanceFiles } from './instance-files.js';
import { bootMode } from './firmware.js';

export type QemuBinary = 'qemu-system-x86_64' | 'qemu-system-aarch64';

export interface QemuArgvOptions {
  /** The metadata forwarder guestfwd runs per guest connection: `node script <addr> <uuid>
   *  <secret-file>`. Null: no metadata route (the guest reaches nothing on the host). */
  forwarder: { node: string; script: string } | null;
  /** The file descriptor QEMU inherits the saved state on (resume), or null. */
  incomingFd?: number | null;
  /** CPU model for aarch64 guests under TCG (default cortex-a57). */
  aarch64TcgCpu?: string;
  /** For a TCP VNC display without a fixed number: first display to try (QEMU takes the
   *  first free one up to `vncDisplayRange` further; query-vnc tells which). */
  vncDisplayFirst?: number;
  vncDisplayRange?: number;
  /** The disks, in the order the guest sees them (vda, vdb…); default the instance's own
   *  disk alone. A rescue boots the rescue overlay first and the own disk second. */
  disks?: string[];
  /** The UEFI code a firmware-booted guest maps read-only (firmware.ts chose it); its
   *  variable store is the instance's nvram file. Needed when bootMode(spec) is 'uefi'. */
  uefiCode?: string | null;
  /** TCG's translation-block cache, in MiB. QEMU's default (up to 1 GiB) lets a lab guest's
   *  boot fill ~50 MB of it; a smaller cache is flushed and refilled instead. 0 or absent:
   *  QEMU's default. TCG only (KVM, HVF and WHPX translate nothing). */
  tcgTbSizeMb?: number;
  /** A virtio balloon taking the guest's free-page reports: QEMU hands the pages the guest
   *  reports free back to the host. The balloon is never inflated, so the guest keeps all of
   *  its memory. */
  freePageReporting?: boolean;
}

export interface QemuCommand {
  binary: QemuBinary;
  args: string[];
}

/** The address guests use for the metadata service (as Nova's). */
export const METADATA_IP = '169.254.169.254';
/** The guests' user network: it must contain METADATA_IP for guestfwd to accept it. */
export const GUEST_NET = '169.254.0.0/16';

/** The user network's own addresses (slirp's defaults for GUEST_NET: host .0.2, DNS .0.3). */
const SLIRP_RESERVED = new Set(['169.254.0.2', '169.254.0.3', METADATA_IP]);

/** Pure: is this a fixed IP slirp's DHCP can hand out on GUEST_NET? */
export function guestNetAddress(ip: string): boolean {
  const m = /^169\.254\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  return !!m && Number(m[1]) <= 255 && Number(m[2]) >= 1 && Number(m[2]) <= 254 && !SLIRP_RESERVED.has(ip);
}

/** Doubles commas, so the value survives QEMU's option parser. */
export function qemuOptValue(s: string): string {
  return s.replaceAll(',', ',,');
}

/** Shell-style single quotes when needed (for g_shell_parse_argv, not for a shell). */
export function shellWord(s: string): string {
  return /^[A-Za-z0-9_/.:@%+=-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i;
const HOSTPORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

export function validateSpec(spec: GuestSpec): void {
  const bad = (what: string) => {
    throw new Error(`invalid guest spec for ${spec.uuid}: ${what}`);
  };
  if (!HOSTNAME.test(spec.hostname)) bad(`hostname ${JSON.stringify(spec.hostname)}`);
  if (!MAC.test(spec.network.mac)) bad(`mac ${JSON.stringify(spec.network.mac)}`);
  if (spec.network.fixedIp !== null && !guestNetAddress(spec.network.fixedIp))
    bad(`fixed IP ${JSON.stringify(spec.network.fixedIp)} is not an address of the guest network ${GUEST_NET}`);
  if (!/^[A-Za-z0-9_.-]+$/.test(spec.name)) bad(`name ${JSON.stringify(spec.name)}`);
  if (!Number.isInteger(spec.vcpus) || spec.vcpus < 1) bad(`vcpus ${spec.vcpus}`);
  if (!Number.isInteger(spec.memoryMb) || spec.memoryMb < 16) bad(`memoryMb ${spec.memoryMb}`);
  if (spec.metadata && !HOSTPORT.test(spec.metadata.address)) bad(`metadata address ${spec.metadata.address}`);
  if (/[\r\n]/.test(spec.image.cmdline)) bad('kernel command line has a line break');
  if (spec.vnc.kind === 'tcp' && !/^[A-Za-z0-9.:[\]-]+$/.test(spec.vnc.host)) bad(`VNC listen address ${JSON.stringify(spec.vnc.host)}`);
}

/** The kernel command line: the image's, plus what the guest's init may read. */
export function guestCmdline(spec: GuestSpec): string {
  const extra = [`novalab.uuid=${spec.uuid}`, `novalab.hostname=${spec.hostname}`, `novalab.name=${spec.name}`];
  if (spec.network.fixedIp) extra.push(`novalab.ip=${spec.network.fixedIp}`);
  return [spec.image.cmdline.trim(), ...extra].filter(Boolean).join(' ');
}

function machineArgs(spec: GuestSpec, opts: QemuArgvOptions): string[] {
  const tb = opts.tcgTbSizeMb ?? 0;
  const accel = ['-accel', spec.accel === 'tcg' && tb > 0 ? `tcg,tb-size=${tb}` : spec.accel];
  const hwCpu = spec.accel === 'whpx' ? 'max' : 'host';
  if (spec.arch === 'x86_64') {
    return ['-machine', 'q35', ...accel, ...(spec.accel === 'tcg' ? [] : ['-cpu', hwCpu])];
  }
  const cpu = spec.accel === 'tcg' ? (opts.aarch64TcgCpu ?? 'cortex-a57') : hwCpu;
  return ['-machine', 'virt', ...accel, '-cpu', cpu];
}

/** x86_64: the VGA text console on VNC, the serial port into the log file. aarch64 (no
 *  graphics card): the serial port as a QEMU text console (`vc`) on the VNC display, with a
 *  copy in the log file. Logs append, so a power cycle keeps the earlier boots. */
function consoleArgs(spec: GuestSpec, files: InstanceFiles): string[] {
  const log = qemuOptValue(files.consoleLog);
  const serial = spec.arch === 'x86_64' ? `file,id=serial0,path=${log},append=on` : `vc,id=serial0,logfile=${log},logappend=on`;
  return [...(spec.arch === 'x86_64' ? ['-device', 'VGA'] : []), '-chardev', serial, '-serial', 'chardev:serial0'];
}

/** A unix socket in the private instance directory: only this user — so nova-novncproxy —
 *  can connect. TCP (any local process, or another machine, can connect): VNC authentication
 *  is required; the password is set over QMP after start (never on the command line, which
 *  every local user can read), and until then no password is accepted. */
function vncArgs(spec: GuestSpec, files: InstanceFiles, opts: QemuArgvOptions): string[] {
  if (spec.vnc.kind === 'unix') return ['-vnc', `unix:${qemuOptValue(files.vncSocket)}`];
  const first = opts.vncDisplayFirst ?? 0;
  const display = spec.vnc.display !== undefined ? `${spec.vnc.display}` : `${first},to=${first + (opts.vncDisplayRange ?? 99)}`;
  return ['-vnc', `${vncHost(spec.vnc.host)}:${display},password=on`];
}

/** QEMU wants an IPv6 address in brackets. */
function vncHost(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host;
}

/** Added after every other device, so the devices' PCI slots stay where they were without it. */
function memoryArgs(opts: QemuArgvOptions): string[] {
  return opts.freePageReporting ? ['-device', 'virtio-balloon-pci,id=balloon0,free-page-reporting=on'] : [];
}

/** Each guest has its own slirp, whose DHCP hands its first client the `dhcpstart` address
 *  (and keeps it for that MAC across reboots): starting the pool at the fixed IP Nova
 *  allocated makes the guest's address the one `openstack server show` reports, rather than
 *  slirp's default .15. */
function networkArgs(spec: GuestSpec, opts: QemuArgvOptions): string[] {
  const netdev = ['user', 'id=net0', `net=${GUEST_NET}`, 'restrict=on', `hostname=${spec.hostname}`];
  if (spec.network.fixedIp) netdev.push(`dhcpstart=${spec.network.fixedIp}`);
  if (spec.metadata && opts.forwarder) {
    const cmd = [opts.forwarder.node, opts.forwarder.script, spec.metadata.address, spec.uuid, spec.metadata.hmacSecretFile]
      .map(shellWord)
      .join(' ');
    netdev.push(`guestfwd=tcp:${METADATA_IP}:80-cmd:${qemuOptValue(cmd)}`);
  }
  return ['-netdev', netdev.join(','), '-device', `virtio-net-pci,netdev=net0,mac=${spec.network.mac.toLowerCase()}`];
}

/** A kernel image: QEMU loads kernel and initrd itself, the disk is a plain virtio drive.
 *  A whole-disk image: the firmware boots the disk (bootindex, so neither SeaBIOS nor UEFI
 *  tries the network first); UEFI as two pflash units, code read-only and the per-instance
 *  variable store writable (as libvirt's <loader>/<nvram>). */
function bootArgs(spec: GuestSpec, files: InstanceFiles, opts: QemuArgvOptions): string[] {
  const disks = opts.disks ?? [files.disk];
  const mode = bootMode(spec);
  if (mode === 'kernel') {
    const initrd = spec.image.ramdisk ? ['-initrd', spec.image.ramdisk] : [];
    const drives = disks.flatMap((d) => ['-drive', `file=${qemuOptValue(d)},if=virtio,format=qcow2`]);
    return ['-kernel', spec.image.kernel!, ...initrd, '-append', guestCmdline(spec), ...drives];
  }
  // Firmware boots the first disk (a rescue overlay while rescued); the others follow it.
  const drives = disks.flatMap((d, i) => [
    '-drive',
    `file=${qemuOptValue(d)},if=none,id=disk${i},format=qcow2`,
    '-device',
    `virtio-blk-pci,drive=disk${i}${i === 0 ? ',bootindex=0' : ''}`,
  ]);
  if (mode === 'bios') return drives;
  if (!opts.uefiCode) throw new Error(`guest ${spec.uuid} boots through UEFI, but no UEFI firmware was given`);
  return [
    '-drive',
    `if=pflash,format=raw,unit=0,readonly=on,file=${qemuOptValue(opts.uefiCode)}`,
    '-drive',
    `if=pflash,format=raw,unit=1,file=${qemuOptValue(files.nvram)}`,
    ...drives,
  ];
}

export function buildQemuArgv(spec: GuestSpec, files: InstanceFiles, opts: QemuArgvOptions): QemuCommand {
  validateSpec(spec);
  const tb = opts.tcgTbSizeMb;
  if (tb !== undefined && !(Number.isInteger(tb) && tb >= 0)) throw new Error(`invalid TCG translation cache size ${tb} MiB`);
  const binary: QemuBinary = spec.arch === 'x86_64' ? 'qemu-system-x86_64' : 'qemu-system-aarch64';
  const args = [
    '-nodefaults',
    '-no-user-config',
    '-name',
    `guest=${qemuOptValue(spec.name)},process=${qemuOptValue(spec.name)}`,
    '-uuid',
    spec.uuid,
    ...machineArgs(spec, opts),
    '-m',
    String(spec.memoryMb),
    '-smp',
    String(spec.vcpus),
    ...bootArgs(spec, files, opts),
    ...networkArgs(spec, opts),
    ...consoleArgs(spec, files),
    ...memoryArgs(opts),
    ...vncArgs(spec, files, opts),
    '-qmp',
    `unix:${qemuOptValue(files.qmpSocket)},server=on,wait=off`,
    '-pidfile',
    files.pidFile,
    ...(opts.incomingFd != null ? ['-incoming', `fd:${opts.incomingFd}`] : []),
  ];
  return { binary, args };
}
