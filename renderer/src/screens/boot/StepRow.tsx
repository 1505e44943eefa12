// One step of the boot flow: number, the course's words, status, the real message, and —
// expanded — what the GUI sent or got and every event behind it.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDateTime, useFormat } from '../../i18n/format';
import type { TFunction } from 'i18next';
import type { StepView, ImageProgress } from '../../boot/boot-model';
import type { StepMessage } from '../../boot/boot-steps-table';
import { JsonView } from '../../components/JsonView';
import type { Hold } from '../../api/lab';
import { StepModeNote } from './StepModeNote';
import type { NoDecision } from '../../boot/no-decision';
import { NoDecisionNote } from './NoDecisionNote';
import { formatDuration } from './Waterfall';
import { Message } from '../../components/Message';

function Progress({ images }: { images: ImageProgress[] }) {
  const { t } = useTranslation();
  if (!images.length) return null;
  return (
    <div className="image-progress" data-testid="image-progress">
      {images.map((i) => {
        const pct = i.cached ? 100 : i.total ? Math.min(100, (i.bytes / i.total) * 100) : 0;
        return (
          <div key={i.name} className="bar">
            <div className="bar-label">
              <span>{i.name}</span>
              <span className="bar-figures">
                {i.cached
                  ? t('boot.cached')
                  : `${(i.bytes / 1024 / 1024).toFixed(1)} / ${i.total ? (i.total / 1024 / 1024).toFixed(1) : '?'} MiB`}
              </span>
            </div>
            <div className="bar-track">
              <div className="bar-fill bar-low" style={{ width: `${pct}%` }} />
            </div>
          </div>
        );
      })}
    </div>
  );
}

/** The QEMU command line from step 10's detail, as a shell would show it. */
function commandLine(step: StepView): string | null {
  for (const e of step.events) {
    const c = (e.detail as { command?: { binary?: string; args?: string[] } } | undefined)?.command;
    if (c?.binary && Array.isArray(c.args)) {
      const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
      return [c.binary, ...c.args.map(q)].join(' ');
    }
  }
  return null;
}

/** A line the GUI built, in the learner's language; listed names translated one by one. */
function messageText(t: TFunction, lang: string, m: StepMessage): string {
  const params: Record<string, string | number> = { ...m.params };
  for (const p of m.times ?? []) params[p] = formatDateTime(String(params[p] ?? ''), lang);
  for (const [p, prefix] of Object.entries(m.translate ?? {}))
    params[p] = String(params[p] ?? '')
      .split(', ')
      .map((x) => t(`${prefix}.${x}`, { defaultValue: x }))
      .join(', ');
  return t(m.key, params);
}

