// Key pairs, quota sets and limits, as Nova shows them for a microversion (pure).
import type { KeyPair, QuotaSet } from '../../../contract/model.js';
import type { QuotaUsage } from '../../rpc/conductor-api.js';
import { atLeast, type ApiVersion } from '../microversion.js';
import { naiveTime } from './format.js';

export function keypairListItem(k: KeyPair, v: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = { name: k.name, public_key: k.public_key, fingerprint: k.fingerprint };
  if (atLeast(v, '2.2')) out.type = k.type;
  return { keypair: out };
}

export function keypairShow(k: KeyPair, v: ApiVersion): Record<string, unknown> {
  const out: Record<string, unknown> = {
    name: k.name,
    public_key: k.public_key,
    fingerprint: k.fingerprint,
    user_id: k.user_id,
    deleted: false,
    created_at: naiveTime(k.created_at),
    updated_at: null,
    deleted_at: null,
    id: k.id,
  };
  if (atLeast(v, '2.2')) out.type = k.type;
  return { keypair: out };
}

export function keypairCreated(k: KeyPair, v: ApiVersion, privateKey?: string): Record<string, unknown> {
  const out: Record<string, unknown> = { name: k.name, public_key: k.public_key, fingerprint: k.fingerprint, user_id: k.user_id };
  if (privateKey !== undefined) out.private_key = privateKey;
  if (atLeast(v, '2.2')) out.type = k.type;
  return { keypair: out };
}

/** Quotas Nova still reports below 2.36 for nova-network; their defaults. */
const NETWORK_QUOTAS = { fixed_ips: -1, floating_ips: 10, security_groups: 10, security_group_rules: 20 } as const;
const FILE_QUOTAS = ['injected_files', 'injected_file_content_bytes', 'injected_file_path_bytes'] as const;

/** The quota keys for a version, with their values. */
export function quotaValues(q: QuotaSet, v: ApiVersion): Record<string, number> {
  const out: Record<string, number> = {
    cores: q.cores,
    instances: q.instances,
    ram: q.ram,
    key_pairs: q.key_pairs,
    metadata_items: q.metadata_items,
    server_groups: q.server_groups,
    server_group_members: q.server_group_members,
  };
  if (!atLeast(v, '2.57')) for (const k of FILE_QUOTAS) out[k] = q[k];
  if (!atLeast(v, '2.36')) Object.assign(out, NETWORK_QUOTAS);
  return out;
}

const usedOf = (u: QuotaUsage, key: string): number =>
  (
    ({ instances: u.instances, cores: u.cores, ram: u.ram, key_pairs: u.key_pairs, server_groups: u.server_groups }) as Record<
      string,
      number
    >
  )[key] ?? 0;

export function quotaSetView(projectId: string, q: QuotaSet, v: ApiVersion, usage?: QuotaUsage): Record<string, unknown> {
  const values = quotaValues(q, v);
  const out: Record<string, unknown> = { id: projectId };
  for (const [k, limit] of Object.entries(values)) {
    out[k] = usage ? { in_use: usedOf(usage, k), limit, reserved: 0 } : limit;
  }
  return { quota_set: out };
}

export function limitsView(q: QuotaSet, u: QuotaUsage, v: ApiVersion): Record<string, unknown> {
  const abs: Record<string, number> = {
    maxServerMeta: q.metadata_items,
    maxTotalKeypairs: q.key_pairs,
    maxTotalInstances: q.instances,
    maxTotalCores: q.cores,
    maxTotalRAMSize: q.ram,
    maxServerGroups: q.server_groups,
    maxServerGroupMembers: q.server_group_members,
    totalRAMUsed: u.ram,
    totalCoresUsed: u.cores,
    totalInstancesUsed: u.instances,
    totalServerGroupsUsed: u.server_groups,
  };
  if (!atLeast(v, '2.57')) Object.assign(abs, { maxPersonality: q.injected_files, maxPersonalitySize: q.injected_file_content_bytes });
  if (!atLeast(v, '2.39')) abs.maxImageMeta = q.metadata_items;
  if (!atLeast(v, '2.36')) {
    Object.assign(abs, {
      maxSecurityGroups: NETWORK_QUOTAS.security_groups,
      maxSecurityGroupRules: NETWORK_QUOTAS.security_group_rules,
      maxTotalFloatingIps: NETWORK_QUOTAS.floating_ips,
      totalFloatingIpsUsed: 0,
      totalSecurityGroupsUsed: 0,
    });
  }
  return { limits: { rate: [], absolute: abs } };
}
