// Nova's canonical names for architectures, hypervisor (virt) types and VM modes
// (nova/objects/fields.py: Architecture, HVType, VMMode .canonicalize). Names are lowercased
// and a few historical aliases folded; note that i686 is its own architecture, not an alias
// of x86_64, and that "x64" or "arm" are not names Nova accepts.

const ARCHITECTURES = new Set([
  'alpha',
  'armv6',
  'armv7l',
  'armv7b',
  'aarch64',
  'cris',
  'i686',
  'ia64',
  'lm32',
  'm68k',
  'microblaze',
  'microblazeel',
  'mips',
  'mipsel',
  'mips64',
  'mips64el',
  'openrisc',
  'parisc',
  'parisc64',
  'ppc',
  'ppcle',
  'ppc64',
  'ppc64le',
  'ppcemb',
  's390',
  's390x',
  'sh4',
  'sh4eb',
  'sparc',
  'sparc64',
  'unicore32',
  'x86_64',
  'xtensa',
  'xtensaeb',
]);
const ARCH_ALIASES: Record<string, string> = {
  i386: 'i686',
  i486: 'i686',
  i586: 'i686',
  x86_32: 'i686',
  x86_32p: 'i686',
  amd64: 'x86_64',
};

const HV_TYPES = new Set([
  'baremetal',
  'bhyve',
  'docker',
  'fake',
  'hyperv',
  'ironic',
  'kqemu',
  'kvm',
  'lxc',
  'lxd',
  'openvz',
  'parallels',
  'phyp',
  'qemu',
  'test',
  'uml',
  'vbox',
  'vz',
  'vmware',
  'xen',
  'zvm',
  'prsm',
]);
const HV_ALIASES: Record<string, string> = { xapi: 'xen' };

const VM_MODES = new Set(['hvm', 'xen', 'uml', 'exe']);
const VM_MODE_ALIASES: Record<string, string> = { pv: 'xen', hv: 'hvm', baremetal: 'hvm' };

/** A canonical name, and whether Nova knows it (Nova would refuse an unknown one). */
export interface Canonical {
  name: string;
  known: boolean;
}

function canonical(raw: string, aliases: Record<string, string>, known: Set<string>): Canonical {
  const lower = raw.trim().toLowerCase();
  const name = Object.hasOwn(aliases, lower) ? aliases[lower]! : lower;
  return { name, known: known.has(name) };
}

export const canonicalArch = (raw: string): Canonical => canonical(raw, ARCH_ALIASES, ARCHITECTURES);
export const canonicalHvType = (raw: string): Canonical => canonical(raw, HV_ALIASES, HV_TYPES);
export const canonicalVmMode = (raw: string): Canonical => canonical(raw, VM_MODE_ALIASES, VM_MODES);
