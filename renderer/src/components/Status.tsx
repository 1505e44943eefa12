// A coloured status word (ACTIVE, BUILD, ERROR, up, down…), in the learner's language; the
// value itself stays in data-value for whoever reads the page as data.
import { useTranslation } from 'react-i18next';

export function Status({ value, testId, label }: { value: string | null | undefined; testId?: string; label?: string }) {
  const { t } = useTranslation();
  const v = (value ?? '-').toString();
  const k = v.toLowerCase();
  const tone = ['active', 'up', 'running', 'enabled', 'done', 'success'].includes(k)
    ? 'ok'
    : ['error', 'down', 'stopped', 'disabled', 'shutoff', 'crashed', 'failing'].includes(k)
      ? 'bad'
      : ['build', 'starting', 'restarting', 'reboot', 'hard_reboot', 'held'].includes(k)
        ? 'busy'
        : 'neutral';
  return (
    <span className={`status status-${tone}`} data-testid={testId} data-value={v}>
      {label ?? t(`states.${v}`, { defaultValue: v })}
    </span>
  );
}

export function Spinner({ label }: { label?: string }) {
  return (
    <span className="spinner" role="status" aria-label={label}>
      <span className="spinner-dot" />
      {label}
    </span>
  );
}
