// The boot walkthrough: the twelve steps of one request, driven by its real events.
// The target is a launch made here (its local key or server id) or any server id.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useFormat } from '../../i18n/format';
import { useLaunches } from '../../boot/launches';
import { bootView, findRequestId } from '../../boot/boot-model';
import { useLabEvents } from '../../hooks/use-events';
import { useStepMode } from '../../hooks/use-step-mode';
import { usePoll } from '../../hooks/use-poll';
import { useSession } from '../../session/session';
import { href } from '../../hooks/use-route';
import { Status } from '../../components/Status';
import { ErrorBox } from '../../components/ErrorBox';
import { StepModeBar } from './StepModeBar';
import { StepRow } from './StepRow';
import { renderMessage } from '../../i18n/message';
import { LaterScheduling } from './LaterScheduling';
import type { LaunchRecord } from '../../boot/launch-record';

/** A server not launched from this window: its create request id from os-instance-actions. */
function useServerOrigin(serverId: string | null, finished: boolean) {
  const { compute } = useSession();
  const server = usePoll(async () => (serverId ? compute.getServer(serverId) : null), finished ? 0 : 2000, [compute, serverId, finished]);
  const actions = usePoll(async () => (serverId ? compute.instanceActions(serverId) : []), 0, [compute, serverId]);
  const create = actions.data?.find((a) => a.action === 'create');
  return { server, requestId: create?.request_id ?? null, error: server.error ?? actions.error };
}

function Picker({ launches }: { launches: LaunchRecord[] }) {
  const { t } = useTranslation();
  const fmt = useFormat();
  const { compute } = useSession();
  const servers = usePoll(() => compute.listServers(), 5000, [compute]);
  return (
    <div className="screen">
      <h2>{t('boot.title')}</h2>
      <p className="lead">{t('boot.pickLead')}</p>
      <ul className="picker">
        {[...launches].reverse().map((l) => (
          <li key={l.key}>
            <a href={href('boot', l.key)}>{l.name}</a> <span className="muted small">{fmt.time(l.startedAt)}</span>
          </li>
        ))}
        {(servers.data ?? [])
          .filter((s) => !launches.some((l) => l.serverId === s.id))
          .map((s) => (
            <li key={s.id}>
              <a href={href('boot', s.id)}>{s.name}</a> <Status value={s.status} />
            </li>
          ))}
      </ul>
      {launches.length === 0 && (servers.data ?? []).length === 0 && (
        <p className="muted">
          {t('boot.nothingYet')} <a href={href('launch')}>{t('nav.launch')}</a>
        </p>
      )}
    </div>
  );
}

export function BootWalkthrough({ target }: { target: string | null }) {
  const { list, find } = useLaunches();
  if (!target) {
    const latest = list[list.length - 1];
    if (!latest) return <Picker launches={list} />;
    return <Walkthrough launch={latest} serverId={latest.serverId ?? null} />;
  }
  const launch = find(target);
  return <Walkthrough launch={launch} serverId={launch ? (launch.serverId ?? null) : target} />;
}

function Walkthrough({ launch, serverId }: { launch: LaunchRecord | null; serverId: string | null }) {
  const { t } = useTranslation();
  const events = useLabEvents();
  const mode = useStepMode();
  const origin = useServerOrigin(launch ? null : serverId, false);
  const requestId = launch ? findRequestId(events, mode.holds, launch) : origin.requestId;
  const server = launch?.server ?? origin.server.data ?? null;
  const view = useMemo(
    () => bootView(launch, requestId, events, mode.holds, server ? { status: server.status, fault: server.fault?.message ?? null } : null),
    [launch, requestId, events, mode.holds, server],
  );
  const name = launch?.name ?? server?.name ?? serverId ?? '';
  const status = launch?.finalStatus ?? server?.status ?? (launch?.postError ? 'ERROR' : 'BUILD');
  const doneCount = view.steps.filter((s) => s.status === 'done').length;

  return (
    <div className="screen">
      <div className="screen-head">
        <h2>
          {t('boot.title')}: <span data-testid="boot-name">{name}</span>
        </h2>
        <Status value={status} testId="boot-status" />
      </div>
      <div className="boot-meta muted small">
        {t('boot.requestId')}: <code data-testid="boot-request-id">{requestId ?? t('boot.unknownYet')}</code>
        {serverId && (
          <>
            {' '}
            · {t('boot.serverId')}: <code data-testid="boot-server-id">{serverId}</code>
          </>
        )}
        {' · '}
        <span data-testid="boot-progress">{t('boot.doneCount', { done: doneCount, total: view.steps.length })}</span>
      </div>
      <StepModeBar mode={mode} requestId={requestId} />
      {launch?.authError && <ErrorBox what={t('boot.authFailed')} error={new Error(launch.authError)} />}
      {launch?.postError && <ErrorBox what={t('boot.postFailed')} error={new Error(launch.postError.message)} testId="boot-post-error" />}
      {!launch && origin.error && <ErrorBox what={t('boot.serverFailed')} error={origin.error} />}
      {view.finished === 'ERROR' && view.fault && (
        <div className="error-box" data-testid="boot-fault">
          <div className="error-what">{t('boot.faultTitle')}</div>
          <div className="error-message">{view.faultMessage ? renderMessage(t, view.faultMessage, view.fault) : view.fault}</div>
          {serverId && (
            <div className="error-hint">
              {t('boot.faultHint')} <a href={href('scheduler', serverId)}>{t('boot.openScheduler')}</a>
            </div>
          )}
        </div>
      )}
      <ol className="timeline" data-testid="boot-timeline">
        {view.steps.map((s) => (
          <StepRow key={s.id} step={s} images={view.images} serverId={serverId} />
        ))}
      </ol>
      {serverId && <LaterScheduling serverId={serverId} />}
      {view.finished === 'ACTIVE' && serverId && (
        <div className="actions-row">
          <a className="button primary" href={href('console', serverId)} data-testid="open-console">
            {t('boot.openConsole')}
          </a>
          <a className="button" href={href('instances')}>
            {t('nav.instances')}
          </a>
        </div>
      )}
    </div>
  );
}
