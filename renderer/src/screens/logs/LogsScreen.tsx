// Service logs: what one service process writes (its stdout and stderr, as the lab keeps it in
// logs/<service>.log), live — new lines are fetched every second after the last one already
// shown — and filterable by text and level. The lines are raw data: shown as the service wrote
// them (tokens masked by the lab), in English whatever the GUI's language.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { go } from '../../hooks/use-route';
import { ErrorBox } from '../../components/ErrorBox';
import { HealthBadge, healthFor } from '../../components/HealthBadge';
import { appendLines, filterLines, LEVEL_FILTERS, type LevelFilter, type ShownLine } from './log-model';

const POLL_MS = 1000;
/** After a refused or failed read (a member's token: admin only), ask less often. */
const RETRY_MS = 5000;

function useLiveLog(binary: string | null, host: string | null) {
  const { lab } = useSession();
  const [lines, setLines] = useState<ShownLine[]>([]);
  const [truncated, setTruncated] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    setLines([]);
    setTruncated(false);
    setError(null);
    if (!binary) return;
    let alive = true;
    let next: number | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const read = async () => {
      let wait = POLL_MS;
      try {
        const r = await lab.logs(binary, host, next);
        if (!alive) return;
        // The first answer is the tail: it says whether older lines were left out.
        if (next === null) setTruncated(r.truncated);
        next = r.next;
        if (r.lines.length) setLines((kept) => appendLines(kept, r.lines));
        setError(null);
      } catch (err) {
        wait = RETRY_MS;
        if (alive) setError(err);
      }
      if (alive) timer = setTimeout(() => void read(), wait);
    };
    void read();
    return () => {
      alive = false;
      if (timer) clearTimeout(timer);
    };
  }, [lab, binary, host]);
  return { lines, truncated, error };
}

export function LogsScreen({ binary, host }: { binary: string | null; host: string | null }) {
  const { t } = useTranslation();
  const { lab } = useSession();
  const services = usePoll(() => lab.services(), 3000, [lab]);
  const processes = services.data?.processes ?? [];
  // Without a service in the URL: the first one, so the screen is never empty.
  const chosen = binary ? { binary, host } : processes[0] ? { binary: processes[0].binary, host: processes[0].host } : null;
  const { lines, truncated, error } = useLiveLog(chosen?.binary ?? null, chosen?.host ?? null);
  const [text, setText] = useState('');
  const [level, setLevel] = useState<LevelFilter>('all');
  const [follow, setFollow] = useState(true);
  const shown = useMemo(() => filterLines(lines, text, level), [lines, text, level]);
  const view = useRef<HTMLDivElement>(null);
  useLayoutEffect(() => {
    if (follow && view.current) view.current.scrollTop = view.current.scrollHeight;
  }, [shown, follow]);
  const current = chosen && processes.find((p) => p.binary === chosen.binary && (!chosen.host || p.host === chosen.host));
  const health = current ? healthFor(services.data?.health, current.binary, current.host) : undefined;

  return (
    <div className="screen">
      <h2>{t('health.logs.title')}</h2>
      <p className="lead">{t('health.logs.lead')}</p>
      <div className="log-toolbar">
        <label>
          {t('health.logs.service')}{' '}
          <select
            data-testid="log-service"
            value={current ? `${current.binary}|${current.host}` : chosen ? `${chosen.binary}|${chosen.host ?? ''}` : ''}
            onChange={(e) => {
              const [b, h] = e.target.value.split('|');
              go('logs', b!, h!);
            }}
          >
            {/* Until the services are read, the one named in the URL. */}
            {!current && chosen && <option value={`${chosen.binary}|${chosen.host ?? ''}`}>{chosen.binary}</option>}
            {processes.map((p) => (
              <option key={`${p.binary}|${p.host}`} value={`${p.binary}|${p.host}`}>
                {p.binary === 'nova-compute' ? `${p.binary}@${p.host}` : p.binary}
              </option>
            ))}
          </select>
        </label>{' '}
        {health && <HealthBadge health={health} testId="log-service-health" />}{' '}
        <label>
          {t('health.logs.filter')}{' '}
          <input
            type="search"
            data-testid="log-filter"
            value={text}
            placeholder={t('health.logs.filterPlaceholder')}
            onChange={(e) => setText(e.target.value)}
          />
        </label>{' '}
        <label>
          {t('health.logs.level')}{' '}
          <select data-testid="log-level" value={level} onChange={(e) => setLevel(e.target.value as LevelFilter)}>
            {LEVEL_FILTERS.map((l) => (
              <option key={l} value={l}>
                {t(`health.logs.levels.${l}`)}
              </option>
            ))}
          </select>
        </label>{' '}
        <label>
          <input type="checkbox" data-testid="log-follow" checked={follow} onChange={(e) => setFollow(e.target.checked)} />{' '}
          {t('health.logs.follow')}
        </label>
      </div>
      <ErrorBox what={t('health.logs.failed')} error={error ?? services.error} />
      <p className="muted small" data-testid="log-count">
        {t('health.logs.showing', { shown: shown.length, count: lines.length })}
        {truncated && <> · {t('health.logs.truncated')}</>}
      </p>
      <div className="terminal log-view" ref={view} data-testid="log-lines">
        {shown.length === 0 && <div className="muted">{t(lines.length ? 'health.logs.noMatch' : 'health.logs.empty')}</div>}
        {shown.map((l) => (
          <div
            key={l.at}
            className={`log-line log-${(l.effective ?? 'none').toLowerCase()}`}
            data-testid="log-line"
            data-level={l.level ?? ''}
            // The service's own words, as it wrote them: data, in any language.
            data-raw="service"
          >
            {l.text}
          </div>
        ))}
      </div>
    </div>
  );
}
