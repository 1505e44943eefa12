// The history of scheduling decisions the lab still keeps for the viewer's instances, newest
// first; each opens in the scheduler view by instance id and request id, so it survives reloads.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerDetail } from '../../api/compute';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { href } from '../../hooks/use-route';
import { recentDecisions } from './recent-decisions';
import { useFormat } from '../../i18n/format';

export function RecentDecisions({ servers }: { servers: Pick<ServerDetail, 'id' | 'name'>[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { compute } = useSession();
  const ids = servers.map((s) => s.id).join(',');
  const traces = usePoll(
    () => Promise.all(servers.map(async (s) => ({ id: s.id, name: s.name, traces: await compute.schedulerTraces(s.id).catch(() => []) }))),
    10_000,
    [compute, ids],
  );
  const list = useMemo(() => recentDecisions(traces.data ?? []), [traces.data]);
  return (
    <section className="card" data-testid="recent-decisions">
      <h3>{t('walkById.recentTitle')}</h3>
      <p className="muted small">{t('walkById.recentLead')}</p>
      {traces.data && list.length === 0 && <p className="muted">{t('walkById.recentNone')}</p>}
      <ol className="later-list">
        {list.map((d) => (
          <li key={`${d.serverId}-${d.requestId}`} data-testid="recent-decision" data-server-id={d.serverId} data-request-id={d.requestId}>
            <a className="link" href={href('scheduler', d.serverId, d.requestId)}>
              {d.serverName}
            </a>{' '}
            <strong>{d.kind === 'boot' ? t('walkById.kindBoot') : t(`scheduler.kind_${d.kind}`)}</strong>{' '}
            <span className="muted small">{fmt.time(d.at)}</span>{' '}
            {d.host ? (
              <span className="status status-ok">{t('scheduler.chosen', { host: d.host })}</span>
            ) : (
              <span className="status status-bad">NoValidHost</span>
            )}
            {d.attempts > 1 && <span className="muted small"> · {t('walkById.attempt', { n: d.attempts })}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}
