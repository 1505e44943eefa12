// `nova service-list`: the services' heartbeats as the conductor records them.
import { useTranslation } from 'react-i18next';
import type { ServiceRow } from '../../../../contract/services';
import type { ServiceHealth } from '../../../../contract/service-health';
import { Status } from '../../components/Status';
import { HealthBadge, healthFor } from '../../components/HealthBadge';

export function ServiceList({ rows, health }: { rows: ServiceRow[]; health?: readonly ServiceHealth[] }) {
  const { t } = useTranslation();
  if (rows.length === 0) return <p className="muted">{t('overview.noServices')}</p>;
  return (
    <table className="table" data-testid="service-list">
      <thead>
        <tr>
          {(['id', 'binary', 'host', 'zone', 'status', 'state', 'updated', 'reason'] as const).map((c) => (
            <th key={c}>{t(`overview.svc.${c}`)}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td className="num">{r.id}</td>
            <td>
              <code>{r.binary}</code>
            </td>
            <td>{r.host}</td>
            <td>{r.zone}</td>
            <td>
              <Status value={r.status} />
            </td>
            <td data-testid={`service-state-${r.binary}-${r.host}`}>
              {/* The lab's one health, which includes Nova's heartbeat rule; Nova's own word if no process matches. */}
              {(() => {
                const h = healthFor(health, r.binary, r.host);
                return h ? (
                  <HealthBadge health={h} testId={`service-health-${r.binary}-${r.host}`} withReason />
                ) : (
                  <Status value={r.state} />
                );
              })()}
            </td>
            <td className="time">{r.updated_at}</td>
            <td>{r.disabled_reason ?? '-'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
