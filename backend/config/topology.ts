// The lab topology: which simulated compute hosts exist and what each can offer. Each becomes
// one real nova-compute process.
import fs from 'node:fs';
import { resourcePath } from '../common/app-root.js';
import type { LabHost } from '../../contract/model.js';

export interface Topology {
  description?: string;
  hosts: LabHost[];
}

export const defaultTopologyFile = () => resourcePath('lab', 'default-topology.json');

const HOST_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Pure: every problem of a topology, as one list. */
export function validateTopology(t: unknown): string[] {
  const errors: string[] = [];
  const hosts = (t as Topology | null)?.hosts;
  if (!Array.isArray(hosts) || hosts.length === 0) return ['topology: "hosts" must be a non-empty list'];
  const seen = new Set<string>();
  hosts.forEach((h, i) => {
    const where = `topology host ${i} (${h?.name ?? '?'})`;
    if (typeof h?.name !== 'string' || !HOST_NAME.test(h.name)) errors.push(`${where}: name must be lower-case letters, digits and dashes`);
    else if (seen.has(h.name)) errors.push(`${where}: duplicate name`);
    else seen.add(h.name);
    for (const k of ['vcpus', 'memory_mb', 'disk_gb'] as const) {
      if (!Number.isInteger(h?.[k]) || h[k] < 1) errors.push(`${where}: ${k} must be a whole number >= 1`);
    }
    if (typeof h?.availability_zone !== 'string' || h.availability_zone === '') errors.push(`${where}: availability_zone is required`);
    for (const a of Array.isArray(h?.aggregates) ? h.aggregates : []) {
      const zone = a?.metadata?.availability_zone;
      // A host is in one zone (Nova refuses a second): its aggregates may only repeat it.
      if (zone !== undefined && zone !== h.availability_zone)
        errors.push(
          `${where}: aggregate ${a.name} has availability_zone "${zone}" but the host's availability_zone is "${h.availability_zone}"`,
        );
    }
    if (!Array.isArray(h?.architectures) || h.architectures.length === 0) errors.push(`${where}: architectures must list at least one`);
    if (!Array.isArray(h?.hypervisor_types) || h.hypervisor_types.length === 0)
      errors.push(`${where}: hypervisor_types must list at least one`);
  });
  return errors;
}

/** Fill optional fields so the rest of the code sees complete hosts. */
export function normaliseTopology(t: Topology): Topology {
  return {
    ...t,
    hosts: t.hosts.map((h) => ({ ...h, capabilities: h.capabilities ?? {}, aggregates: h.aggregates ?? [], metrics: h.metrics ?? {} })),
  };
}

export function loadTopology(setting: string, stateTopologyFile: string): { topology: Topology; errors: string[] } {
  const file = setting === 'default' ? (fs.existsSync(stateTopologyFile) ? stateTopologyFile : defaultTopologyFile()) : setting;
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    return { topology: { hosts: [] }, errors: [`topology ${file}: ${(err as Error).message}`] };
  }
  const errors = validateTopology(raw);
  return { topology: errors.length ? { hosts: [] } : normaliseTopology(raw as Topology), errors };
}
