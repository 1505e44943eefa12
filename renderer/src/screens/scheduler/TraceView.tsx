// One scheduling decision: host × filter (pass or the reason), weighers raw → normalized ×
// multiplier, the ranking, the random subset and the chosen host; for NoValidHost, the
// filter that emptied the list stands out with every host's reason.
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import type { ScheduleTrace } from '../../../../contract/scheduler';
import { claimLimits, filterGrid, fmt, weightRows } from './trace-table';
import { Message } from '../../components/Message';

export function TraceView({ trace, focused = false }: { trace: ScheduleTrace; focused?: boolean }) {
  const { t } = useTranslation();
  const when = useFormat();
  const ref = useRef<HTMLElement>(null);
  // Opened from the walkthrough for this decision: bring it into view once it is there.
  useEffect(() => {
    if (focused) ref.current?.scrollIntoView?.({ block: 'start' });
  }, [focused]);
  const grid = filterGrid(trace);
  const weights = weightRows(trace);
  const limits = claimLimits(trace);
  const failed = !trace.chosen;
  return (
    <section
      ref={ref}
      className={focused ? 'card trace trace-focused' : 'card trace'}
      data-testid="scheduler-trace"
      data-attempt={trace.attempt}
      data-kind={trace.kind ?? 'boot'}
      data-request-id={trace.request_id}
      data-focused={focused ? 'true' : undefined}
    >
      <div className="trace-head">
        <h3>
          {t('scheduler.attempt', { n: trace.attempt })}
          {trace.kind && trace.kind !== 'boot' ? (
            <span className="trace-kind" data-testid="scheduler-kind">
              {' '}
              · {t(`scheduler.kind_${trace.kind}`)}
            </span>
          ) : null}
        </h3>
        {trace.chosen ? (
          <span className="status status-ok" data-testid="scheduler-chosen">
            {t('scheduler.chosen', { host: trace.chosen })}
          </span>
        ) : (
          <span className="status status-bad" data-testid="scheduler-novalidhost">
            {t('statesText.noValidHost')}
          </span>
        )}
        <span className="muted small">
          {trace.request_id} · {when.time(trace.started_at)}
        </span>
      </div>
      {trace.error && (
        <div className="error-box" data-testid="scheduler-error">
          <div className="error-message">
            {trace.error_message ? <Message message={trace.error_message} fallback={trace.error} /> : trace.error}
          </div>
        </div>
      )}
      {failed && trace.emptied_by && (
        <p className="emptied" data-testid="scheduler-emptied-by">
          {t('scheduler.emptiedBy', { filter: trace.emptied_by })}
        </p>
      )}

      <h4>{t('scheduler.filters')}</h4>
      <p className="muted small">{t('scheduler.filtersHelp')}</p>
      <div className="scroll-x">
        <table className="table grid" data-testid="scheduler-filter-table">
          <thead>
            <tr>
              <th>{t('scheduler.host')}</th>
              {grid.filters.map((f) => (
                <th
                  key={f.name}
                  className={f.emptied ? 'emptied-col' : ''}
                  data-testid={`filter-col-${f.name}`}
                  data-emptied={f.emptied ? 'true' : 'false'}
                >
                  {f.name}
                  <div className="muted small">{t('scheduler.startEnd', { start: f.start, count: f.end })}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {grid.rows.map((r) => (
              <tr key={r.host} data-testid={`filter-row-${r.host}`}>
                <th>{r.host}</th>
                {r.cells.map((c, i) => {
                  const f = grid.filters[i]!;
                  const cls = `${c.kind} ${f.emptied ? 'emptied-col' : ''}`;
                  return (
                    <td key={f.name} className={cls} data-testid={`filter-cell-${r.host}-${f.name}`} data-result={c.kind}>
                      {c.kind === 'pass' ? (
                        '✓'
                      ) : c.kind === 'reject' ? (
                        c.message ? (
                          <Message message={c.message} fallback={c.reason} />
                        ) : (
                          c.reason
                        )
                      ) : (
                        '—'
                      )}
                    </td>
                  );
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>

      {trace.weighers.length > 0 && weights.length > 0 && (
        <>
          <h4>{t('scheduler.weighers')}</h4>
          <p className="muted small">{t('scheduler.weighersHelp')}</p>
          <div className="scroll-x">
            <table className="table" data-testid="weigher-table">
              <thead>
                <tr>
                  <th>{t('scheduler.rank')}</th>
                  <th>{t('scheduler.host')}</th>
                  {trace.weighers.map((w) => (
                    <th key={w.name}>
                      {w.name}
                      <div className="muted small">{t('scheduler.rawNorm', { m: w.multiplier })}</div>
                    </th>
                  ))}
                  <th>{t('scheduler.weight')}</th>
                  <th>{t('scheduler.subset')}</th>
                </tr>
              </thead>
              <tbody>
                {weights.map((w) => (
                  <tr key={w.host} className={w.chosen ? 'chosen' : ''} data-testid={`weigher-row-${w.host}`}>
                    <td className="num">{w.rank ?? '-'}</td>
                    <th>
                      {w.host}
                      {w.chosen ? ' ★' : ''}
                    </th>
                    {w.parts.map((p) => (
                      <td key={p.name} className="num">
                        {fmt(p.raw, 1)} → {fmt(p.normalized)} × {fmt(p.multiplier, 1)} ={' '}
                        {p.normalized === null ? '-' : fmt(p.normalized * p.multiplier)}
                      </td>
                    ))}
                    <td className="num">
                      <strong>{fmt(w.total)}</strong>
                    </td>
                    <td>{w.inSubset ? t('scheduler.inSubset') : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <p className="muted small" data-testid="scheduler-subset">
            {t('scheduler.subsetText', { size: trace.subset_size, hosts: trace.subset.join(', ') || '-', chosen: trace.chosen ?? '-' })}
          </p>
        </>
      )}
      {limits.length > 0 && (
        <p className="muted small" data-testid="scheduler-limits">
          {t('scheduler.limits', { host: trace.chosen })}{' '}
          {limits
            .map((l) =>
              l.limit === null
                ? t('scheduler.noLimit', { resource: l.resource, filter: l.setBy })
                : t('scheduler.limit', { resource: l.resource, limit: fmt(l.limit, 1), filter: l.setBy }),
            )
            .join(' · ')}
        </p>
      )}
    </section>
  );
}
