// Usage: simple tenant usage (os-simple-tenant-usage: per project, the hours, vCPU-, RAM- and
// disk-hours of the instances active in a period, computed from the instance records the
// conductor keeps) and the instance usage audit log (os-instance_usage_audit_log), as Nova.
import { Router } from 'express';
import type { ApiDeps } from '../deps.js';
import { badRequest } from '../faults.js';
import { authorize, handle, ok, type Call, type Reply } from '../http/kit.js';
import { methodNotAllowed } from '../http/errors.js';
import { pageParams } from '../http/paging.js';
import { validateQuery } from '../http/query.js';
import { atLeast } from '../microversion.js';
import {
  auditLog,
  lastCompletedAuditPeriod,
  microsToIso,
  parseAuditBefore,
  tenantUsages,
  usageRange,
  type Micros,
  type ServerUsage,
} from '../tenant-usage.js';

const USAGE = 'os-simple-tenant-usage';
const nowMicros = (): Micros => Date.now() * 1000;

/** The first value of a query parameter, as Nova reads start, end and detailed (parse_qs()[0]). */
function firstOf(c: Call, key: string): string | undefined {
  const v = c.query[key];
  return Array.isArray(v) ? v[0] : v;
}

/** Nova's next link: every parameter of the request, sorted, with the last instance as marker. */
function nextLink(c: Call, path: string, servers: ServerUsage[], maxLimit: number): { rel: string; href: string }[] | null {
  const asked = c.query.limit;
  const rawLimit = Array.isArray(asked) ? asked[asked.length - 1] : asked;
  const max = Math.min(rawLimit === undefined ? maxLimit : Number(rawLimit), maxLimit);
  if (!max || servers.length !== max) return null;
  const params = new URLSearchParams();
  const keys = Object.keys(c.query)
    .filter((k) => k !== 'marker')
    .sort();
  for (const k of [...keys, 'marker'].sort()) {
    const v = k === 'marker' ? servers[servers.length - 1]!.instance_id : c.query[k];
    params.set(k, String(Array.isArray(v) ? v[v.length - 1] : v));
  }
  return [{ rel: 'next', href: `${c.st.base}/v2.1/${path}?${params.toString()}` }];
}

async function usageFor(c: Call, tenantId: string | undefined, detailed: boolean) {
  const v = c.st.version;
  const paged = atLeast(v, '2.40');
  if (atLeast(v, '2.75')) validateQuery(c.query, ['start', 'end', ...(tenantId === undefined ? ['detailed'] : []), 'limit', 'marker']);
  const now = nowMicros();
  const range = usageRange(firstOf(c, 'start'), firstOf(c, 'end'), now);
  if ('error' in range) throw badRequest(range.error);
  const maxLimit = c.deps.settings.maxLimit;
  const page = paged ? pageParams(c.query, maxLimit) : { limit: null, marker: null };
  const limit = page.limit ?? maxLimit;
  const rows =
    limit === 0
      ? []
      : await c.deps.conductor.call.instance_usage_window({
          begin: microsToIso(range.start),
          end: microsToIso(range.stop),
          ...(tenantId !== undefined ? { project_id: tenantId } : {}),
          limit,
          ...(page.marker !== null ? { marker: page.marker } : {}),
        });
  const { usages, servers } = tenantUsages(rows, range, detailed, now);
  const links = paged ? nextLink(c, tenantId === undefined ? USAGE : `${USAGE}/${tenantId}`, servers, maxLimit) : null;
  return { usages, links };
}

/** GET /os-simple-tenant-usage (admin): every project's usage; server_usages with detailed=1. */
async function listUsage(c: Call): Promise<Reply> {
  authorize(c, 'os_compute_api:os-simple-tenant-usage:list');
  const { usages, links } = await usageFor(c, undefined, firstOf(c, 'detailed') === '1');
  return ok({ tenant_usages: usages, ...(links ? { tenant_usages_links: links } : {}) });
}

/** GET /os-simple-tenant-usage/{tenant_id}: one project's usage, always with its instances. */
async function showUsage(c: Call): Promise<Reply> {
  const tenantId = c.params.tenant_id!;
  authorize(c, 'os_compute_api:os-simple-tenant-usage:show', { project_id: tenantId });
  const { usages, links } = await usageFor(c, tenantId, true);
  return ok({ tenant_usage: usages[0] ?? {}, ...(links ? { tenant_usage_links: links } : {}) });
}

/** The hosts an audit covers: every nova-compute service, disabled ones included. */
async function computeHosts(c: Call): Promise<string[]> {
  return (await c.deps.conductor.call.service_list({ binary: 'nova-compute' })).map((s) => s.host);
}

export function usageRoutes(deps: ApiDeps): Router {
  // Strict: "/os-simple-tenant-usage/" (an empty tenant id) is no resource, as in Nova.
  const r = Router({ strict: true });
  const h = (fn: (c: Call) => Promise<Reply>) => handle(deps, fn);
  r.route(`/${USAGE}`).get(h(listUsage)).all(methodNotAllowed);
  r.route(`/${USAGE}/:tenant_id`).get(h(showUsage)).all(methodNotAllowed);
  r.route('/os-instance_usage_audit_log')
    .get(
      h(async (c) => {
        authorize(c, 'os_compute_api:os-instance-usage-audit-log:list');
        const period = lastCompletedAuditPeriod('month', 0, nowMicros());
        return ok({ instance_usage_audit_logs: auditLog(await computeHosts(c), period) });
      }),
    )
    .all(methodNotAllowed);
  r.route('/os-instance_usage_audit_log/:before')
    .get(
      h(async (c) => {
        authorize(c, 'os_compute_api:os-instance-usage-audit-log:show');
        const raw = c.params.before!;
        const before = parseAuditBefore(raw);
        if (before === null) throw badRequest(`Invalid timestamp for date ${raw}`);
        const period = lastCompletedAuditPeriod('month', 0, before);
        return ok({ instance_usage_audit_log: auditLog(await computeHosts(c), period) });
      }),
    )
    .all(methodNotAllowed);
  return r;
}
