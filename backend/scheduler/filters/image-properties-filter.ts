// ImagePropertiesFilter: an image that asks for an architecture, hypervisor type or VM mode
// only goes to a host advertising a supported_instances triple (arch, hv_type, vm_mode) with
// all of them, and, if it also sets hypervisor_version_requires, whose hypervisor_version
// satisfies it. Nova's rules:
//  - properties are read under their Glance names (architecture, hypervisor_type, vm_mode,
//    hypervisor_version_requires) or Nova's (hw_architecture, img_hv_type, hw_vm_mode,
//    img_hv_requested_version), and canonicalised (amd64 → x86_64, i386 → i686, pv → xen);
//  - an image asking for none of the three passes everywhere (even with a version
//    requirement); a host advertising no triples passes only such an image;
//  - each asked-for value must appear in the triple; a host reporting version 0 skips the
//    version check.
import type { FilterVerdict, HostState, RequestSpec } from '../../../contract/scheduler.js';
import { msg, raw, type MessageList } from '../../../contract/messages.js';
import type { SupportedInstance } from '../../../contract/model.js';
import type { SchedulerFilter } from './types.js';
import { canonicalArch, canonicalHvType, canonicalVmMode, type Canonical } from './canonical-names.js';
import { perRequest } from '../per-request.js';
import { failedCondition, parseVersionRequirement, versionToString, type VersionCondition } from './hypervisor-version.js';

interface Wanted {
  prop: string;
  value: Canonical;
}
interface ImageNeeds {
  wanted: Wanted[];
  summary: string;
  version: VersionCondition[] | string | null;
  /** Host versions already found to satisfy `version` (a fleet runs few versions). */
  satisfied: Set<number>;
}

const HINTS: Record<string, string> = { arm: 'armv7l or aarch64', arm64: 'aarch64', x64: 'x86_64', x86: 'i686 or x86_64' };

function prop(props: Record<string, string>, glance: string, nova: string): string | null {
  const v = props[glance] ?? props[nova];
  return typeof v === 'string' && v.trim() !== '' ? v : null;
}

/** What an image's properties ask of a host. */
export function imageNeeds(props: Record<string, string>): ImageNeeds {
  const wanted: Wanted[] = [];
  const add = (name: string, raw: string | null, canon: (s: string) => Canonical) => {
    if (raw !== null) wanted.push({ prop: name, value: canon(raw) });
  };
  add('architecture', prop(props, 'architecture', 'hw_architecture'), canonicalArch);
  add('hypervisor_type', prop(props, 'hypervisor_type', 'img_hv_type'), canonicalHvType);
  add('vm_mode', prop(props, 'vm_mode', 'hw_vm_mode'), canonicalVmMode);
  const versionReq = prop(props, 'hypervisor_version_requires', 'img_hv_requested_version');
  return {
    wanted,
    summary: wanted.map((w) => `${w.prop}=${w.value.name}`).join(', '),
    version: versionReq === null ? null : parseVersionRequirement(versionReq),
    satisfied: new Set(),
  };
}

const needsOf = perRequest((spec) => imageNeeds(spec.image.properties));

/** Nova's test: each asked-for value appears somewhere in the triple (canonical names). */
function tripleOffers(triple: SupportedInstance, wanted: Wanted[]): boolean {
  let canonical: string[] | null = null;
  for (const w of wanted) {
    const name = w.value.name;
    if (triple[0] === name || triple[1] === name || triple[2] === name) continue;
    canonical ??= [canonicalArch(triple[0]).name, canonicalHvType(triple[1]).name, canonicalVmMode(triple[2]).name];
    if (!canonical.includes(name)) return false;
  }
  return true;
}

function unknownNote(wanted: Wanted[]): MessageList {
  const items = wanted
    .filter((w) => !w.value.known)
    .map((w) =>
      Object.hasOwn(HINTS, w.value.name)
        ? msg('filter.image.unknownNameHint', { name: w.value.name, prop: w.prop, hint: HINTS[w.value.name]! })
        : msg('filter.image.unknownName', { name: w.value.name, prop: w.prop }),
    );
  return { sep: '', items };
}

function versionVerdict(host: HostState, needs: ImageNeeds): FilterVerdict {
  if (needs.version === null || !host.hypervisor_version) return true;
  if (typeof needs.version === 'string') return msg('filter.image.versionUnreadable', { error: needs.version });
  if (needs.satisfied.has(host.hypervisor_version)) return true;
  const failed = failedCondition(host.hypervisor_version, needs.version);
  if (failed === null) {
    needs.satisfied.add(host.hypervisor_version);
    return true;
  }
  return msg('filter.image.version', {
    condition: failed.text,
    hv_type: host.hypervisor_type,
    version: versionToString(host.hypervisor_version),
    packed: host.hypervisor_version,
  });
}

function check(host: HostState, spec: RequestSpec): FilterVerdict {
  const needs = needsOf(spec);
  if (needs.wanted.length === 0) return true;
  if (host.supported_instances.length === 0) {
    return msg('filter.image.noneSupported', { needs: raw(needs.summary), unknown: unknownNote(needs.wanted) });
  }
  for (const triple of host.supported_instances) {
    if (tripleOffers(triple, needs.wanted)) return versionVerdict(host, needs);
  }
  const offers = host.supported_instances.map((t) => `(${t.join(', ')})`).join(', ');
  return msg('filter.image.offers', { needs: raw(needs.summary), offers: raw(offers), unknown: unknownNote(needs.wanted) });
}

export const imagePropertiesFilter: SchedulerFilter = {
  name: 'ImagePropertiesFilter',
  oncePerRequest: true,
  runOnRebuild: true,
  check,
};
