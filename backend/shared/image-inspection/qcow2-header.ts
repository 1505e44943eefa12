// The first bytes of an image file, read without any tool: the qcow2 header (virtual size,
// backing file, external data file, encryption) and the magic numbers of the other formats
// qemu understands. Pure; the inspector uses it before it lets qemu-img near the file.

export const QCOW2_MAGIC = 0x514649fb; // "QFI\xfb"
/** Bytes the inspector reads from the start of a file. */
export const HEAD_BYTES = 4096;

export interface Qcow2Header {
  version: number;
  virtualSize: number;
  /** The header names a backing file (offset and size non-zero). */
  hasBackingFile: boolean;
  /** v3 incompatible feature bit 2: the guest data lives in another (external) file. */
  hasDataFile: boolean;
  encrypted: boolean;
  clusterBits: number;
}

/** null when the bytes are not a qcow2 header. */
export function readQcow2Header(head: Buffer): Qcow2Header | null {
  if (head.length < 72 || head.readUInt32BE(0) !== QCOW2_MAGIC) return null;
  const version = head.readUInt32BE(4);
  const incompatible = version >= 3 && head.length >= 80 ? head.readBigUInt64BE(72) : 0n;
  return {
    version,
    virtualSize: Number(head.readBigUInt64BE(24)),
    hasBackingFile: head.readBigUInt64BE(8) !== 0n || head.readUInt32BE(16) !== 0,
    hasDataFile: (incompatible & 0b100n) !== 0n,
    encrypted: head.readUInt32BE(32) !== 0,
    clusterBits: head.readUInt32BE(20),
  };
}

const at = (head: Buffer, offset: number, text: string) =>
  head.length >= offset + text.length && head.subarray(offset, offset + text.length).toString('latin1') === text;

/**
 * The format the magic numbers say, or 'raw' when none matches (like qemu's probe, and just as
 * weak for raw: anything unrecognised is raw). Only formats qemu would treat specially are named.
 */
export function sniffFormat(head: Buffer): string {
  if (head.length >= 4 && head.readUInt32BE(0) === QCOW2_MAGIC) return 'qcow2';
  if (at(head, 0, 'QEI\x00')) return 'qed';
  if (at(head, 0, 'KDMV') || at(head, 0, '# Disk DescriptorFile') || at(head, 0, 'COWD')) return 'vmdk';
  if (head.length >= 68 && head.readUInt32LE(64) === 0xbeda107f) return 'vdi';
  if (at(head, 0, 'vhdxfile')) return 'vhdx';
  if (at(head, 0, 'conectix')) return 'vpc';
  if (at(head, 0, 'LUKS\xba\xbe')) return 'luks';
  if (at(head, 0, 'WithoutFreeSpace') || at(head, 0, 'WithouFreSpacExt')) return 'parallels';
  return 'raw';
}
