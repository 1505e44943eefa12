// A service's health word, the same on every screen (Services, the diagram, the process table):
// the lab decides it once (backend/shared/service-health.ts); this only draws it, with why.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { HealthState, ServiceHealth } from '../../../contract/service-health';

const TONE: Record<HealthState, string> = {
  up: 'ok',
  down: 'bad',
  failing: 'bad',
  stopped: 'bad',
  starting: 'busy',
  restarting: 'busy',
  unknown: 'neutral',
};

/** How a process ended: its signal's name, or its exit code in words. */
export function exitText(t: TFunction, exit: { signal?: string | null; code?: string | number | null }): string {
  if (exit.signal) return String(exit.signal);
  if (exit.code === '' || exit.code === null || exit.code === undefined) return t('health.exit.unknown');
  return t('health.exit.code', { code: exit.code });
}

/** Why the service is in its state, in the learner's language. */
export function healthReason(t: TFunction, h: ServiceHealth): string {
  const p = h.params;
  return t(`health.reason.${h.reason}`, { ...p, exit: exitText(t, { signal: p.signal as string, code: p.code }) });
}

export function healthFor(all: readonly ServiceHealth[] | undefined, binary: string, host: string): ServiceHealth | undefined {
  return all?.find((h) => h.binary === binary && h.host === host);
}

export function HealthBadge({ health, testId, withReason }: { health: ServiceHealth; testId?: string; withReason?: boolean }) {
  const { t } = useTranslation();
  const why = healthReason(t, health);
  return (
    <span className="health" data-testid={testId} data-health={health.state} title={why}>
      <span className={`status status-${TONE[health.state]}`} data-testid={testId && `${testId}-word`}>
        {t(`health.state.${health.state}`)}
      </span>
      {withReason && (
        <span className="muted small health-why" data-testid={testId && `${testId}-why`}>
          {' '}
          {why}
        </span>
      )}
    </span>
  );
}