/** `decisionLink`: the scheduler view of this request's decision, only when there is one; `missing`: why there is none. */
export function StepRow({
  step,
  images,
  decisionLink,
  missing,
  holds = [],
}: {
  step: StepView;
  images: ImageProgress[];
  decisionLink: string | null;
  missing: NoDecision | null;
  /** Step mode's holds of this request (for the notes on steps waiting on another). */
  holds?: readonly Hold[];
}) {
  const { t, i18n } = useTranslation();
  const fmt = useFormat();
  const [open, setOpen] = useState(false);
  // The instance's fault after the step's own line: by code when the lab gave one.
  const faultPart = step.fault && (
    <>
      {' — '}
      <span data-from="lab">{step.faultMessage ? <Message message={step.faultMessage} fallback={step.fault} /> : step.fault}</span>
    </>
  );
  const row = useRef<HTMLLIElement>(null);
  const autoOpened = useRef(false);
  // A newly held step opens and comes into view: it is what the learner is to read now. Once
  // released it closes again, unless the learner toggled it meanwhile.
  const holdId = step.hold?.id ?? null;
  useEffect(() => {
    if (holdId === null) {
      if (autoOpened.current) setOpen(false);
      autoOpened.current = false;
      return;
    }
    setOpen(true);
    autoOpened.current = true;
    row.current?.scrollIntoView({ block: 'center', behavior: 'smooth' });
  }, [holdId]);
  const toggle = () => {
    autoOpened.current = false;
    setOpen(!open);
  };
  const evs = step.events.filter((e) => e.kind !== 'progress' || e.step !== 'compute.image');
  const timed = !!step.span && (step.status === 'done' || step.status === 'error');
  return (
    <li ref={row} className={`step step-${step.status}`} data-testid={`boot-step-${step.n}`} data-status={step.status} data-step={step.id}>
      <button
        type="button"
        className="step-head"
        onClick={toggle}
        aria-expanded={open}
        aria-controls={`boot-step-detail-${step.n}`}
        title={t(open ? 'waterfall.collapse' : 'waterfall.expand', { n: step.n })}
        data-testid={`boot-step-toggle-${step.n}`}
      >
        <span className="step-n">{step.n}</span>
        <span className="step-text">
          <span className="step-title">{t(`steps.${step.id}.title`)}</span>
          <span className="step-course">{t(`steps.${step.id}.course`)}</span>
        </span>
        {/* Only a finished step has a duration; a running one has no end yet. */}
        {timed ? (
          <span
            className="step-duration"
            data-testid={`boot-step-duration-${step.n}`}
            data-ms={step.span!.ms}
            title={t('waterfall.stepTook', { duration: formatDuration(t, step.span!.ms) })}
          >
            {formatDuration(t, step.span!.ms)}
          </span>
        ) : (
          <span />
        )}
        <span className={`step-badge badge-${step.status}`}>{t(`boot.status.${step.status}`)}</span>
        <span className="step-chevron" aria-hidden="true">
          ▸
        </span>
      </button>
      {step.summary && (
        // The GUI's own lines in the learner's language; the lab's event lines as the lab wrote them.
        <div className="step-summary" data-testid={`boot-step-summary-${step.n}`} data-from={step.message ? 'gui' : 'lab'}>
          {step.message ? (
            <>
              {messageText(t, i18n.language, step.message)}
              {faultPart}
            </>
          ) : step.labMessage ? (
            <>
              <Message message={step.labMessage} fallback={step.summary} />
              {faultPart}
            </>
          ) : step.fault !== null && step.faultMessage && step.summary === step.fault ? (
            <Message message={step.faultMessage} fallback={step.fault} />
          ) : (
            step.summary
          )}
        </div>
      )}
      {(step.hold || holds.length > 0) && <StepModeNote step={step} holds={holds} />}
      {step.id === 'compute.image' && <Progress images={images} />}
      {step.id === 'scheduler.decide' && decisionLink && step.status !== 'pending' && (
        <a className="link small" href={decisionLink} data-testid="open-scheduler">
          {t('boot.openScheduler')}
        </a>
      )}
      {step.id === 'scheduler.decide' && missing && <NoDecisionNote missing={missing} testId="boot-no-decision" />}
      {open && (
        <div className="step-detail" id={`boot-step-detail-${step.n}`} data-testid={`boot-step-detail-${step.n}`}>
          <p className="muted small">{t(`steps.${step.id}.explain`)}</p>
          {step.hold && (
            <>
              <h4>{t('boot.heldMessage')}</h4>
              <JsonView value={step.hold.announcement} />
            </>
          )}
          {step.local !== null && step.local !== undefined && (
            <>
              <h4>{t('boot.guiSide')}</h4>
              <JsonView value={step.local} />
            </>
          )}
          {commandLine(step) && (
            <>
              <h4>{t('boot.commandLine')}</h4>
              <pre className="json wrap" data-testid="qemu-command">
                {commandLine(step)}
              </pre>
            </>
          )}
          {evs.length === 0 && step.local == null && <p className="muted">{t('boot.noEvents')}</p>}
          {evs.map((e) => (
            <div key={e.seq} className="event">
              <div className="event-head">
                <span className="event-kind" data-value={e.kind}>
                  {t(`eventKinds.${e.kind}`, { defaultValue: e.kind })}
                </span>
                <code className="event-source">{e.source}</code>
                {e.topic && (
                  <code>
                    {e.topic}.{e.method}
                  </code>
                )}
                <span className="time">{fmt.time(e.ts)}</span>
              </div>
              <div className="event-summary">{e.message ? <Message message={e.message} fallback={e.summary} /> : e.summary}</div>
              {e.detail !== undefined && <JsonView value={e.detail} />}
            </div>
          ))}
        </div>
      )}
    </li>
  );
}
