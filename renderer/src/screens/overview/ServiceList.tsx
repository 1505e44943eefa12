// `nova service-list`: the services' heartbeats as the conductor records them.
import { useTranslation } from 'react-i18next';
import type { ServiceRow } from '../../../../contract/services';
import { Status } from '../../components/Status';

export function ServiceList({ rows }: { rows: ServiceRow[] }) {
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
            <td>
              <Status value={r.state} />
            </td>
            <td className="time">{r.updated_at}</td>
            <td>{r.disabled_reason ?? '-'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
