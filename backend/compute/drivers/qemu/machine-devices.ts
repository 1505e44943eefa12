// The optional devices a guest's QEMU was started with. A resume (`-incoming`) loads a state
// saved from one machine into another, which must have the same devices whatever nova.conf
// says now; a guest started before this file existed had none of them.
import fs from 'node:fs';
import type { InstanceFiles } from './instance-files.js';

export interface MachineDevices {
  freePageReporting: boolean;
}

export const NO_OPTIONAL_DEVICES: MachineDevices = { freePageReporting: false };

export function writeMachineDevices(files: InstanceFiles, devices: MachineDevices): void {
  fs.writeFileSync(files.machine, JSON.stringify(devices) + '\n', { mode: 0o600 });
}

/** What the guest was started with; a missing or unreadable file: the machine without them. */
export function readMachineDevices(files: InstanceFiles): MachineDevices {
  try {
    const d = JSON.parse(fs.readFileSync(files.machine, 'utf8')) as Partial<MachineDevices>;
    return { freePageReporting: d.freePageReporting === true };
  } catch {
    return NO_OPTIONAL_DEVICES;
  }
}
