// A backend message in the learner's language, its raw data (commands, paths, what a guest
// printed) as code: data is shown as it is, never translated.
import { useTranslation } from 'react-i18next';
import type { LabMessage } from '../../../contract/messages';
import { messageParts } from '../i18n/message';

export function Message({ message, fallback }: { message: LabMessage; fallback?: string }) {
  const { t } = useTranslation();
  return <>{messageParts(t, message, fallback).map((p, i) => (typeof p === 'string' ? p : <code key={i}>{p.raw}</code>))}</>;
}
