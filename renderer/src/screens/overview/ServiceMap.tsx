// The course's architecture picture, live: the API and console services in front, the RPC
// bus in the middle, scheduler and conductor (the only door to the database) behind it, and
// one nova-compute per lab host.
import { useTranslation } from 'react-i18next';
import type { ServiceProcess } from '../../../../contract/services';
import type { ServiceHealth } from '../../../../contract/service-health';
import { HealthBadge, healthFor } from '../../components/HealthBadge';
import type { Hold } from '../../../../contract/lab-api';
import { heldBy } from '../../boot/step-mode-notes';

function Box({ p, health, held = [] }: { p: ServiceProcess; health?: ServiceHealth; held?: readonly Hold[] }) {
  const { t } = useTranslation();
  // The lab's one health (process and heartbeat), not the process state alone: a frozen
  // nova-compute runs but is down.
  const up = health ? health.state === 'up' : p.state === 'running';
  const count = p.pid ? 1 + p.workerPids.length : 0;
  const mine = heldBy(held, p);
  return (
    <div
      className={`svc-box ${up ? 'svc-up' : 'svc-down'}${mine.length ? ' svc-held' : ''}`}
      data-testid={`svc-box-${p.binary}-${p.host}`}
      data-held={mine.length ? 'true' : undefined}
    >
      <div className="svc-name">
        <span className={`dot ${up ? 'dot-ok' : 'dot-bad'}`} />
        {p.binary}
      </div>
      <div className="svc-meta">
        {p.binary === 'nova-compute' ? p.host : null}
        {p.ports.length > 0 && <span> :{p.ports.join(', :')}</span>}
      </div>
      <div className="svc-meta">
        {p.pid ? t('statesText.pid', { pid: p.pid }) : t('overview.noPid')}
        {p.workerPids.length > 0 && <span> · {t('overview.processCount', { count })}</span>}
      </div>
      {health && (
        <div className="svc-meta">
          <HealthBadge health={health} testId={`svc-health-${p.binary}-${p.host}`} />
        </div>
      )}
      {mine.map((h) => (
        <div key={h.id} className="svc-holding" data-testid="svc-holding">
          {t(h.key, { n: h.n, pid: h.pid ?? '?' })}
        </div>
      ))}
    </div>
  );
}

const FRONT = ['keystone', 'glance-api', 'nova-api', 'nova-novncproxy'];
const BACK = ['nova-scheduler', 'nova-conductor', 'nova-consoleauth'];

/** `held`: step mode's holds; the service that holds one is highlighted. */
export function ServiceMap({
  processes,
  health,
  held = [],
}: {
  processes: ServiceProcess[];
  health?: readonly ServiceHealth[];
  held?: readonly Hold[];
}) {
  const { t } = useTranslation();
  const pick = (names: string[]) => names.flatMap((n) => processes.filter((p) => p.binary === n));
  const computes = processes.filter((p) => p.binary === 'nova-compute');
  return (
    <section className="card service-map" data-testid="service-map">
      <h3>{t('overview.map')}</h3>
      <div className="map-row">
        <div className="map-label">{t('overview.mapFront')}</div>
        <div className="map-boxes">
          {pick(FRONT).map((p) => (
            <Box key={p.binary + p.host} p={p} health={healthFor(health, p.binary, p.host)} held={held} />
          ))}
        </div>
      </div>
      <div className="map-bus">{t('overview.mapBus')}</div>
      <div className="map-row">
        <div className="map-label">{t('overview.mapControl')}</div>
        <div className="map-boxes">
          {pick(BACK).map((p) => (
            <Box key={p.binary + p.host} p={p} health={healthFor(health, p.binary, p.host)} held={held} />
          ))}
          <div className="svc-box svc-db">{t('overview.mapDb')}</div>
        </div>
      </div>
      <div className="map-row">
        <div className="map-label">{t('overview.mapCompute')}</div>
        <div className="map-boxes">
          {computes.map((p) => (
            <Box key={p.binary + p.host} p={p} health={healthFor(health, p.binary, p.host)} held={held} />
          ))}
        </div>
      </div>
    </section>
  );
}
