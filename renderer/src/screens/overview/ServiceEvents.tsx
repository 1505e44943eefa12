// The lab's own life as events: a service process that ended without being asked to (a crash,
// with the signal or exit code that ended it and what the supervisor does about it), that came
// back, or that failed to start again; and a restart someone asked for. Read from the event stream (kind "service", detail per
// contract/service-health.ts), so a crash shows the moment it happens.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { LabEvent } from '../../../../contract/events';
import type { ServiceLifeDetail } from '../../../../contract/service-health';
import { useLabEvents } from '../../hooks/use-events';
import { href } from '../../hooks/use-route';
import { exitText } from '../../components/HealthBadge';
import { useFormat } from '../../i18n/format';
import { useSession } from '../../session/session';

const LIFE = new Set(['crash', 'back', 'start_failed', 'restarted']);
const isLife = (e: LabEvent) => e.kind === 'service' && LIFE.has((e.detail as Partial<ServiceLifeDetail> | undefined)?.event ?? '');

/** The newest events shown. */
const SHOWN = 20;

function planText(t: TFunction, d: ServiceLifeDetail): string {
  if (!d.plan) return '';
  return d.plan.action === 'restart'
    ? t('health.plan.restart', { ms: d.plan.delay_ms })
    : t('health.plan.backoff', { failures: d.plan.failures, seconds: Math.round(d.plan.delay_ms / 1000) });
}

export function ServiceEvents() {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { session } = useSession();
  const events = useLabEvents(isLife).slice(-SHOWN).reverse();
  return (
    <section className="card" data-testid="service-events">
      <h3>{t('health.events.title')}</h3>
      <p className="muted small">{t('health.events.lead')}</p>
      {events.length === 0 && <p className="muted">{t('health.events.none')}</p>}
      <ul className="service-events">
        {events.map((e) => {
          const d = e.detail as ServiceLifeDetail;
          const service =
            d.binary === 'nova-compute'
              ? `${d.binary}@${d.host}`
              : d.worker
                ? t('health.event.worker', { binary: d.binary, role: d.worker.role })
                : d.binary;
          const exit = d.exit ? exitText(t, d.exit) : t('health.exit.unknown');
          return (
            <li
              key={e.seq}
              data-testid="service-event"
              data-event={d.event}
              data-service={d.binary === 'nova-compute' ? `${d.binary}@${d.host}` : d.binary}
              data-worker={d.worker?.role ?? ''}
              data-signal={d.exit?.signal ?? ''}
              className={`service-event service-event-${d.event}`}
            >
              <span className="time">{fmt.time(e.ts)}</span>{' '}
              <strong>{t(`health.event.${d.event}`, { service, pid: d.pid ?? '-', exit, restarts: d.restarts })}</strong>
              {d.plan && <span data-testid="service-event-plan"> · {planText(t, d)}</span>}{' '}
              {session.isAdmin && (
                <a href={href('logs', d.binary, d.host)} data-testid="service-event-logs">
                  {t('health.logs.open')}
                </a>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
