// How a guest boots, and with which firmware (pure: the file check is passed in). An image
// with a kernel boots it directly (-kernel, as today); a whole-disk image boots through the
// firmware, as on a real cloud: QEMU's default SeaBIOS on x86_64 unless the image asks for
// UEFI (hw_firmware_type=uefi), and always UEFI on aarch64 `virt`, which has no BIOS. UEFI is
// loaded as Nova's libvirt driver does it: the code read-only from the distribution's
// firmware package, the variable store a per-instance copy of the package's template.
import path from 'node:path';
import type { GuestArch, GuestSpec } from '../../driver.js';

export type BootMode = 'kernel' | 'bios' | 'uefi';

export function bootMode(spec: Pick<GuestSpec, 'arch' | 'image'>): BootMode {
  if (spec.image.kernel) return 'kernel';
  if (spec.arch === 'aarch64') return 'uefi';
  return spec.image.firmwareType === 'uefi' ? 'uefi' : 'bios';
}

/** The UEFI code (mapped read-only) and the variable store template (copied per instance). */
export interface UefiFirmware {
  code: string;
  varsTemplate: string;
}

/** The Debian package that ships each architecture's UEFI build (named in the fault). */
export const UEFI_PACKAGE: Record<GuestArch, string> = { x86_64: 'ovmf', aarch64: 'qemu-efi-aarch64' };

/** Where to look, first match wins: Debian's packages, then the edk2 builds QEMU installs in
 *  its own share directory (Homebrew, a QEMU built from source). The pairs must match: a
 *  variable store is laid out for its code build. */
export function uefiCandidates(arch: GuestArch, qemuBinDir?: string): UefiFirmware[] {
  const share = path.join(qemuBinDir ?? '/usr/bin', '..', 'share', 'qemu');
  if (arch === 'aarch64') {
    return [
      { code: '/usr/share/AAVMF/AAVMF_CODE.fd', varsTemplate: '/usr/share/AAVMF/AAVMF_VARS.fd' },
      { code: path.join(share, 'edk2-aarch64-code.fd'), varsTemplate: path.join(share, 'edk2-arm-vars.fd') },
    ];
  }
  return [
    { code: '/usr/share/OVMF/OVMF_CODE_4M.fd', varsTemplate: '/usr/share/OVMF/OVMF_VARS_4M.fd' },
    { code: '/usr/share/OVMF/OVMF_CODE.fd', varsTemplate: '/usr/share/OVMF/OVMF_VARS.fd' },
    { code: path.join(share, 'edk2-x86_64-code.fd'), varsTemplate: path.join(share, 'edk2-i386-vars.fd') },
  ];
}

/** Every folder the candidates live in: nova-compute runs under Node's permission model,
 *  which must let it see (and copy the variable store from) them. */
export function uefiFirmwareDirs(qemuBinDir?: string): string[] {
  const all = (['x86_64', 'aarch64'] as const).flatMap((a) => uefiCandidates(a, qemuBinDir));
  return [...new Set(all.flatMap((c) => [path.dirname(c.code), path.dirname(c.varsTemplate)]))];
}

export class FirmwareMissingError extends Error {
  override readonly name = 'FirmwareMissingError';
}

/** The UEFI firmware this guest boots with, or null when it boots without UEFI. Throws a
 *  FirmwareMissingError naming the package to install when none of the candidates exists. */
export function uefiFirmwareFor(
  spec: Pick<GuestSpec, 'arch' | 'image'>,
  exists: (file: string) => boolean,
  candidates: UefiFirmware[] = uefiCandidates(spec.arch),
): UefiFirmware | null {
  if (bootMode(spec) !== 'uefi') return null;
  const found = candidates.find((c) => exists(c.code) && exists(c.varsTemplate));
  if (found) return found;
  throw new FirmwareMissingError(
    `no UEFI firmware for ${spec.arch} guests on this host (looked for ${candidates.map((c) => c.code).join(', ')}): ` +
      `a whole-disk ${spec.arch} image boots through UEFI; install Debian's ${UEFI_PACKAGE[spec.arch]} package`,
  );
}
