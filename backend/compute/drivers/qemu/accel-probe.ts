// Which accelerator guests of the machine's own architecture get: KVM (Linux), HVF
// (macOS) or WHPX (Windows) — only after a probe boot proves it — else TCG. The decision
// is pure; the probe (one QEMU boot) and the cache file are thin effects around it.
//
// Why a probe: on some hosts /dev/kvm exists and `-accel kvm` starts, yet the guest hangs
// after "Booting from ROM" (measured on a PVM host). Only a guest that actually runs
// tells. The probe boots the image's kernel with no root file system and waits for the
// panic it ends in: the kernel ran its whole early boot. Cached per machine and QEMU version.
import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import type { Accelerator, GuestArch } from '../../driver.js';

export interface AccelFacts {
  platform: NodeJS.Platform;
  hostArch: GuestArch | null;
  /** Linux: /dev/kvm can be opened read-write by us. */
  kvmAccessible: boolean;
}

export interface ProbeOutcome {
  ok: boolean;
  /** What was seen, e.g. "no output in 5 s" or "kernel booted in 0.8 s". */
  detail: string;
}

export interface AccelDecision {
  accelerator: Accelerator;
  reason: string;
}

export interface AccelCache extends AccelDecision {
  key: string;
  probedAt: string;
}

/** The hardware accelerator worth probing here, or why there is none. */
export function hardwareCandidate(f: AccelFacts): { accel: Accelerator } | { none: string } {
  if (!f.hostArch) return { none: 'host architecture has no guest images' };
  switch (f.platform) {
    case 'linux':
      return f.kvmAccessible ? { accel: 'kvm' } : { none: 'kvm: /dev/kvm is missing or not accessible' };
    case 'darwin':
      return { accel: 'hvf' };
    case 'win32':
      return { accel: 'whpx' };
    default:
      return { none: `no hardware accelerator on ${f.platform}` };
  }
}

/** The decision from the candidate and, when one ran, the probe's outcome. */
export function decideAccelerator(candidate: ReturnType<typeof hardwareCandidate>, probe: ProbeOutcome | null): AccelDecision {
  if ('none' in candidate) return { accelerator: 'tcg', reason: `${candidate.none}; using tcg` };
  if (!probe) return { accelerator: 'tcg', reason: `${candidate.accel}: not probed; using tcg` };
  if (probe.ok) return { accelerator: candidate.accel, reason: `${candidate.accel}: ${probe.detail}; using ${candidate.accel}` };
  return { accelerator: 'tcg', reason: `${candidate.accel}: ${probe.detail}; using tcg` };
}

/** A cached decision is good for the same machine facts and QEMU version. */
export function cacheKey(f: AccelFacts, qemuVersion: string): string {
  return `${f.platform}/${f.hostArch ?? 'none'}/kvm=${f.kvmAccessible}/qemu=${qemuVersion}`;
}

export function usableCache(cache: unknown, key: string): AccelDecision | null {
  const c = cache as Partial<AccelCache> | null;
  if (!c || c.key !== key || typeof c.accelerator !== 'string' || typeof c.reason !== 'string') return null;
  return { accelerator: c.accelerator as Accelerator, reason: c.reason };
}

export function hostGuestArch(arch: string = process.arch): GuestArch | null {
  return arch === 'x64' ? 'x86_64' : arch === 'arm64' ? 'aarch64' : null;
}

export function currentFacts(): AccelFacts {
  let kvmAccessible = false;
  if (process.platform === 'linux') {
    try {
      fs.accessSync('/dev/kvm', fs.constants.R_OK | fs.constants.W_OK);
      kvmAccessible = true;
    } catch {
      kvmAccessible = false;
    }
  }
  return { platform: process.platform, hostArch: hostGuestArch(), kvmAccessible };
}

export interface ProbeBootOptions {
  arch: GuestArch;
  accel: Accelerator;
  kernel: string;
  timeoutMs: number;
}

