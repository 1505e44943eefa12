// Instances: status, task and power state live; the actions a learner tries; and each
// instance's history from os-instance-actions.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import type { ServerAction, ServerDetail } from '../../api/compute';
import { href } from '../../hooks/use-route';
import { ErrorBox } from '../../components/ErrorBox';
import { Status, Spinner } from '../../components/Status';
import { InstanceHistory } from './InstanceHistory';

export const POWER_STATES: Record<number, string> = {
  0: 'NOSTATE',
  1: 'Running',
  3: 'Paused',
  4: 'Shutdown',
  6: 'Crashed',
  7: 'Suspended',
};

/** Which actions make sense in which status (Nova answers 409 otherwise). */
const ALLOWED: Record<ServerAction | 'delete', string[]> = {
  'os-stop': ['ACTIVE', 'ERROR'],
  'os-start': ['SHUTOFF'],
  reboot: ['ACTIVE', 'SHUTOFF'],
  pause: ['ACTIVE'],
  unpause: ['PAUSED'],
  suspend: ['ACTIVE'],
  resume: ['SUSPENDED'],
  createImage: ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'],
  shelve: ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED'],
  unshelve: ['SHELVED', 'SHELVED_OFFLOADED'],
  delete: ['ACTIVE', 'SHUTOFF', 'PAUSED', 'SUSPENDED', 'ERROR', 'BUILD', 'SHELVED', 'SHELVED_OFFLOADED'],
};
const ACTIONS = Object.keys(ALLOWED) as (ServerAction | 'delete')[];

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
  const { compute } = useSession();
  const servers = usePoll(() => compute.listServers(), 2000, [compute]);
  const [selected, setSelected] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [actionError, setActionError] = useState<{ what: string; error: unknown } | null>(null);

  const run = async (s: ServerDetail, action: ServerAction | 'delete') => {
    if (action === 'delete' && confirming !== s.id) {
      setConfirming(s.id);
      return;
    }
    setConfirming(null);
    setBusy(`${s.id}:${action}`);
    setActionError(null);
    try {
      if (action === 'delete') await compute.deleteServer(s.id);
      else await compute.action(s.id, action, s.name);
      await servers.refresh();
    } catch (err) {
      setActionError({ what: t('instances.actionFailed', { action: t(`instances.action.${action}`), name: s.name }), error: err });
    } finally {
      setBusy(null);
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
                  <td>{s['OS-EXT-STS:task_state'] ?? '-'}</td>
                  <td>{POWER_STATES[s['OS-EXT-STS:power_state'] ?? 0] ?? s['OS-EXT-STS:power_state']}</td>
                  <td>{s['OS-EXT-SRV-ATTR:host'] ?? '-'}</td>
                  <td>{s['OS-EXT-AZ:availability_zone'] ?? '-'}</td>
                  <td>{s.flavor?.original_name ?? s.flavor?.id ?? '-'}</td>
                  <td className="small">{addresses(s)}</td>
                  <td className="actions">
                    {ACTIONS.map((a) => (
                      <button
                        key={a}
                        type="button"
                        className={a === 'delete' ? 'danger small-btn' : 'small-btn'}
                        disabled={!ALLOWED[a].includes(s.status) || busy !== null}
                        onClick={() => void run(s, a)}
                        data-testid={`instance-${a}-${s.name}`}
                      >
                        {busy === `${s.id}:${a}`
                          ? '…'
                          : a === 'delete' && confirming === s.id
                            ? t('instances.confirmDelete')
                            : t(`instances.action.${a}`)}
                      </button>
                    ))}
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
