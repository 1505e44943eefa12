// A coloured status word (ACTIVE, BUILD, ERROR, up, down…).
export function Status({ value, testId }: { value: string | null | undefined; testId?: string }) {
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
    <span className={`status status-${tone}`} data-testid={testId}>
      {v}
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
