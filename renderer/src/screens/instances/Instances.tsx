// Instances: status, task and power state live; the actions a learner tries; and each
// instance's history from os-instance-actions.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import type { ServerDetail } from '../../api/compute';
import { bootable } from '../../api/image';
import { href } from '../../hooks/use-route';
import { ErrorBox } from '../../components/ErrorBox';
import { Status, Spinner } from '../../components/Status';
import { InstanceHistory } from './InstanceHistory';
import { InstanceActions } from './InstanceActions';
import { actionBody, DELETABLE, type InstanceActionName } from './instance-actions';

export const POWER_STATES: Record<number, string> = {
  0: 'NOSTATE',
  1: 'Running',
  3: 'Paused',
  4: 'Shutdown',
  6: 'Crashed',
  7: 'Suspended',
};

/** Nova's power state number, named as the course's table names it, in the learner's language. */
function powerStateText(t: TFunction, n: number | null | undefined): string {
  const name = POWER_STATES[n ?? 0];
  return name ? t(`powerStates.${name}`) : String(n);
}

/** A task state (spawning, powering-off…) in the learner's language; an unknown one as Nova names it. */
function taskStateText(t: TFunction, state: string | null | undefined): string {
  return state ? t(`taskStates.${state}`, { defaultValue: state }) : '-';
}

function addresses(s: ServerDetail): string {
  return (
    Object.values(s.addresses ?? {})
      .flat()
      .map((a) => a.addr)
      .join(', ') || '-'
  );
}

export function Instances() {
  const { t } = useTranslation();
  const { compute, image, session } = useSession();
  const servers = usePoll(() => compute.listServers(), 2000, [compute]);
  // What resize, rebuild and rescue choose from; a new flavor or image shows within 15 s.
  const flavors = usePoll(() => compute.flavors(), 15_000, [compute]);
  const images = usePoll(() => image.list().then(bootable), 15_000, [image]);
  const [selected, setSelected] = useState<string | null>(null);
  // Per instance: a reboot of one leaves the others' actions usable.
  const [busy, setBusy] = useState<ReadonlySet<string>>(new Set());
  const [confirming, setConfirming] = useState<string | null>(null);
  const [actionError, setActionError] = useState<{ what: string; error: unknown } | null>(null);

  const mark = (id: string, on: boolean) =>
    setBusy((b) => {
      const next = new Set(b);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  const run = async (s: ServerDetail, action: InstanceActionName | 'delete', value = '') => {
    if (action === 'delete' && confirming !== s.id) {
      setConfirming(s.id);
      return;
    }
    setConfirming(null);
    mark(s.id, true);
    setActionError(null);
    try {
      if (action === 'delete') await compute.deleteServer(s.id);
      else await compute.action(s.id, actionBody(action, value));
      await servers.refresh();
    } catch (err) {
      setActionError({ what: t('instances.actionFailed', { action: t(`instances.action.${action}`), name: s.name }), error: err });
    } finally {
      mark(s.id, false);
    }
  };

  const list = servers.data ?? [];
  return (
    <div className="screen">
      <h2>
        {t('instances.title')} <code className="cmd-hint">openstack server list</code>
      </h2>
      <ErrorBox what={t('instances.loadFailed')} error={servers.error} />
      {actionError && <ErrorBox what={actionError.what} error={actionError.error} testId="instance-action-error" />}
      {servers.loading && <Spinner label={t('common.loading')} />}
      {servers.data && list.length === 0 && (
        <p className="muted" data-testid="instances-empty">
          {t('instances.empty')} <a href={href('launch')}>{t('nav.launch')}</a>
        </p>
      )}
      {list.length > 0 && (
        <div className="scroll-x">
          <table className="table" data-testid="instances-table">
            <thead>
              <tr>
                <th>{t('instances.col.name')}</th>
                <th>{t('instances.col.status')}</th>
                <th>{t('instances.col.task')}</th>
                <th>{t('instances.col.power')}</th>
                <th>{t('instances.col.host')}</th>
                <th>{t('instances.col.zone')}</th>
                <th>{t('instances.col.flavor')}</th>
                <th>{t('instances.col.networks')}</th>
                <th>{t('instances.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {list.map((s) => (
                <tr
                  key={s.id}
                  data-testid={`instance-row-${s.name}`}
                  data-status={s.status}
                  className={selected === s.id ? 'selected' : ''}
                >
                  <td>
                    <button
                      type="button"
                      className="link"
                      onClick={() => setSelected(selected === s.id ? null : s.id)}
                      data-testid={`instance-select-${s.name}`}
                    >
                      {s.name}
                    </button>
                    <div className="muted small mono">{s.id}</div>
                  </td>
                  <td>
                    <Status value={s.status} testId={`instance-status-${s.name}`} />
                  </td>
                  <td data-value={s['OS-EXT-STS:task_state'] ?? ''}>{taskStateText(t, s['OS-EXT-STS:task_state'])}</td>
                  <td data-value={s['OS-EXT-STS:power_state'] ?? 0}>{powerStateText(t, s['OS-EXT-STS:power_state'])}</td>
                  <td>{s['OS-EXT-SRV-ATTR:host'] ?? '-'}</td>
                  <td>{s['OS-EXT-AZ:availability_zone'] ?? '-'}</td>
                  <td>{s.flavor?.original_name ?? s.flavor?.id ?? '-'}</td>
                  <td className="small">{addresses(s)}</td>
                  <td className="actions">
                    <InstanceActions
                      server={s}
                      isAdmin={session.isAdmin}
                      flavors={flavors.data ?? []}
                      images={images.data ?? []}
                      busy={busy.has(s.id)}
                      onRun={(a, v) => void run(s, a, v)}
                    />
                    <button
                      type="button"
                      className="danger small-btn"
                      disabled={!DELETABLE.includes(s.status) || busy.has(s.id)}
                      onClick={() => void run(s, 'delete')}
                      data-testid={`instance-delete-${s.name}`}
                    >
                      {confirming === s.id ? t('instances.confirmDelete') : t('instances.action.delete')}
                    </button>
                    <a className="small-btn button" href={href('boot', s.id)}>
                      {t('instances.walkthrough')}
                    </a>
                    <a className="small-btn button" href={href('console', s.id)} data-testid={`instance-console-${s.name}`}>
                      {t('instances.console')}
                    </a>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {selected && list.some((s) => s.id === selected) && <InstanceHistory serverId={selected} />}
    </div>
  );
}
