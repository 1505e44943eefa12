// A lab is data (as VS Code's walkthrough steps are): steps with text in both languages and
// a completion check evaluated against the live lab. Checks are declarative; the facts they
// name are pure functions of a snapshot of the lab's APIs.
import type { ServiceProcess } from '../../../contract/services';
import type { Hypervisor, ServerDetail, ServerGroupView } from '../api/compute';
import type { ConfValue } from '../api/lab';

export interface LabText {
  en: string;
  'zh-CN': string;
}

export type Check =
  | { kind: 'answer-equals-fact'; fact: FactName }
  | { kind: 'config-equals'; key: string; value: number | string | boolean }
  /** A list option (e.g. scheduler_default_filters) that holds this item. */
  | { kind: 'config-includes'; key: string; item: string }
  | { kind: 'facts-equal'; a: FactName; b: FactName }
  | { kind: 'fact-at-least'; fact: FactName; value: number }
  | { kind: 'all'; checks: Check[] };

export interface LabStep {
  id: string;
  title: LabText;
  body: LabText;
  /** A number the learner types in, checked by the step's check. */
  answer?: { label: LabText };
  check: Check;
  hint?: LabText;
  /** Where in the GUI to go for this step. */
  goto?: string;
}

export interface Lab {
  id: string;
  title: LabText;
  summary: LabText;
  steps: LabStep[];
}

export interface LabSnapshot {
  processes: ServiceProcess[];
  config: Record<string, ConfValue>;
  hypervisors: Hypervisor[];
  servers: ServerDetail[];
  serverGroups: ServerGroupView[];
}

const num = (v: ConfValue | undefined): number => (typeof v === 'number' ? v : Number(v ?? NaN));

export const FACTS = {
  /** 1 master + its workers, as `ps aux | grep nova-api` counts them. */
  nova_api_processes: (s: LabSnapshot) =>
    s.processes.filter((p) => p.binary === 'nova-api' && p.pid).reduce((n, p) => n + 1 + p.workerPids.length, 0),
  /** What nova.conf says there should be: 1 + osapi_compute_workers + metadata_workers + ec2_workers. */
  nova_api_expected_processes: (s: LabSnapshot) =>
    1 + num(s.config.osapi_compute_workers) + num(s.config.metadata_workers) + num(s.config.ec2_workers),
  /** vCPUs a 4-core host can hand out: 4 × cpu_allocation_ratio (a lab host with 4 cores if there is one). */
  four_core_vcpu_limit: (s: LabSnapshot) => {
    const host = s.hypervisors.find((h) => h.vcpus === 4);
    return (host?.vcpus ?? 4) * num(s.config.cpu_allocation_ratio);
  },
  active_servers: (s: LabSnapshot) => s.servers.filter((x) => x.status === 'ACTIVE').length,
  /** Compute hosts that are up and enabled: where an anti-affinity group can put one member each. */
  usable_hosts: (s: LabSnapshot) => s.hypervisors.filter((h) => h.state === 'up' && h.status === 'enabled').length,
  anti_affinity_groups: (s: LabSnapshot) => s.serverGroups.filter((g) => g.policy === 'anti-affinity').length,
  /** The most ACTIVE members any anti-affinity group has, each counted once per host it is on. */
  anti_affinity_hosts_used: (s: LabSnapshot) =>
    Math.max(
      0,
      ...s.serverGroups
        .filter((g) => g.policy === 'anti-affinity')
        .map((g) => {
          const hosts = s.servers.filter((x) => g.members.includes(x.id) && x.status === 'ACTIVE').map((x) => x['OS-EXT-SRV-ATTR:host']);
          return new Set(hosts.filter(Boolean)).size;
        }),
    ),
  /** What an anti-affinity group really placed once the lab refused it a member: the hosts its
   *  ACTIVE members are on, for the group that has a refused member (the most, if several).
   *  Not every up host counts — ImagePropertiesFilter keeps an x86_64 image off an
   *  aarch64-only host — so the answer is read from the lab's result, not from a host count.
   *  NaN until a member was refused: until then nobody knows where the hosts run out. */
  anti_affinity_placed: (s: LabSnapshot) => {
    const refused = (g: ServerGroupView) => s.servers.some((x) => g.members.includes(x.id) && x.status === 'ERROR');
    const placed = s.serverGroups
      .filter((g) => g.policy === 'anti-affinity' && refused(g))
      .map(
        (g) =>
          new Set(s.servers.filter((x) => g.members.includes(x.id) && x.status === 'ACTIVE').map((x) => x['OS-EXT-SRV-ATTR:host'])).size,
      );
    return placed.length ? Math.max(...placed) : NaN;
  },
  /** Members of anti-affinity groups that ended in ERROR (no host was left for them). */
  anti_affinity_refused: (s: LabSnapshot) =>
    s.servers.filter((x) => x.status === 'ERROR' && s.serverGroups.some((g) => g.policy === 'anti-affinity' && g.members.includes(x.id)))
      .length,
} satisfies Record<string, (s: LabSnapshot) => number>;
export type FactName = keyof typeof FACTS;

/** A typed answer against the lab: right, wrong, or not checkable yet (the lab has not done
 *  the thing the question is about). Absent when nothing was typed. */
export type AnswerVerdict = 'right' | 'wrong' | 'pending';

export interface CheckResult {
  ok: boolean;
  facts: Partial<Record<FactName, number>>;
  answer?: AnswerVerdict;
}

export function evaluate(check: Check, snap: LabSnapshot, answer: string | undefined): CheckResult {
  const facts: Partial<Record<FactName, number>> = {};
  const fact = (f: FactName) => (facts[f] = FACTS[f](snap));
  let verdict: AnswerVerdict | undefined;
  const run = (c: Check): boolean => {
    switch (c.kind) {
      case 'answer-equals-fact': {
        const v = fact(c.fact);
        if (answer === undefined || answer.trim() === '') return false;
        verdict = Number.isNaN(v) ? 'pending' : Number(answer) === v ? 'right' : 'wrong';
        return verdict === 'right';
      }
      case 'config-equals':
        return snap.config[c.key] === c.value;
      case 'config-includes': {
        const v = snap.config[c.key];
        return Array.isArray(v) && v.includes(c.item);
      }
      case 'facts-equal':
        return fact(c.a) === fact(c.b);
      case 'fact-at-least':
        return fact(c.fact) >= c.value;
      case 'all':
        return c.checks.map(run).every(Boolean);
    }
  };
  const ok = run(check);
  return { ok, facts, ...(verdict ? { answer: verdict } : {}) };
}
