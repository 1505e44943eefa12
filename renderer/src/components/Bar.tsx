// A used-vs-capacity bar: `used` of `total` (and an optional over-commit limit).
export function Bar({ used, total, label, testId }: { used: number; total: number; label: string; testId?: string }) {
  const pct = total > 0 ? Math.min(100, (used / total) * 100) : 0;
  const level = pct >= 90 ? 'high' : pct >= 60 ? 'mid' : 'low';
  return (
    <div className="bar" data-testid={testId}>
      <div className="bar-label">
        <span>{label}</span>
        <span className="bar-figures">
          {used} / {total}
        </span>
      </div>
      <div className="bar-track" role="progressbar" aria-valuenow={used} aria-valuemin={0} aria-valuemax={total}>
        <div className={`bar-fill bar-${level}`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}
