// Labs: guided steps from the course, each checked against the live lab (processes,
// nova.conf, hosts, servers) every few seconds; completed steps stay completed.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { href } from '../../hooks/use-route';
import { LABS } from '../../labs/content';
import { evaluate, type Lab, type LabSnapshot, type LabText } from '../../labs/lab-model';
import { ErrorBox } from '../../components/ErrorBox';

const STORE = 'novalab.labs.completed';
/** Typed answers outlive a visit to the screen a step links to (and a reload). */
const ANSWERS = 'novalab.labs.answers';

function loadCompleted(): Record<string, boolean> {
  try {
    return JSON.parse(localStorage.getItem(STORE) ?? '{}') as Record<string, boolean>;
  } catch {
    return {};
  }
}

function loadAnswers(labId: string): Record<string, string> {
  try {
    return (JSON.parse(localStorage.getItem(ANSWERS) ?? '{}') as Record<string, Record<string, string>>)[labId] ?? {};
  } catch {
    return {};
  }
}

function saveAnswers(labId: string, answers: Record<string, string>): void {
  try {
    const all = JSON.parse(localStorage.getItem(ANSWERS) ?? '{}') as Record<string, Record<string, string>>;
    all[labId] = answers;
    localStorage.setItem(ANSWERS, JSON.stringify(all));
  } catch {
    /* storage unavailable */
  }
}

function useText() {
  const { i18n } = useTranslation();
  return (x: LabText) => (i18n.language === 'zh-CN' ? x['zh-CN'] : x.en);
}

export function LabsPanel() {
  const { t } = useTranslation();
  const { lab, compute } = useSession();
  const snapshot = usePoll<LabSnapshot>(
    async () => {
      const [svc, conf, hypervisors, servers, serverGroups] = await Promise.all([
        lab.services(),
        lab.config(),
        compute.hypervisors().catch(() => []),
        compute.listServers().catch(() => []),
        compute.serverGroups().catch(() => []),
      ]);
      return { processes: svc.processes, config: conf.values, hypervisors, servers, serverGroups };
    },
    3000,
    [lab, compute],
  );
  return (
    <div className="screen">
      <h2>{t('labs.title')}</h2>
      <p className="lead">{t('labs.lead')}</p>
      <ErrorBox what={t('labs.snapshotFailed')} error={snapshot.error} />
      {LABS.map((l) => (
        <LabCard key={l.id} lab={l} snap={snapshot.data} />
      ))}
    </div>
  );
}

function LabCard({ lab, snap }: { lab: Lab; snap: LabSnapshot | null }) {
  const { t } = useTranslation();
  const text = useText();
  const [answers, setAnswersState] = useState<Record<string, string>>(() => loadAnswers(lab.id));
  const setAnswers = (next: Record<string, string>) => {
    setAnswersState(next);
    saveAnswers(lab.id, next);
  };
  const [completed, setCompleted] = useState<Record<string, boolean>>(loadCompleted);
  const results = lab.steps.map((s) => (snap ? evaluate(s.check, snap, answers[s.id]) : null));

  useEffect(() => {
    const newly = lab.steps.filter((s, i) => results[i]?.ok && !completed[`${lab.id}/${s.id}`]);
    if (!newly.length) return;
    const next = { ...completed };
    for (const s of newly) next[`${lab.id}/${s.id}`] = true;
    setCompleted(next);
    try {
      localStorage.setItem(STORE, JSON.stringify(next));
    } catch {
      /* storage unavailable */
    }
  });

  const done = lab.steps.filter((s) => completed[`${lab.id}/${s.id}`]).length;
  const reset = () => {
    const next = { ...completed };
    for (const s of lab.steps) delete next[`${lab.id}/${s.id}`];
    setCompleted(next);
    setAnswers({});
    try {
      localStorage.setItem(STORE, JSON.stringify(next));
    } catch {
      /* storage unavailable */
    }
  };

  return (
    <section className="card lab" data-testid={`lab-${lab.id}`}>
      <div className="lab-head">
        <h3>{text(lab.title)}</h3>
        <span className="lab-progress" data-testid="lab-progress">
          {t('labs.progress', { done, total: lab.steps.length })}
        </span>
        <button type="button" className="link small" onClick={reset}>
          {t('labs.reset')}
        </button>
      </div>
      <div className="bar-track">
        <div className="bar-fill bar-low" style={{ width: `${(done / lab.steps.length) * 100}%` }} />
      </div>
      <p>{text(lab.summary)}</p>
      <ol className="lab-steps">
        {lab.steps.map((s, i) => {
          const ok = !!completed[`${lab.id}/${s.id}`];
          const r = results[i];
          return (
            <li
              key={s.id}
              className={`lab-step ${ok ? 'lab-done' : ''}`}
              data-testid={`lab-step-${s.id}`}
              data-done={ok ? 'true' : 'false'}
            >
              <div className="lab-step-title">
                <span className="lab-check">{ok ? '✓' : i + 1}</span>
                {text(s.title)}
              </div>
              <p>{text(s.body)}</p>
              {s.answer && (
                <label className="lab-answer">
                  {text(s.answer.label)}
                  <input
                    inputMode="numeric"
                    value={answers[s.id] ?? ''}
                    onChange={(e) => setAnswers({ ...answers, [s.id]: e.target.value })}
                    data-testid={`lab-answer-${s.id}`}
                  />
                </label>
              )}
              {s.answer && !ok && r?.answer === 'wrong' && (
                <div className="lab-feedback lab-feedback-wrong" role="status" data-testid={`lab-feedback-${s.id}`} data-verdict="wrong">
                  {t('labs.answerWrong', { answer: answers[s.id]!.trim() })}
                </div>
              )}
              {s.answer && !ok && r?.answer === 'pending' && (
                <div className="lab-feedback muted" role="status" data-testid={`lab-feedback-${s.id}`} data-verdict="pending">
                  {t('labs.answerPending', { answer: answers[s.id]!.trim() })}
                </div>
              )}
              <div className="small">
                {ok ? (
                  <span className="status status-ok">{t('labs.passed')}</span>
                ) : r ? (
                  <span className="muted">{t('labs.notYet')}</span>
                ) : (
                  <span className="muted">{t('labs.checking')}</span>
                )}
                {s.goto && (
                  <>
                    {' '}
                    · <a href={href(s.goto)}>{t(`nav.${s.goto}`)}</a>
                  </>
                )}
              </div>
              {!ok && s.hint && (
                <details className="small">
                  <summary>{t('labs.hint')}</summary>
                  {text(s.hint)}
                </details>
              )}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