/** The probe's command line: the kernel alone, serial on stdout, exit at its panic. */
export function probeArgv(o: ProbeBootOptions): { binary: string; args: string[] } {
  const x86 = o.arch === 'x86_64';
  return {
    binary: x86 ? 'qemu-system-x86_64' : 'qemu-system-aarch64',
    args: [
      '-nodefaults',
      '-no-user-config',
      '-display',
      'none',
      '-no-reboot',
      '-machine',
      x86 ? 'q35' : 'virt',
      '-accel',
      o.accel,
      ...(o.accel === 'tcg' ? [] : ['-cpu', o.accel === 'whpx' ? 'max' : 'host']),
      '-m',
      '128',
      '-kernel',
      o.kernel,
      '-append',
      `console=${x86 ? 'ttyS0' : 'ttyAMA0'} panic=-1 loglevel=4`,
      '-serial',
      'stdio',
    ],
  };
}

/** The line that proves the kernel ran its early boot. */
export const PROBE_PROOF = /Kernel panic|VFS: Unable to mount root/;

/** Boots the probe guest once; resolves with what happened (never rejects). */
export async function probeBoot(o: ProbeBootOptions): Promise<ProbeOutcome> {
  const { binary, args } = probeArgv(o);
  const started = Date.now();
  const child = execa(binary, args, { reject: false, stdin: 'ignore', buffer: false, cleanup: true });
  let seen = '';
  let proven = false;
  const outcome = await new Promise<ProbeOutcome>((resolve) => {
    const timer = setTimeout(() => {
      const secs = Math.round(o.timeoutMs / 100) / 10;
      resolve({
        ok: false,
        detail: seen ? `probe boot did not finish booting in ${secs} s` : `probe boot produced no output in ${secs} s`,
      });
    }, o.timeoutMs);
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      seen = (seen + d).slice(-4096);
      if (!proven && PROBE_PROOF.test(seen)) {
        proven = true;
        clearTimeout(timer);
        resolve({ ok: true, detail: `probe boot reached the kernel's end in ${((Date.now() - started) / 1000).toFixed(1)} s` });
      }
    });
    child.stderr?.setEncoding('utf8');
    let err = '';
    child.stderr?.on('data', (d: string) => (err = (err + d).slice(-400)));
    void child.then((r) => {
      clearTimeout(timer);
      const why = err.trim().split('\n').pop() || `exit code ${r.exitCode ?? r.signal}`;
      resolve({ ok: proven, detail: proven ? 'probe boot finished' : `probe boot failed: ${why}` });
    });
  });
  child.kill('SIGKILL');
  await child;
  return outcome;
}

export interface ChooseOptions {
  cacheFile: string;
  qemuVersion: string;
  /** The kernel the probe boots, per architecture (the guest images'). */
  probeKernels: Partial<Record<GuestArch, string>>;
  timeoutMs?: number;
  facts?: AccelFacts;
  probe?: (o: ProbeBootOptions) => Promise<ProbeOutcome>;
}

/** The accelerator for guests of the host's architecture: from the cache, else probed
 *  (and cached). A missing probe kernel means TCG now, and a probe next time. */
export async function chooseAccelerator(o: ChooseOptions): Promise<AccelDecision> {
  const facts = o.facts ?? currentFacts();
  const key = cacheKey(facts, o.qemuVersion);
  const cached = readJson(o.cacheFile);
  const hit = usableCache(cached, key);
  if (hit) return hit;
  const candidate = hardwareCandidate(facts);
  const kernel = facts.hostArch ? o.probeKernels[facts.hostArch] : undefined;
  if ('accel' in candidate && (!kernel || !fs.existsSync(kernel))) {
    return { accelerator: 'tcg', reason: `${candidate.accel}: no guest kernel to probe with yet; using tcg` };
  }
  const outcome =
    'accel' in candidate
      ? await (o.probe ?? probeBoot)({ arch: facts.hostArch!, accel: candidate.accel, kernel: kernel!, timeoutMs: o.timeoutMs ?? 5000 })
      : null;
  const decision = decideAccelerator(candidate, outcome);
  const entry: AccelCache = { ...decision, key, probedAt: new Date().toISOString() };
  writeCache(o.cacheFile, entry);
  return decision;
}

/**
 * Every nova-compute of the lab probes at start and writes the same cache file: each through a
 * temporary file of its own (a shared one was renamed away under another process, which then
 * failed to start). The cache only saves a probe next time, so a failed write is not an error.
 */
function writeCache(file: string, entry: AccelCache): void {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(tmp, JSON.stringify(entry, null, 2) + '\n');
    fs.renameSync(tmp, file);
  } catch {
    fs.rmSync(tmp, { force: true });
  }
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return null;
  }
}
