// Step mode: hold the real request before each step until Next; Continue lets it run.
import { useTranslation } from 'react-i18next';
import { bootStepNumber, BOOT_STEPS, type BootStepId } from '../../../../contract/boot-steps';
import type { useStepMode } from '../../hooks/use-step-mode';
import type { Hold } from '../../api/lab';

type StepMode = ReturnType<typeof useStepMode>;

function heldLabel(t: (k: string, o?: Record<string, unknown>) => string, h: Hold): string {
  const id = h.announcement.step;
  const boot = (BOOT_STEPS as readonly string[]).includes(id);
  return boot
    ? t('boot.heldStep', { n: bootStepNumber(id as BootStepId), title: t(`steps.${id}.title`) })
    : t('boot.heldOther', { step: id });
}

export function StepModeBar({ mode, requestId }: { mode: StepMode; requestId: string | null }) {
  const { t } = useTranslation();
  const mine = mode.holds.filter((h) => !requestId || h.ctx.request_id === requestId);
  const others = mode.holds.length - mine.length;
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
      <span className="held" data-testid="held-step" aria-live="polite">
        {mine[0] ? heldLabel(t, mine[0]) : mode.enabled ? t('boot.waitingForStep') : t('boot.stepModeOff')}
        {others > 0 && <span className="muted"> · {t('boot.otherHolds', { count: others })}</span>}
      </span>
      {mode.error && <span className="field-error">{mode.error}</span>}
      <span className="muted small stepmode-help">{t('boot.stepModeHelp')}</span>
    </div>
  );
}
