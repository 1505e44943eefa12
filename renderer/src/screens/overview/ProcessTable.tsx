// Each service process with its PID, worker PIDs (nova-api is a master with workers), ports,
// state and restarts — what `ps aux | grep nova` and `netstat -anp` show in the course.
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { ServiceProcess } from '../../../../contract/services';
import type { ServiceHealth } from '../../../../contract/service-health';
import { Status } from '../../components/Status';
import { HealthBadge, healthFor } from '../../components/HealthBadge';
import { href } from '../../hooks/use-route';
import { RestartProcess } from './RestartProcess';
import { useSession } from '../../session/session';

export function ProcessTable({ processes, health }: { processes: ServiceProcess[]; health?: readonly ServiceHealth[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { session } = useSession();
  return (
    <table className="table" data-testid="process-table">
      <caption className="muted small" data-testid="process-restart-note">
        {t('processRestart.note')}
      </caption>
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
          <th>{t('processRestart.col')}</th>
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
              {(() => {
                const h = healthFor(health, p.binary, p.host);
                return h ? (
                  <HealthBadge health={h} testId={`process-health-${p.binary}-${p.host}`} />
                ) : (
                  <Status value={p.state} label={t(`overview.state.${p.state}`)} />
                );
              })()}
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
            <td className="num">
              {p.restarts}{' '}
              {session.isAdmin && (
                <a href={href('logs', p.binary, p.host)} className="small" data-testid={`process-logs-${p.binary}-${p.host}`}>
                  {t('health.logs.open')}
                </a>
              )}
            </td>
            <td className="time">{p.startedAt ? fmt.time(p.startedAt) : '-'}</td>
            <td>
              <RestartProcess process={p} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
