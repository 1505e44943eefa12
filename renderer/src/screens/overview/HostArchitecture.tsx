// Each compute host's architecture and capabilities (os-hypervisors' cpu_info and the
// supported_instances its nova-compute reported), its aggregates (os-aggregates: name,
// availability zone, metadata) and its allocation ratios with where the scheduler takes each.
import { useTranslation } from 'react-i18next';
import type { HostArchitecture as HostArch, RatioSource } from '../../../../contract/lab-api';
import type { AggregateView, Hypervisor } from '../../api/compute';

const cpuInfo = (h: Hypervisor | undefined): Record<string, unknown> | null => {
  const c = h?.cpu_info;
  if (!c) return null;
  if (typeof c !== 'string') return c;
  try {
    return JSON.parse(c) as Record<string, unknown>;
  } catch {
    return null;
  }
};

const kv = (o: Record<string, unknown>) =>
  Object.entries(o)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
    .join(', ');

function Ratio({ r, host }: { r: RatioSource; host: string }) {
  const { t } = useTranslation();
  const short = r.key.replace('_allocation_ratio', '');
  const named = r.aggregates.map((a) => `${a.name} (${a.value})`).join(', ');
  return (
    <div className="ratio-line" data-testid={`ratio-${host}-${short}`} data-source={r.source} data-value={r.value}>
      <code>{r.key}</code> = <strong>{r.value}</strong>{' '}
      <span className="ratio-note">
        {r.source === 'aggregate'
          ? t('overview.hostArch.fromAggregate', { aggregates: named, filter: r.filter, conf: r.conf_value })
          : t('overview.hostArch.fromConf', { host })}
        {r.source === 'nova.conf' && r.aggregates.length > 0 && (
          <>
            {' '}
            {t(r.filter_enabled ? 'overview.hostArch.aggregateInvalid' : 'overview.hostArch.aggregateUnused', {
              aggregates: named,
              filter: r.filter,
            })}
          </>
        )}
      </span>
    </div>
  );
}

export function HostArchitecture({
  hosts,
  hypervisors,
  aggregates,
}: {
  hosts: HostArch[];
  hypervisors: Hypervisor[] | null;
  aggregates: AggregateView[] | null;
}) {
  const { t } = useTranslation();
  return (
    <table className="table host-arch-table" data-testid="host-architecture">
      <thead>
        <tr>
          <th>{t('overview.hostArch.host')}</th>
          <th>{t('overview.hostArch.arch')}</th>
          <th>{t('overview.hostArch.capabilities')}</th>
          <th>{t('overview.hostArch.aggregates')}</th>
          <th>{t('overview.hostArch.ratios')}</th>
        </tr>
      </thead>
      <tbody>
        {hosts.map((h) => {
          const hv = hypervisors?.find((x) => x.service.host === h.host);
          const cpu = cpuInfo(hv);
          const mine = (aggregates ?? []).filter((a) => a.hosts.includes(h.host));
          return (
            <tr key={h.host} data-testid={`host-arch-${h.host}`}>
              <td>
                <strong>{h.host}</strong>
                <div className="muted small">
                  <code>{h.hypervisor_type}</code> · <code>{h.accelerator}</code>
                </div>
              </td>
              <td>
                <div data-testid={`host-arch-archs-${h.host}`}>{h.architectures.join(', ')}</div>
                {cpu && (
                  <div className="kv muted" data-testid={`host-arch-cpu-${h.host}`}>
                    <code>cpu_info</code>: <code>{kv(cpu)}</code>
                  </div>
                )}
              </td>
              <td className="kv">
                <div>
                  <code>supported_instances</code>: <code>{h.supported_instances.map((s) => `(${s.join(', ')})`).join(' ')}</code>
                </div>
                <div>
                  <code>capabilities</code>: {Object.keys(h.capabilities).length ? <code>{kv(h.capabilities)}</code> : '-'}
                </div>
              </td>
              <td data-testid={`host-arch-aggregates-${h.host}`}>
                {aggregates === null
                  ? '…'
                  : mine.length === 0
                    ? t('overview.hostArch.noAggregate')
                    : mine.map((a) => (
                        <div key={a.id} data-testid={`host-aggregate-${h.host}-${a.name}`}>
                          <strong>{a.name}</strong>
                          {a.availability_zone && <> · {t('overview.hostArch.zone', { zone: a.availability_zone })}</>}
                          <div className="kv muted">{Object.keys(a.metadata).length ? <code>{kv(a.metadata)}</code> : '-'}</div>
                        </div>
                      ))}
              </td>
              <td>
                {h.ratios.map((r) => (
                  <Ratio key={r.key} r={r} host={h.host} />
                ))}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
