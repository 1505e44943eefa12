// The course's architecture picture, live: the API and console services in front, the RPC
// bus in the middle, scheduler and conductor (the only door to the database) behind it, and
// one nova-compute per lab host.
import { useTranslation } from 'react-i18next';
import type { ServiceProcess } from '../../../../contract/services';

function Box({ p }: { p: ServiceProcess }) {
  const { t } = useTranslation();
  const up = p.state === 'running';
  const count = p.pid ? 1 + p.workerPids.length : 0;
  return (
    <div className={`svc-box ${up ? 'svc-up' : 'svc-down'}`} data-testid={`svc-box-${p.binary}-${p.host}`}>
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
    </div>
  );
}

const FRONT = ['keystone', 'glance-api', 'nova-api', 'nova-novncproxy'];
const BACK = ['nova-scheduler', 'nova-conductor', 'nova-consoleauth'];

export function ServiceMap({ processes }: { processes: ServiceProcess[] }) {
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
            <Box key={p.binary + p.host} p={p} />
          ))}
        </div>
      </div>
      <div className="map-bus">{t('overview.mapBus')}</div>
      <div className="map-row">
        <div className="map-label">{t('overview.mapControl')}</div>
        <div className="map-boxes">
          {pick(BACK).map((p) => (
            <Box key={p.binary + p.host} p={p} />
          ))}
          <div className="svc-box svc-db">{t('overview.mapDb')}</div>
        </div>
      </div>
      <div className="map-row">
        <div className="map-label">{t('overview.mapCompute')}</div>
        <div className="map-boxes">
          {computes.map((p) => (
            <Box key={p.binary + p.host} p={p} />
          ))}
        </div>
      </div>
    </section>
  );
}
