// "Images that are not what they claim": after an upload lands in its temporary file and before
// it is kept, check that the bytes are the claimed disk format and carry nothing dangerous — a
// qcow2 whose backing file or external data file names a host file (it would let a guest read
// /etc/shadow), a raw image that is really a qcow2 (qemu would then honour its header), an
// encrypted or corrupt image. Two layers: our own header check first (the dangerous bytes never
// reach qemu-img), then `qemu-img info` as the claimed format and as whatever it detects.
import fs from 'node:fs/promises';
import type { DiskFormat } from '../../../contract/disk-formats.js';
import { HEAD_BYTES, readQcow2Header, sniffFormat } from './qcow2-header.js';

export type Verdict = { ok: true; virtualSize: number } | { ok: false; reason: string };

/** What qemu-img calls the format family each claimed disk_format must be; null: not a disk (kernel/ramdisk). */
const EXPECTED: Record<DiskFormat, string | null> = {
  qcow2: 'qcow2',
  raw: 'raw',
  ami: 'raw',
  iso: 'raw',
  vmdk: 'vmdk',
  vdi: 'vdi',
  aki: null,
  ari: null,
};
/** The format qemu is to read a verified image of this disk_format as; null for kernels and ramdisks. */
export const qemuFormatOf = (claimed: DiskFormat): string | null => EXPECTED[claimed];

/** VMDK subformats that keep everything in one file (Glance's vmdk_allowed_types). */
const VMDK_SINGLE_FILE = ['monolithicSparse', 'streamOptimized'];

const refuse = (claimed: DiskFormat, why: string): Verdict => ({ ok: false, reason: `Image is not a valid ${claimed}: ${why}` });
const article = (f: string) => (/^[aeiou]/.test(f) ? 'an' : 'a');
const notWhatItClaims = (claimed: DiskFormat, actual: string) =>
  refuse(
    claimed,
    `the data is ${article(actual)} ${actual} image${claimed === 'raw' || claimed === 'ami' || claimed === 'iso' ? " (a disk claimed raw must not carry another format's header: qemu would honour it)" : ''}`,
  );

/** Layer 1, pure: the first bytes. `final` means no qemu-img is needed (kernels, ramdisks). */
export function judgeHead(claimed: DiskFormat, head: Buffer, size: number): Verdict & { final?: boolean } {
  const expected = EXPECTED[claimed];
  const sniffed = sniffFormat(head);
  if (expected === null) {
    return sniffed === 'raw' ? { ok: true, virtualSize: size, final: true } : notWhatItClaims(claimed, sniffed);
  }
  if (sniffed !== expected) return notWhatItClaims(claimed, sniffed);
  if (expected !== 'qcow2') return { ok: true, virtualSize: size };
  const h = readQcow2Header(head);
  if (!h) return refuse(claimed, 'the qcow2 header is truncated');
  if (h.version !== 2 && h.version !== 3) return refuse(claimed, `qcow2 version ${h.version} is not supported`);
  if (h.hasBackingFile) return refuse(claimed, 'it names a backing file, which would expose a file of the host to the guest');
  if (h.hasDataFile) return refuse(claimed, 'it uses an external data file, which would expose a file of the host to the guest');
  if (h.encrypted) return refuse(claimed, 'encrypted qcow2 images are not supported');
  return { ok: true, virtualSize: h.virtualSize };
}

export interface QemuImgInfo {
  format: string;
  'virtual-size': number;
  'backing-filename'?: string;
  'full-backing-filename'?: string;
  'format-specific'?: { type: string; data?: Record<string, unknown> };
}
export type QemuImgResult = { ok: true; info: QemuImgInfo } | { ok: false; message: string; missing?: boolean };

const lastLine = (text: string) =>
  text
    .trim()
    .split('\n')
    .pop()
    ?.replace(/^qemu-img: /, '') ?? 'unknown error';

