// Restart a service so a nova.conf change applies, and show its process count before and
// after (nova-api: a master plus osapi_compute_workers + metadata_workers + ec2_workers).
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServiceProcess } from '../../../../contract/services';
import { useSession } from '../../session/session';
import { ErrorBox } from '../../components/ErrorBox';
import { Spinner } from '../../components/Status';

const count = (procs: ServiceProcess[], binary: string) =>
  procs.filter((p) => p.binary === binary && p.pid).reduce((n, p) => n + 1 + p.workerPids.length, 0);

interface Result {
  before: number;
  after: number | null;
  pidsBefore: string;
  pidsAfter: string | null;
}

export function RestartPanel({ services }: { services: string[] }) {
  const { t } = useTranslation();
  const { lab } = useSession();
  const [busy, setBusy] = useState<string | null>(null);
  const [results, setResults] = useState<Record<string, Result>>({});
  const [error, setError] = useState<unknown>(null);

  const pidsOf = (procs: ServiceProcess[], b: string) =>
    procs
      .filter((p) => p.binary === b)
      .map((p) => p.pid)
      .join(',');

  const restart = async (binary: string) => {
    setBusy(binary);
    setError(null);
    try {
      const before = (await lab.services()).processes;
      setResults((r) => ({
        ...r,
        [binary]: { before: count(before, binary), after: null, pidsBefore: pidsOf(before, binary), pidsAfter: null },
      }));
      await lab.restart(binary);
      // Wait until it runs again under new PIDs (and its workers reported).
      const deadline = Date.now() + 30_000;
      let after = before;
      while (Date.now() < deadline) {
        after = (await lab.services()).processes;
        const mine = after.filter((p) => p.binary === binary);
        const fresh =
          mine.length > 0 && mine.every((p) => p.state === 'running' && p.pid) && pidsOf(after, binary) !== pidsOf(before, binary);
        const workersIn = binary !== 'nova-api' || mine.every((p) => p.workerPids.length > 0);
        if (fresh && workersIn) break;
        await new Promise((r) => setTimeout(r, 300));
      }
      setResults((r) => ({
        ...r,
        [binary]: {
          before: count(before, binary),
          after: count(after, binary),
          pidsBefore: pidsOf(before, binary),
          pidsAfter: pidsOf(after, binary),
        },
      }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  if (services.length === 0) return null;
  return (
    <div className="card restart" data-testid="restart-panel">
      <h3>{t('config.restartTitle')}</h3>
      <p className="muted small">{t('config.restartLead')}</p>
      {services.map((b) => (
        <div key={b} className="restart-row">
          {b === 'all' ? (
            <span className="muted">{t('config.restartAll')}</span>
          ) : (
            <button type="button" onClick={() => void restart(b)} disabled={busy !== null} data-testid={`conf-restart-${b}`}>
              {busy === b ? <Spinner label={t('config.restarting', { service: b })} /> : t('config.restart', { service: b })}
            </button>
          )}
          {results[b] && (
            <span
              className="restart-result"
              data-testid={`restart-result-${b}`}
              data-before={results[b].before}
              data-after={results[b].after ?? ''}
            >
              {results[b].after === null
                ? t('config.restartWaiting', { service: b, before: results[b].before, count: results[b].before })
                : t('config.restartDone', { service: b, before: results[b].before, after: results[b].after, count: results[b].after })}
            </span>
          )}
        </div>
      ))}
      <ErrorBox what={t('config.restartFailed')} error={error} />
    </div>
  );
}
