// One card per compute host (os-hypervisors/detail): vCPUs, RAM and disk in use vs capacity.
import { useTranslation } from 'react-i18next';
import type { Hypervisor } from '../../api/compute';
import { Bar } from '../../components/Bar';
import { Status } from '../../components/Status';
import { HealthBadge, healthFor } from '../../components/HealthBadge';
import type { ServiceHealth } from '../../../../contract/service-health';
import type { HostCount } from './host-counts';

export function HostCards({
  hypervisors,
  zones,
  counts,
  health,
}: {
  hypervisors: Hypervisor[];
  zones: Record<string, string>;
  /** Per host, from the servers' power state; null until the servers are read. */
  counts: Map<string, HostCount> | null;
  /** The lab's one health per service: the host's nova-compute decides the card's state word. */
  health?: readonly ServiceHealth[];
}) {
  const { t } = useTranslation();
  const sorted = [...hypervisors].sort((a, b) => a.hypervisor_hostname.localeCompare(b.hypervisor_hostname));
  return (
    <div className="host-cards" data-testid="host-cards">
      {sorted.map((h) => (
        <div className="host-card" key={String(h.id)} data-testid={`host-card-${h.hypervisor_hostname}`}>
          <div className="host-head">
            <strong>{h.hypervisor_hostname}</strong>
            <span>
              {(() => {
                const sh = healthFor(health, 'nova-compute', h.service.host);
                return sh ? <HealthBadge health={sh} testId={`host-health-${h.service.host}`} /> : <Status value={h.state} />;
              })()}{' '}
              <Status value={h.status} />
            </span>
          </div>
          <div className="muted small">
            {t('overview.zone')}: {zones[h.service.host] ?? '-'} · {h.hypervisor_type} ·{' '}
            {/* Nova's running_vms counts every instance on the host, SHUTOFF ones too. */}
            <span data-testid={`host-instances-${h.hypervisor_hostname}`}>{t('overview.instanceCount', { count: h.running_vms })}</span>
            {counts && (
              <>
                {' · '}
                <span data-testid={`host-running-${h.hypervisor_hostname}`}>
                  {t('overview.runningVms', { count: counts.get(h.service.host)?.running ?? 0 })}
                </span>
              </>
            )}
          </div>
          <Bar label={t('overview.vcpus')} used={h.vcpus_used} total={h.vcpus} />
          <Bar label={t('overview.ramMb')} used={h.memory_mb_used} total={h.memory_mb} />
          <Bar label={t('overview.diskGb')} used={h.local_gb_used} total={h.local_gb} />
        </div>
      ))}
    </div>
  );
}