/** Layer 2, pure: the two `qemu-img info` answers (auto-detected, and opened as the claimed format). */
export function judgeQemuImg(claimed: DiskFormat, detected: QemuImgResult, asClaimed: QemuImgResult): Verdict {
  const expected = EXPECTED[claimed];
  if (!detected.ok) return refuse(claimed, `qemu-img cannot read it: ${lastLine(detected.message)}`);
  if (detected.info.format !== expected) return notWhatItClaims(claimed, detected.info.format);
  if (!asClaimed.ok) return refuse(claimed, lastLine(asClaimed.message));
  for (const { info } of [detected, asClaimed]) {
    if (info['backing-filename'] || info['full-backing-filename']) {
      return refuse(
        claimed,
        `it names a backing file (${info['backing-filename'] ?? info['full-backing-filename']}), which would expose a file of the host to the guest`,
      );
    }
    const data = info['format-specific']?.data ?? {};
    if (data['data-file']) return refuse(claimed, 'it uses an external data file, which would expose a file of the host to the guest');
    if (data.corrupt === true) return refuse(claimed, 'qemu-img reports the image as corrupt');
    if (data.encrypt !== undefined) return refuse(claimed, 'encrypted images are not supported');
    if (expected === 'vmdk' && !VMDK_SINGLE_FILE.includes(String(data['create-type']))) {
      return refuse(
        claimed,
        `VMDK create-type ${String(data['create-type'])} is not allowed (only ${VMDK_SINGLE_FILE.join(', ')}): it could reference other files`,
      );
    }
  }
  return { ok: true, virtualSize: asClaimed.info['virtual-size'] };
}

export type QemuImgRunner = (args: string[]) => Promise<QemuImgResult>;

/** Runs `qemu-img` with an argument array, a time limit and a capped output. */
export function qemuImgRunner(binary = 'qemu-img'): QemuImgRunner {
  return async (args) => {
    const { execa } = await import('execa'); // loaded on first use: it costs half a second at start-up
    const r = await execa(binary, args, { reject: false, timeout: 30_000, maxBuffer: 1 << 20, env: { LC_ALL: 'C' } });
    if (r.failed) {
      const missing = (r as { code?: string }).code === 'ENOENT';
      return {
        ok: false,
        missing,
        message: missing ? `${binary} is not installed` : r.timedOut ? 'qemu-img timed out' : String(r.stderr || r.message),
      };
    }
    try {
      return { ok: true, info: JSON.parse(String(r.stdout)) as QemuImgInfo };
    } catch {
      return { ok: false, message: 'qemu-img printed something that is not JSON' };
    }
  };
}

/** The first bytes of a file, for the header checks. */
export async function readHead(file: string): Promise<Buffer> {
  const fh = await fs.open(file, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/** Inspect an uploaded file (still in its temporary place). */
export async function inspectImageFile(file: string, claimed: DiskFormat, size: number, qemuImg: QemuImgRunner): Promise<Verdict> {
  const first = judgeHead(claimed, await readHead(file), size);
  if (!first.ok || first.final) return first.ok ? { ok: true, virtualSize: first.virtualSize } : first;
  const [detected, asClaimed] = await Promise.all([
    qemuImg(['info', '--output=json', file]),
    qemuImg(['info', '--output=json', '-f', EXPECTED[claimed] as string, file]),
  ]);
  if (!detected.ok && detected.missing) {
    // Without qemu-img, the header check is all there is: enough for qcow2 and raw, not for the rest.
    if (claimed === 'vmdk' || claimed === 'vdi') return refuse(claimed, 'it cannot be inspected because qemu-img is not installed');
    return { ok: true, virtualSize: first.virtualSize };
  }
  const second = judgeQemuImg(claimed, detected, asClaimed);
  // qemu-img rounds a raw image up to a sector; our own reading is exact for raw and qcow2.
  const exact = EXPECTED[claimed] === 'raw' || EXPECTED[claimed] === 'qcow2';
  return second.ok && exact ? { ok: true, virtualSize: first.virtualSize } : second;
}
