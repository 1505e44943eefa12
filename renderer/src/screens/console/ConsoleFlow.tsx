// The course's 14-step noVNC flow, drawn beside the console and lit by the real events.
import { useTranslation } from 'react-i18next';
import type { FlowStep } from './console-flow';
import { Message } from '../../components/Message';

export function ConsoleFlow({ steps }: { steps: FlowStep[] }) {
  const { t } = useTranslation();
  return (
    <div className="card console-flow" data-testid="console-flow">
      <h3>{t('console.flowTitle')}</h3>
      <ol className="flow">
        {steps.map((s) => (
          <li key={s.id} className={`flow-step flow-${s.status}`} data-testid={`console-step-${s.n}`} data-status={s.status}>
            <span className="flow-n">{s.n}</span>
            <span className="flow-text">
              <span>{t(`consoleSteps.${s.id}`)}</span>
              {s.summary && s.from === 'lab' && (
                <span className="flow-summary" data-from="lab">
                  {s.message ? <Message message={s.message} fallback={s.summary} /> : s.summary}
                </span>
              )}
              {s.summary && s.from === 'gui' && <code className="flow-summary">{s.summary}</code>}
              {!s.summary && s.id === 'browser.open' && s.status === 'done' && (
                <span className="flow-summary">{t('console.openedHere')}</span>
              )}
              {s.status === 'implied' && <span className="flow-summary muted">{t('console.implied')}</span>}
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
