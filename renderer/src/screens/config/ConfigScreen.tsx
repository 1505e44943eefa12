// nova.conf: the course's options from /lab/api/config, edited and validated by the lab
// (errors shown as it words them), saved, and applied by restarting the service they name.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConfOption } from '../../../../contract/nova-conf-options';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { confKey, type ConfChange } from '../../api/lab';
import { ApiError } from '../../api/http';
import { ErrorBox } from '../../components/ErrorBox';
import { Spinner } from '../../components/Status';
import { ConfError, OptionField } from './OptionField';
import { RestartPanel } from './RestartPanel';
import { asText, changesFrom, errorsByOption, servicesToRestart } from './conf-edit';

export function ConfigScreen() {
  const { t } = useTranslation();
  const { lab, session } = useSession();
  const conf = usePoll(() => lab.config(), 0, [lab]);
  const [edits, setEdits] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<unknown>(null);
  const [validation, setValidation] = useState<string[]>([]);
  const [applied, setApplied] = useState<ConfChange[]>([]);
  const [showText, setShowText] = useState(false);

  const groups = useMemo(() => {
    const by = new Map<string, ConfOption[]>();
    for (const o of conf.data?.options ?? []) by.set(o.applies_to, [...(by.get(o.applies_to) ?? []), o]);
    return [...by.entries()];
  }, [conf.data]);

  if (conf.loading)
    return (
      <div className="screen">
        <Spinner label={t('common.loading')} />
      </div>
    );
  if (!conf.data)
    return (
      <div className="screen">
        <ErrorBox what={t('config.loadFailed')} error={conf.error} />
      </div>
    );
  const { options, values } = conf.data;
  const changes = changesFrom(options, values, edits);
  const fieldErrors = errorsByOption(options, validation);

  const save = async () => {
    setSaving(true);
    setSaveError(null);
    setValidation([]);
    try {
      await lab.saveConfig(changes);
      setApplied((a) => [...a, ...changes]);
      setEdits({});
      await conf.refresh();
    } catch (err) {
      const body = err instanceof ApiError ? (err.body as { errors?: string[] } | null) : null;
      setValidation(body?.errors ?? []);
      setSaveError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="screen">
      <h2>
        {t('config.title')} <code className="cmd-hint">nova.conf</code>
      </h2>
      <p className="lead">{t('config.lead')}</p>
      {conf.data.errors.length > 0 && (
        <div className="error-box" data-testid="conf-file-errors">
          <div className="error-what">{t('config.fileErrors')}</div>
          <ul>
            {conf.data.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
        </div>
      )}
      <div className="save-bar">
        <button
          type="button"
          className="primary"
          onClick={() => void save()}
          disabled={saving || changes.length === 0 || !session.isAdmin}
          data-testid="conf-save"
        >
          {saving ? <Spinner label={t('config.saving')} /> : t('config.save', { count: changes.length })}
        </button>
        <button
          type="button"
          onClick={() => {
            setEdits({});
            setValidation([]);
            setSaveError(null);
          }}
          disabled={changes.length === 0}
        >
          {t('config.discard')}
        </button>
        {!session.isAdmin && <span className="muted">{t('config.adminOnly')}</span>}
      </div>
      {saveError !== null && (
        <div data-testid="conf-errors">
          {/* With the lab's list of invalid values, each is said below (at its field too); the box
              would repeat them in the lab's own words. */}
          {validation.length === 0 ? (
            <ErrorBox what={t('config.saveFailed')} error={saveError} />
          ) : (
            <div className="error-box" role="alert" data-testid="error-box">
              <div className="error-what">{t('config.saveFailed')}</div>
              <div className="error-hint">{t('error.hint.400')}</div>
            </div>
          )}
          {validation.length > 0 && (
            <ul className="validation">
              {validation.map((v) => {
                const o = options.find((x) => fieldErrors[confKey(x)]?.includes(v)) ?? null;
                return (
                  <li key={v}>
                    <ConfError opt={o} error={v} text={o ? (edits[confKey(o)] ?? asText(values[confKey(o)])) : ''} />
                  </li>
                );
              })}
            </ul>
          )}
        </div>
      )}
      <RestartPanel services={servicesToRestart(options, applied)} />
      {groups.map(([service, opts]) => (
        <section key={service} className="card">
          <h3>{service === 'all' ? t('statesText.wholeLab') : t('config.appliesTo', { service })}</h3>
          <div className="options">
            {opts.map((o) => {
              const key = confKey(o);
              const saved = asText(values[key]);
              return (
                <OptionField
                  key={key}
                  opt={o}
                  saved={saved}
                  text={edits[key] ?? saved}
                  errors={fieldErrors[key] ?? []}
                  onChange={(text) => setEdits((e) => ({ ...e, [key]: text }))}
                />
              );
            })}
          </div>
        </section>
      ))}
      <section className="card">
        <button type="button" className="link" onClick={() => setShowText(!showText)}>
          {showText ? t('config.hideText') : t('config.showText')}
        </button>
        {showText && (
          <pre className="json" data-testid="conf-text">
            {conf.data.text}
          </pre>
        )}
      </section>
    </div>
  );
}
