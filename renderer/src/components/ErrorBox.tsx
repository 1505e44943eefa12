// What failed, the service's own message, and what to do about it — never a blank screen.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/http';
import { isLabErrorCode, type LabErrorBody } from '../../../contract/lab-api';

/** The message in the learner's language where the lab gave a catalogue code; the service's own text otherwise. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const lab = (error.body as Partial<LabErrorBody> | null)?.error;
    if (lab && isLabErrorCode(lab.key)) return t(`labErrors.${lab.key}`, { ...lab.params, interpolation: { escapeValue: false } });
  }
  return (error as Error)?.message ?? String(error);
}

function hintKey(err: unknown): string {
  if (!(err instanceof ApiError)) return 'error.hint.generic';
  if (err.status === 0) return 'error.hint.unreachable';
  if (err.status === 401) return 'error.hint.401';
  if (err.status === 403) return 'error.hint.403';
  if (err.status === 404) return 'error.hint.404';
  if (err.status === 409) return 'error.hint.409';
  if (err.status === 400) return 'error.hint.400';
  if (err.status >= 500) return 'error.hint.5xx';
  return 'error.hint.generic';
}

export function ErrorBox({ what, error, testId }: { what: string; error: unknown; testId?: string }) {
  const { t } = useTranslation();
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  return (
    <div className="error-box" role="alert" data-testid={testId ?? 'error-box'}>
      <div className="error-what">{what}</div>
      <div className="error-message" data-testid="error-message">
        {errorText(t, error)}
      </div>
      {api && (
        <div className="error-meta">
          {api.service} · {api.method} {api.url}
          {api.status ? ` · HTTP ${api.status}` : ''}
          {api.requestId ? ` · ${api.requestId}` : ''}
        </div>
      )}
      <div className="error-hint">{t(hintKey(error))}</div>
    </div>
  );
}
