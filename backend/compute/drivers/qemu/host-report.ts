// What a QEMU host reports to the scheduler: accelerators per guest architecture,
// hypervisor type(s) and version in Nova's forms, supported_instances triples, cpu_info.
// The report is a pure function of facts; finding the facts (versions, binaries) is thin.
import os from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import type { Accelerator, DriverHostReport, GuestArch } from '../../driver.js';
import type { SupportedInstance } from '../../../../contract/model.js';
import type { QemuBinary } from './qemu-argv.js';

export const QEMU_BINARIES: Record<GuestArch, QemuBinary> = {
  x86_64: 'qemu-system-x86_64',
  aarch64: 'qemu-system-aarch64',
};

export interface HostFacts {
  /** "7.2.22" */
  qemuVersion: string;
  /** Guest architectures whose qemu-system binary runs here. */
  arches: GuestArch[];
  hostArch: GuestArch | null;
  /** The probed accelerator for guests of hostArch, and why. */
  accel: { accelerator: Accelerator; reason: string };
  cpu: { model: string; count: number };
}

/** "7.2.22" → 7002022, as Nova's hypervisor_version. */
export function versionNumber(v: string): number {
  const [major = 0, minor = 0, micro = 0] = v.split('.').map((x) => parseInt(x, 10) || 0);
  return major * 1_000_000 + minor * 1_000 + micro;
}

/** "QEMU emulator version 7.2.22 (Debian …)" → "7.2.22". */
export function parseQemuVersion(text: string): string | null {
  return /version (\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] ?? null;
}

export function buildHostReport(f: HostFacts): DriverHostReport {
  const accelerators: Partial<Record<GuestArch, Accelerator>> = {};
  const supported: SupportedInstance[] = [];
  for (const arch of f.arches) {
    const hw = arch === f.hostArch && f.accel.accelerator !== 'tcg' ? f.accel.accelerator : null;
    accelerators[arch] = hw ?? 'tcg';
    // Nova's libvirt driver: a KVM host also runs TCG guests ("qemu") of its own arch.
    if (hw === 'kvm') supported.push([arch, 'kvm', 'hvm']);
    supported.push([arch, 'qemu', 'hvm']);
  }
  const types = [...new Set(supported.map((s) => s[1]))];
  return {
    accelerator: f.accel.accelerator,
    acceleratorReason: f.accel.reason,
    accelerators,
    hypervisor_type: f.accel.accelerator === 'kvm' ? 'kvm' : 'qemu',
    hypervisor_types: types,
    hypervisor_version: versionNumber(f.qemuVersion),
    supported_instances: supported,
    cpu_info: {
      arch: f.hostArch ?? os.arch(),
      model: f.cpu.model,
      vendor: /intel/i.test(f.cpu.model) ? 'Intel' : /amd/i.test(f.cpu.model) ? 'AMD' : 'unknown',
      topology: { sockets: 1, cores: f.cpu.count, threads: 1 },
      features: [],
    },
  };
}

/** The version of one QEMU binary, or null when it does not run. */
export async function qemuBinaryVersion(binary: QemuBinary, binDir?: string): Promise<string | null> {
  const r = await execa(binDir ? path.join(binDir, binary) : binary, ['--version'], { reject: false, timeout: 10_000 });
  return r.exitCode === 0 ? parseQemuVersion(String(r.stdout)) : null;
}

export function hostCpu(): { model: string; count: number } {
  const cpus = os.cpus();
  return { model: cpus[0]?.model.trim() ?? 'unknown', count: cpus.length || 1 };
}

/** Which guest architectures' QEMU runs here, and its version. */
export async function installedQemu(binDir?: string): Promise<{ qemuVersion: string; arches: GuestArch[] }> {
  const arches = Object.keys(QEMU_BINARIES) as GuestArch[];
  const versions = await Promise.all(arches.map((a) => qemuBinaryVersion(QEMU_BINARIES[a], binDir)));
  const found = arches.filter((_, i) => versions[i]);
  if (found.length === 0) throw new Error(`no ${Object.values(QEMU_BINARIES).join(' or ')} runs on this machine`);
  return { qemuVersion: versions.find(Boolean)!, arches: found };
}
