// After the twelve boot steps: each later scheduling of the instance (resize, cold migration,
// unshelve) with its outcome and a link to that decision in the scheduler view. Read from
// the saved traces, not from events, so it is there after a reload.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { href } from '../../hooks/use-route';
import { laterSchedulings } from '../../boot/later-scheduling';

export function LaterScheduling({ serverId }: { serverId: string }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { compute } = useSession();
  // A student resizes or migrates while the walkthrough is open: poll, slowly.
  const traces = usePoll(() => compute.schedulerTraces(serverId), 5000, [compute, serverId]);
  const entries = useMemo(() => laterSchedulings(traces.data ?? []), [traces.data]);
  if (entries.length === 0) return null;
  return (
    <section className="card later-scheduling" data-testid="later-scheduling">
      <h3>{t('boot.later.title')}</h3>
      <p className="muted small">{t('boot.later.lead')}</p>
      <ol className="later-list">
        {entries.map((e) => (
          <li key={`${e.kind}-${e.requestId}`} data-testid="later-entry" data-kind={e.kind} data-host={e.host ?? ''}>
            <strong data-testid="later-kind">{t(`scheduler.kind_${e.kind}`)}</strong> <span className="muted small">{fmt.time(e.at)}</span>{' '}
            {e.host ? (
              <span className="status status-ok" data-testid="later-host">
                {t('scheduler.chosen', { host: e.host })}
              </span>
            ) : (
              <span className="status status-bad" data-testid="later-novalidhost" title={e.error ?? undefined}>
                {t('statesText.noValidHost')}
              </span>
            )}{' '}
            <a className="link" href={href('scheduler', serverId, e.requestId)} data-testid="later-open">
              {t('boot.openScheduler')}
            </a>
          </li>
        ))}
      </ol>
    </section>
  );
}
