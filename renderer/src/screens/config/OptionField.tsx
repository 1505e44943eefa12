// One nova.conf option: its name, the course's help, Nova's default, and an editor by type.
import { useTranslation } from 'react-i18next';
import type { ConfOption } from '../../../../contract/nova-conf-options';
import { FILTER_NAMES, WEIGHER_NAMES } from '../../../../contract/scheduler-names';
import { issueFor } from './conf-edit';

const CHOICES: Record<string, readonly string[]> = {
  scheduler_default_filters: FILTER_NAMES,
  scheduler_weight_classes: WEIGHER_NAMES,
};

function ListChoice({
  names,
  text,
  onChange,
  testId,
}: {
  names: readonly string[];
  text: string;
  onChange(t: string): void;
  testId: string;
}) {
  const chosen = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const toggle = (n: string) => onChange((chosen.includes(n) ? chosen.filter((x) => x !== n) : [...chosen, n]).join(','));
  return (
    <div className="choices" data-testid={testId}>
      {names.map((n) => (
        <label key={n} className="choice">
          <input type="checkbox" checked={chosen.includes(n)} onChange={() => toggle(n)} data-testid={`${testId}-${n}`} />
          {n}
          {chosen.includes(n) ? <span className="muted small"> #{chosen.indexOf(n) + 1}</span> : null}
        </label>
      ))}
    </div>
  );
}

/** One of the lab's validation errors: said in the learner's language where the shared check
 *  explains it, with the lab's own line beside it as data. */
export function ConfError({ opt, error, text }: { opt: ConfOption | null; error: string; text: string }) {
  const { t } = useTranslation();
  const issue = opt ? issueFor(opt, error, text) : null;
  if (!issue) return <span data-from="lab">{error}</span>;
  return (
    <>
      {t(`confIssue.${issue.code}`, { option: opt!.name, value: issue.text, min: 'min' in issue ? issue.min : '' })}{' '}
      <code className="small" data-raw="lab">
        {error}
      </code>
    </>
  );
}

export function OptionField({
  opt,
  text,
  saved,
  errors = [],
  onChange,
}: {
  opt: ConfOption;
  text: string;
  saved: string;
  /** The lab's validation errors for this option, from the last save. */
  errors?: string[];
  onChange(t: string): void;
}) {
  const { t } = useTranslation();
  const id = `conf-input-${opt.section === 'DEFAULT' ? '' : opt.section + '.'}${opt.name}`;
  const dirty = text !== saved;
  const def =
    opt.default === null ? t('config.cpuDefault') : Array.isArray(opt.default) ? opt.default.join(',') || '""' : String(opt.default);
  const choices = CHOICES[opt.name];
  return (
    <div
      className={`option ${dirty ? 'dirty' : ''} ${errors.length ? 'invalid' : ''}`}
      data-testid={`option-${opt.name}`}
      data-invalid={errors.length ? 'true' : undefined}
    >
      <div className="option-head">
        <code className="option-name">
          {opt.section !== 'DEFAULT' ? `[${opt.section}] ` : ''}
          {opt.name}
        </code>
        <span className="muted small">
          <code>{opt.type}</code> · {t('config.default')}: <code>{def}</code>
        </span>
      </div>
      <div className="option-help">{t(`confHelp.${opt.name}`, { defaultValue: opt.help })}</div>
      {choices ? (
        <ListChoice names={choices} text={text} onChange={onChange} testId={id} />
      ) : opt.type === 'bool' ? (
        <select value={text} onChange={(e) => onChange(e.target.value)} data-testid={id}>
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : (
        <input
          value={text}
          onChange={(e) => onChange(e.target.value)}
          inputMode={opt.type === 'int' || opt.type === 'float' ? 'decimal' : undefined}
          data-testid={id}
          aria-label={opt.name}
          aria-invalid={errors.length ? true : undefined}
        />
      )}
      {dirty && <span className="muted small">{t('config.was', { value: saved || '""' })}</span>}
      {errors.map((e) => (
        <div key={e} className="field-error" role="alert" data-testid={`conf-field-error-${opt.name}`}>
          <ConfError opt={opt} error={e} text={text} />
        </div>
      ))}
    </div>
  );
}
