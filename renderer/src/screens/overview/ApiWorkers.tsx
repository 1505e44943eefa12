// The course's homework, answered by the running lab: which nova-api processes serve 8774
// (osapi_compute), 8775 (metadata) and 8773 (ec2) — the master that holds the listening
// sockets (what `netstat -anp | grep <master pid>` shows) and the workers of each port.
import { useTranslation } from 'react-i18next';
import type { ApiWorkerGroup } from '../../../../contract/lab-api';

export function ApiWorkers({ groups }: { groups: ApiWorkerGroup[] }) {
  const { t } = useTranslation();
  const master = groups[0]?.master_pid ?? null;
  const workers = groups.reduce((n, g) => n + g.worker_pids.length, 0);
  return (
    <div data-testid="api-workers">
      <table className="table">
        <thead>
          <tr>
            <th>{t('overview.apiWorkers.port')}</th>
            <th>{t('overview.apiWorkers.api')}</th>
            <th>{t('overview.apiWorkers.option')}</th>
            <th>{t('overview.apiWorkers.master')}</th>
            <th>{t('overview.apiWorkers.workers')}</th>
          </tr>
        </thead>
        <tbody>
          {groups.map((g) => (
            <tr key={g.role} data-testid={`api-port-${g.role}`} data-port={g.port}>
              <td className="num">
                <code>
                  {g.listen}:{g.port}
                </code>
              </td>
              <td>
                <code>{g.role}</code>
              </td>
              <td>
                <code>{g.option}</code> = {g.worker_pids.length}
              </td>
              <td className="num" data-testid={`api-master-${g.role}`}>
                {g.master_pid ?? '-'}
              </td>
              <td className="pids" data-testid={`api-workers-${g.role}`}>
                {g.worker_pids.join(', ') || '-'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {master !== null && groups.length > 0 && (
        <p className="muted small" data-testid="api-workers-answer">
          {t('overview.apiWorkers.answer', {
            master,
            sum: groups.map((g) => g.worker_pids.length).join(' + '),
            total: 1 + workers,
          })}{' '}
          {t(groups.every((g) => g.accepts === 'master') ? 'overview.apiWorkers.acceptsMaster' : 'overview.apiWorkers.acceptsWorkers', {
            master,
          })}
        </p>
      )}
    </div>
  );
}
