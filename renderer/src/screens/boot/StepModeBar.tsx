// Step mode: hold the real request before each step until Next; Continue lets it run. The
// banner names the process that holds the request, and says when the request on screen has
// ended (nothing of it will be held again) rather than promising a next step.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import type { useStepMode } from '../../hooks/use-step-mode';
import type { Hold } from '../../api/lab';
import type { StepView } from '../../boot/boot-model';
import { bannerState, heldLine, placeText, type BannerState } from '../../boot/step-mode-notes';

type StepMode = ReturnType<typeof useStepMode>;

/** "Held in nova-conductor (pid 1234) before step 6: …", in the learner's language. */
export function heldText(t: TFunction, h: Hold): string {
  const place = h.holder ? placeText(h.holder) : null;
  const line = heldLine(h, place ? t(place.key, place.params) : null);
  const title = line.key === 'stepMode.heldConsoleIn' ? t(`consoleSteps.${h.announcement.step}`) : t(`steps.${h.announcement.step}.title`);
  return t(line.key, { ...line.params, title });
}

function bannerText(t: TFunction, s: BannerState): string {
  switch (s.kind) {
    case 'held':
      return heldText(t, s.hold);
    case 'ended':
      return s.status === 'ERROR' && s.step !== null ? t('stepMode.ended.ERROR_at', { n: s.step }) : t(`stepMode.ended.${s.status}`);
    case 'waiting':
      return t('boot.waitingForStep');
    default:
      return t('boot.stepModeOff');
  }
}

export function StepModeBar({
  mode,
  requestId,
  view,
}: {
  mode: StepMode;
  requestId: string | null;
  /** The request on screen, when there is one: its steps and how it ended. */
  view?: { steps: readonly StepView[]; finished: 'ACTIVE' | 'ERROR' | null };
}) {
  const { t } = useTranslation();
  const mine = mode.holds.filter((h) => !requestId || h.ctx.request_id === requestId);
  const others = mode.holds.length - mine.length;
  const state = bannerState(mode.enabled, mine, view?.steps ?? null, view?.finished ?? null);
  return (
    <div className={`stepmode ${mode.enabled ? 'on' : ''}`} data-testid="step-mode-bar">
      <label className="switch">
        <input
          type="checkbox"
          checked={mode.enabled}
          disabled={mode.busy}
          onChange={(e) => void mode.setEnabled(e.target.checked)}
          data-testid="step-mode-toggle"
        />
        <span>{t('boot.stepMode')}</span>
      </label>
      <button
        type="button"
        disabled={mode.busy || mode.holds.length === 0}
        onClick={() => void mode.next(mine.length ? (requestId ?? undefined) : undefined)}
        data-testid="step-next"
      >
        {t('boot.next')}
      </button>
      <button type="button" disabled={mode.busy || !mode.enabled} onClick={() => void mode.continueAll()} data-testid="step-continue">
        {t('boot.continue')}
      </button>
      <span className="held" data-testid="held-step" data-state={state.kind} aria-live="polite">
        {bannerText(t, state)}
        {others > 0 && <span className="muted"> · {t('boot.otherHolds', { count: others })}</span>}
      </span>
      {mode.error && <span className="field-error">{mode.error}</span>}
      <span className="muted small stepmode-help">{t('boot.stepModeHelp')}</span>
    </div>
  );
}
