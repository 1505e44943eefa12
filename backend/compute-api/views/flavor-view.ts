// Flavors as Nova's views/flavors.py shows them: swap "" below 2.75 when 0, description
// from 2.55, extra_specs from 2.61 (pure).
import type { Flavor } from '../../../contract/model.js';
import { atLeast, type ApiVersion } from '../microversion.js';
import { links } from './format.js';

export function flavorBasic(f: Flavor, base: string, v: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { id: f.id, name: f.name, links: links(base, 'flavors', f.id) };
  if (atLeast(v, '2.55')) out.description = f.description;
  return out;
}

export function flavorDetail(f: Flavor, base: string, v: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: f.id,
    name: f.name,
    ram: f.ram,
    disk: f.disk,
    swap: atLeast(v, '2.75') ? f.swap : f.swap || '',
    'OS-FLV-EXT-DATA:ephemeral': f.ephemeral,
    'OS-FLV-DISABLED:disabled': f.disabled,
    vcpus: f.vcpus,
    'os-flavor-access:is_public': f.is_public,
    rxtx_factor: f.rxtx_factor,
    links: links(base, 'flavors', f.id),
  };
  if (atLeast(v, '2.55')) out.description = f.description;
  if (atLeast(v, '2.61')) out.extra_specs = { ...f.extra_specs };
  return out;
}
