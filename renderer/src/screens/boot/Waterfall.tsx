// The boot as a waterfall across the services (boot-waterfall.ts): a lane per service, bars on
// a shared time axis, and lines for "waited for" between a bar and the one it waited for.
// Bars sit at percentages of the boot's span, so the panel keeps its shape at any width.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { durationParts } from '../../boot/boot-timing';
import { axisTicks, type Bar, type BarKind, type Waterfall as Model } from '../../boot/boot-waterfall';
import './waterfall.css';

const ROW = 18;
const LANE_PAD = 6;

export function formatDuration(t: TFunction, ms: number): string {
  const { unit, value } = durationParts(ms);
  return t(`waterfall.duration.${unit}`, { value });
}

function laneName(t: TFunction, id: string, driver: string | null): string {
  if (id !== 'guest') return id;
  return driver ? t('waterfall.guestLane', { driver: driver === 'qemu' ? 'QEMU' : driver }) : t('waterfall.guestLaneUnknown');
}

const KINDS: readonly BarKind[] = ['token', 'http', 'wait', 'work', 'cast', 'decide', 'fetch', 'serve', 'guest', 'boot'];

export function Waterfall({ model }: { model: Model }) {
  const { t } = useTranslation();
  const [hover, setHover] = useState<string | null>(null);
  const span = Math.max(model.t1 - model.t0, 1);
  const pct = (at: number) => ((at - model.t0) / span) * 100;
  const ticks = useMemo(() => axisTicks(model.t1 - model.t0), [model.t0, model.t1]);

  // Each lane's rows, top to bottom, for the links drawn across lanes.
  const layout = useMemo(() => {
    const rowOf = new Map<string, number>();
    const tops: number[] = [];
    let y = 0;
    for (const lane of model.lanes) {
      tops.push(y);
      lane.tracks.forEach((track, i) => track.forEach((b) => rowOf.set(b.id, y + LANE_PAD / 2 + i * ROW + ROW / 2)));
      y += lane.tracks.length * ROW + LANE_PAD;
    }
    return { rowOf, tops, height: y };
  }, [model]);

  if (!model.bars.length)
    return (
      <section className="waterfall" data-testid="waterfall">
        <h3>{t('waterfall.title')}</h3>
        <p className="muted">{t('waterfall.empty')}</p>
      </section>
    );

  const byId = new Map(model.bars.map((b) => [b.id, b]));
  const laneOf = (b: Bar) => laneName(t, b.lane, model.driver);
  const describe = (b: Bar) => {
    const parts = [
      t('waterfall.bar', {
        lane: laneOf(b),
        kind: t(`waterfall.kind.${b.kind}`),
        label: b.label,
        duration: formatDuration(t, b.end - b.start),
        at: formatDuration(t, b.start - model.t0),
      }),
    ];
    if (b.step) parts.push(t('waterfall.barStep', { n: b.step }));
    for (const l of model.links) {
      if (l.from === b.id) {
        const to = byId.get(l.to)!;
        parts.push(t('waterfall.waitedFor', { lane: laneOf(to), label: to.label }));
      }
      if (l.to === b.id) parts.push(t('waterfall.waitedBy', { lane: laneOf(byId.get(l.from)!) }));
    }
    if (b.open) parts.push(t('waterfall.open'));
    if (b.failed) parts.push(t('waterfall.failed'));
    return parts.join(' · ');
  };
  const hovered = hover ? byId.get(hover) : undefined;
  const related = new Set(hover ? model.links.flatMap((l) => (l.from === hover || l.to === hover ? [l.from, l.to] : [])) : []);
  const present = KINDS.filter((k) => model.bars.some((b) => b.kind === k));

  return (
    <section className="waterfall" data-testid="waterfall">
      <h3>{t('waterfall.title')}</h3>
      <p className="lead">{t('waterfall.lead')}</p>
      <p className="muted small" data-testid="waterfall-total">
        {t('waterfall.total', { duration: formatDuration(t, model.t1 - model.t0), count: model.lanes.length })}
      </p>
      <div className="wf-chart">
        <div className="wf-axis-row">
          <div className="wf-label muted small">{t('waterfall.lanes')}</div>
          <div className="wf-axis" aria-label={t('waterfall.axis')}>
            {ticks.map((v) => (
              <span key={v} className="wf-tick" style={{ left: `${(v / span) * 100}%` }}>
                {v === 0 ? '0' : formatDuration(t, v)}
              </span>
            ))}
          </div>
        </div>
        <div className="wf-body">
          {model.lanes.map((lane) => (
            <div key={lane.id} className={`wf-lane wf-lane-${lane.kind}`} data-testid="waterfall-lane" data-lane={lane.id}>
              <div className="wf-label" title={lane.id}>
                {laneName(t, lane.id, model.driver)}
              </div>
              <div className="wf-rows" style={{ height: lane.tracks.length * ROW + LANE_PAD }}>
                {ticks.map((v) => (
                  <span key={v} className="wf-grid-line" style={{ left: `${(v / span) * 100}%` }} />
                ))}
                {lane.tracks.map((track, i) =>
                  track.map((b) => (
                    <span
                      key={b.id}
                      className={`wf-bar wf-${b.kind}${b.open ? ' wf-open' : ''}${b.failed ? ' wf-failed' : ''}${hover === b.id ? ' wf-hovered' : ''}${related.has(b.id) && hover !== b.id ? ' wf-related' : ''}`}
                      style={{
                        left: `${pct(b.start)}%`,
                        width: `${Math.max(pct(b.end) - pct(b.start), 0)}%`,
                        top: LANE_PAD / 2 + i * ROW + 3,
                      }}
                      tabIndex={0}
                      role="img"
                      aria-label={describe(b)}
                      title={describe(b)}
                      onMouseEnter={() => setHover(b.id)}
                      onFocus={() => setHover(b.id)}
                      data-testid="waterfall-bar"
                      data-bar={b.id}
                      data-kind={b.kind}
                      data-label={b.label}
                      data-lane={b.lane}
                      data-start={b.start - model.t0}
                      data-ms={b.end - b.start}
                      data-seq={b.seq}
                      data-step={b.step ?? ''}
                    />
                  )),
                )}
              </div>
            </div>
          ))}
          <svg className="wf-links" height={layout.height} aria-hidden="true">
            <defs>
              <marker id="wf-arrow" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" markerHeight="6" orient="auto">
                <path d="M0,0 L6,3 L0,6 z" />
              </marker>
            </defs>
            {model.links.map((l) => {
              const from = byId.get(l.from)!;
              const to = byId.get(l.to)!;
              const y1 = layout.rowOf.get(from.id)!;
              const y2 = layout.rowOf.get(to.id)!;
              const x = `${pct(to.start)}%`;
              const on = hover === l.from || hover === l.to;
              return (
                <line
                  key={`${l.from}-${l.to}`}
                  className={`wf-link${on ? ' wf-link-on' : ''}`}
                  x1={x}
                  x2={x}
                  y1={y1 + (y2 > y1 ? 5 : -5)}
                  y2={y2 + (y2 > y1 ? -6 : 6)}
                  markerEnd="url(#wf-arrow)"
                  data-from={l.from}
                  data-to={l.to}
                />
              );
            })}
          </svg>
        </div>
      </div>
      <p className="wf-hover small" data-testid="waterfall-hover" aria-live="polite">
        {hovered ? describe(hovered) : <span className="muted">{t('waterfall.hoverHint')}</span>}
      </p>
      <div className="wf-legend small" aria-label={t('waterfall.legend')}>
        {present.map((k) => (
          <span key={k} className="wf-legend-item" data-testid="waterfall-legend-item" data-kind={k}>
            <span className={`wf-swatch wf-${k}`} aria-hidden="true" />
            {t(`waterfall.kind.${k}`)}
          </span>
        ))}
      </div>
    </section>
  );
}
