// What the services said while they carried out one instance action (stop, resize, rebuild,
// a snapshot…): the lab's event lines of its request, in the learner's language, while the
// lab's event log still keeps them. Nova's own record of the action is the row above it.
import { useTranslation } from 'react-i18next';
import type { LabEvent } from '../../../../contract/events';
import { Message } from '../../components/Message';
import { useFormat } from '../../i18n/format';

/** The lines worth reading: not step mode's own bookkeeping (holds, the announcements to the lab topic). */
export const isActionLine = (e: LabEvent): boolean => e.kind !== 'hold' && !(e.kind.startsWith('rpc.') && e.topic === 'lab');

export function ActionLines({ action, requestId, events }: { action: string; requestId: string; events: readonly LabEvent[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  if (events.length === 0) return null;
  return (
    <details className="action-lines" data-testid={`history-lines-${action}`} data-request-id={requestId}>
      <summary className="small">{t('actionLines.title', { count: events.length })}</summary>
      <ol className="action-lines-list small">
        {events.map((e) => (
          <li key={e.seq} data-testid="history-line" data-kind={e.kind}>
            <span className="time">{fmt.time(e.ts)}</span> <code>{e.source}</code>{' '}
            <span className="muted">{t(`eventKinds.${e.kind}`, { defaultValue: e.kind })}</span>{' '}
            <span data-testid="history-line-text">{e.message ? <Message message={e.message} fallback={e.summary} /> : e.summary}</span>
          </li>
        ))}
      </ol>
    </details>
  );
}
