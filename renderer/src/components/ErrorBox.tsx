// What failed, the service's own message, and what to do about it — never a blank screen.
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { ApiError } from '../api/http';
import { errorHint } from './error-hint';
import { isLabErrorCode, type LabErrorBody } from '../../../contract/lab-api';

/** The message in the learner's language where the lab gave a catalogue code; the service's own text otherwise. */
export function errorText(t: TFunction, error: unknown): string {
  if (error instanceof ApiError) {
    const lab = (error.body as Partial<LabErrorBody> | null)?.error;
    if (lab && isLabErrorCode(lab.key)) return t(`labErrors.${lab.key}`, { ...lab.params, interpolation: { escapeValue: false } });
  }
  return (error as Error)?.message ?? String(error);
}

/** `signIn`: the error came from the sign-in form, where a 401 is a refused password rather than a token. */
export function ErrorBox({ what, error, testId, signIn }: { what: string; error: unknown; testId?: string; signIn?: boolean }) {
  const { t } = useTranslation();
  if (!error) return null;
  const api = error instanceof ApiError ? error : null;
  const hint = errorHint(api, signIn);
  return (
    <div className="error-box" role="alert" data-testid={testId ?? 'error-box'}>
      <div className="error-what">{what}</div>
      <div className="error-message" data-testid="error-message">
        {errorText(t, error)}
      </div>
      {api && (
        // Which request failed, as data: service, method, address, status, request id.
        <div className="error-meta" data-raw="request">
          {api.service} · {api.method} {api.url}
          {api.status ? ` · HTTP ${api.status}` : ''}
          {api.requestId ? ` · ${api.requestId}` : ''}
        </div>
      )}
      <div className="error-hint" data-testid="error-hint" data-hint={hint.key}>
        {t(`error.hint.${hint.key}`, { ...hint.params, interpolation: { escapeValue: false } })}
      </div>
    </div>
  );
}
