// A shell command the learner can copy: the GUI's action as the openstack CLI or curl.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';

export function CommandBlock({ title, text, testId }: { title: string; text: string; testId?: string }) {
  const { t } = useTranslation();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied(true);
      setTimeout(() => setCopied(false), 1500);
    } catch {
      /* clipboard not available (e.g. plain http in some browsers) */
    }
  };
  return (
    <div className="command" data-testid={testId}>
      <div className="command-head">
        <span>{title}</span>
        <button type="button" className="link" onClick={copy}>
          {copied ? t('common.copied') : t('common.copy')}
        </button>
      </div>
      <pre>{text}</pre>
    </div>
  );
}
