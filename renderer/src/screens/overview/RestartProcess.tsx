// Restart one service process from its row of the process table — one host's nova-compute of
// several, say — and show the PID it had and the PID it runs under now. The lab answers once
// the new process said ready, so the new PID shown is a process that serves.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceProcess } from '../../../../contract/services';
import { useSession } from '../../session/session';
import { ErrorBox } from '../../components/ErrorBox';
import { Spinner } from '../../components/Status';

interface Done {
  before: number | null;
  after: number | null;
}

export function RestartProcess({ process: p }: { process: ServiceProcess }) {
  const { t } = useTranslation();
  const { lab, session } = useSession();
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<Done | null>(null);
  const [error, setError] = useState<unknown>(null);
  const id = `${p.binary}-${p.host}`;

  const restart = async () => {
    setBusy(true);
    setDone(null);
    setError(null);
    const before = p.pid;
    try {
      const { restarted } = await lab.restart(p.binary, p.host);
      setDone({ before, after: restarted.find((r) => r.host === p.host)?.pid ?? null });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // The lab's restart endpoint is for admins; a member sees the table without the button.
  if (!session.isAdmin) return null;
  return (
    <div className="process-restart">
      <button
        type="button"
        className="small-btn"
        onClick={() => void restart()}
        disabled={busy}
        title={t('processRestart.title', { service: p.binary, host: p.host })}
        data-testid={`process-restart-${id}`}
      >
        {busy ? <Spinner label={t('processRestart.busy')} /> : t('processRestart.button')}
      </button>
      {done && (
        <div
          className="muted small"
          data-testid={`process-restart-result-${id}`}
          data-pid-before={done.before ?? ''}
          data-pid-after={done.after ?? ''}
        >
          {t('processRestart.done', { before: done.before ?? '-', after: done.after ?? '-' })}
        </div>
      )}
      <ErrorBox what={t('processRestart.failed', { service: p.binary, host: p.host })} error={error} />
    </div>
  );
}
