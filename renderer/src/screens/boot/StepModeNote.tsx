// On a step card in step mode: where the request waits (service, host, pid, worker) and, where
// the lab's real order differs from the course's, what really happens.
import { useTranslation } from 'react-i18next';
import type { Hold } from '../../api/lab';
import type { StepView } from '../../boot/boot-model';
import { orderNotes, placeText } from '../../boot/step-mode-notes';

export function StepModeNote({ step, holds }: { step: StepView; holds: readonly Hold[] }) {
  const { t } = useTranslation();
  const notes = orderNotes(step.id, step.hold, holds);
  const place = step.hold?.holder ? placeText(step.hold.holder) : null;
  if (!place && notes.length === 0) return null;
  return (
    <div className="stepmode-note" data-testid={`step-mode-note-${step.n}`}>
      {place && (
        <div className="stepmode-where" data-testid={`held-where-${step.n}`}>
          {t('stepMode.heldCard', { place: t(place.key, place.params) })}
        </div>
      )}
      {notes.length > 0 && (
        <div className="stepmode-order" data-testid={`order-note-${step.n}`}>
          <span className="stepmode-order-title">{t('stepMode.orderTitle')}:</span> {notes.map((n) => t(n.key, n.params)).join(' ')}
        </div>
      )}
    </div>
  );
}
