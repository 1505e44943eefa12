// The true statement shown where a scheduling decision would be linked when there is none:
// why nova-scheduler made none (or why the lab no longer has it). Never a link to an empty page.
import { useTranslation } from 'react-i18next';
import type { NoDecision } from '../../boot/no-decision';
import { useFormat } from '../../i18n/format';

export function NoDecisionNote({
  missing,
  testId,
  className = 'step-summary',
}: {
  missing: NoDecision;
  testId: string;
  className?: string;
}) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const text =
    missing.reason === 'scheduler_died'
      ? t('walkById.noDecision.scheduler_died', {
          count: missing.deaths,
          how: missing.signal
            ? t('walkById.exitSignal', { signal: missing.signal })
            : t('walkById.exitCode', { code: missing.code ?? '?' }),
          time: fmt.time(missing.at),
        })
      : t(`walkById.noDecision.${missing.reason}`);
  return (
    <div className={className} data-testid={testId} data-reason={missing.reason}>
      {text}
      {missing.reason === 'fault' && (
        <>
          {' '}
          <code>{missing.fault}</code>
        </>
      )}
    </div>
  );
}
