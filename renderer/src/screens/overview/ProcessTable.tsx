// Each service process with its PID, worker PIDs (nova-api is a master with workers), ports,
// state and restarts — what `ps aux | grep nova` and `netstat -anp` show in the course.
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { ServiceProcess } from '../../../../contract/services';
import { Status } from '../../components/Status';

export function ProcessTable({ processes }: { processes: ServiceProcess[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  return (
    <table className="table" data-testid="process-table">
      <thead>
        <tr>
          <th>{t('overview.col.binary')}</th>
          <th>{t('overview.col.host')}</th>
          <th>{t('overview.col.pid')}</th>
          <th>{t('overview.col.workers')}</th>
          <th>{t('overview.col.processes')}</th>
          <th>{t('overview.col.ports')}</th>
          <th>{t('overview.col.state')}</th>
          <th>{t('overview.col.restarts')}</th>
          <th>{t('overview.col.started')}</th>
        </tr>
      </thead>
      <tbody>
        {processes.map((p) => (
          <tr key={`${p.binary}@${p.host}`} data-testid={`process-${p.binary}-${p.host}`}>
            <td>
              <code>{p.binary}</code>
            </td>
            <td>{p.host}</td>
            <td className="num">{p.pid ?? '-'}</td>
            <td className="pids">{p.workerPids.length ? p.workerPids.join(', ') : '-'}</td>
            <td className="num" data-testid={`process-count-${p.binary}`}>
              {p.pid ? 1 + p.workerPids.length : 0}
            </td>
            <td>{p.ports.join(', ') || '-'}</td>
            <td>
              <Status value={p.state} label={t(`overview.state.${p.state}`)} />
              {/* A failing service is retried with backoff for as long as the lab runs: say when. */}
              {p.nextTryAt && (
                <div className="muted small" data-testid={`process-next-try-${p.binary}`}>
                  {t('overview.nextTry', {
                    time: fmt.time(p.nextTryAt),
                    exit: p.lastExit ? (p.lastExit.signal ?? t('statesText.exitCode', { code: p.lastExit.code })) : '-',
                  })}
                </div>
              )}
            </td>
            <td className="num">{p.restarts}</td>
            <td className="time">{p.startedAt ? fmt.time(p.startedAt) : '-'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
