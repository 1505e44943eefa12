import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GuestSpec } from '../../driver.js';
import { bootMode, FirmwareMissingError, uefiCandidates, uefiFirmwareFor } from './firmware.js';

type Boot = Pick<GuestSpec, 'arch' | 'image'>;
const image = (over: Partial<GuestSpec['image']> = {}): GuestSpec['image'] => ({
  kernel: null,
  ramdisk: null,
  disk: '/d',
  diskFormat: 'qcow2',
  cmdline: '',
  ...over,
});
const guest = (arch: GuestSpec['arch'], over: Partial<GuestSpec['image']> = {}): Boot => ({ arch, image: image(over) });

test('boot mode: a kernel boots directly, whatever the firmware type; a whole disk through its firmware', () => {
  assert.equal(bootMode(guest('x86_64', { kernel: '/k', firmwareType: 'uefi' })), 'kernel');
  assert.equal(bootMode(guest('aarch64', { kernel: '/k' })), 'kernel');
  assert.equal(bootMode(guest('x86_64')), 'bios');
  assert.equal(bootMode(guest('x86_64', { firmwareType: 'bios' })), 'bios');
  assert.equal(bootMode(guest('x86_64', { firmwareType: 'uefi' })), 'uefi');
  // virt has no BIOS: UEFI whatever the image says.
  assert.equal(bootMode(guest('aarch64')), 'uefi');
  assert.equal(bootMode(guest('aarch64', { firmwareType: 'bios' })), 'uefi');
});

test("UEFI firmware: Debian's AAVMF / OVMF first, then QEMU's own edk2 builds; none for kernel or BIOS boots", () => {
  const all = () => true;
  assert.deepEqual(uefiFirmwareFor(guest('aarch64'), all), {
    code: '/usr/share/AAVMF/AAVMF_CODE.fd',
    varsTemplate: '/usr/share/AAVMF/AAVMF_VARS.fd',
  });
  assert.deepEqual(uefiFirmwareFor(guest('x86_64', { firmwareType: 'uefi' }), all), {
    code: '/usr/share/OVMF/OVMF_CODE_4M.fd',
    varsTemplate: '/usr/share/OVMF/OVMF_VARS_4M.fd',
  });
  const brew = new Set(['/opt/homebrew/share/qemu/edk2-aarch64-code.fd', '/opt/homebrew/share/qemu/edk2-arm-vars.fd']);
  assert.deepEqual(
    uefiFirmwareFor(guest('aarch64'), (f) => brew.has(f), uefiCandidates('aarch64', '/opt/homebrew/bin')),
    {
      code: '/opt/homebrew/share/qemu/edk2-aarch64-code.fd',
      varsTemplate: '/opt/homebrew/share/qemu/edk2-arm-vars.fd',
    },
  );
  // A code file without its matching variable store is no use.
  assert.throws(() => uefiFirmwareFor(guest('aarch64'), (f) => f.endsWith('CODE.fd')), FirmwareMissingError);
  assert.equal(
    uefiFirmwareFor(guest('x86_64'), () => false),
    null,
  );
  assert.equal(
    uefiFirmwareFor(guest('aarch64', { kernel: '/k' }), () => false),
    null,
  );
});

test('no UEFI firmware: the fault names the Debian package to install', () => {
  assert.throws(() => uefiFirmwareFor(guest('aarch64'), () => false), /install Debian's qemu-efi-aarch64 package/);
  assert.throws(() => uefiFirmwareFor(guest('x86_64', { firmwareType: 'uefi' }), () => false), /install Debian's ovmf package/);
});
