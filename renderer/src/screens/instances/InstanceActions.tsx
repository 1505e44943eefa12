// One instance's actions: a single chooser offering only what Nova accepts in the server's
// status (so a row never wraps into a wall of disabled buttons), the flavor, image or name the
// action needs, and the `openstack` command that does the same from a terminal.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ServerDetail, FlavorDetail } from '../../api/compute';
import type { GlanceImage } from '../../api/image';
import { actionCommand, actionsFor, paramMissing, specOf, type InstanceActionName } from './instance-actions';

export interface InstanceActionsProps {
  server: ServerDetail;
  isAdmin: boolean;
  flavors: FlavorDetail[];
  images: GlanceImage[];
  /** True while an action of this instance is on its way (other rows stay usable). */
  busy: boolean;
  onRun(name: InstanceActionName, value: string): void;
}

export function InstanceActions({ server, isAdmin, flavors, images, busy, onRun }: InstanceActionsProps) {
  const { t } = useTranslation();
  const offered = actionsFor(server.status, isAdmin);
  const [chosen, setChosen] = useState<InstanceActionName | ''>('');
  const [value, setValue] = useState('');
  const spec = chosen && offered.some((a) => a.name === chosen) ? specOf(chosen) : null;
  const testId = (what: string) => `instance-${what}-${server.name}`;

  const label = (): string => {
    if (spec?.param === 'flavor') return flavors.find((f) => f.id === value)?.name ?? value;
    if (spec?.param === 'image' || spec?.param === 'rescueImage') return images.find((i) => i.id === value)?.name ?? value;
    return value;
  };
  const choose = (name: InstanceActionName | '') => {
    setChosen(name);
    setValue('');
  };

  if (offered.length === 0) return <span className="muted small">{t('instances.noAction')}</span>;
  return (
    <span className="instance-actions">
      <select
        value={spec ? spec.name : ''}
        onChange={(e) => choose(e.target.value as InstanceActionName | '')}
        disabled={busy}
        aria-label={t('instances.chooseAction')}
        data-testid={testId('action')}
      >
        <option value="">{t('instances.chooseAction')}</option>
        {offered.map((a) => (
          <option key={a.name} value={a.name}>
            {t(`instances.action.${a.name}`)}
          </option>
        ))}
      </select>
      {spec?.param === 'flavor' && (
        <select
          value={value}
          onChange={(e) => setValue(e.target.value)}
          data-testid={testId('param')}
          aria-label={t('instances.param.flavor')}
        >
          <option value="">{t('instances.param.flavor')}</option>
          {flavors
            .filter((f) => f.name !== server.flavor?.original_name)
            .map((f) => (
              <option key={f.id} value={f.id}>
                {t('instances.flavorChoice', { name: f.name, vcpus: f.vcpus, ram: f.ram, disk: f.disk })}
              </option>
            ))}
        </select>
      )}
      {(spec?.param === 'image' || spec?.param === 'rescueImage') && (
        <select
          value={value}
          onChange={(e) => setValue(e.target.value)}
          data-testid={testId('param')}
          aria-label={t('instances.param.image')}
        >
          <option value="">{spec.param === 'rescueImage' ? t('instances.param.rescueDefault') : t('instances.param.image')}</option>
          {images.map((i) => (
            <option key={i.id} value={i.id}>
              {i.name ?? i.id}
            </option>
          ))}
        </select>
      )}
      {spec?.param === 'snapshotName' && (
        <input
          value={value}
          onChange={(e) => setValue(e.target.value)}
          placeholder={t('instances.param.snapshotName')}
          aria-label={t('instances.param.snapshotName')}
          data-testid={testId('param')}
        />
      )}
      {spec && (
        <button
          type="button"
          className="small-btn"
          disabled={busy || paramMissing(spec, value)}
          onClick={() => {
            onRun(spec.name, value);
            choose('');
          }}
          data-testid={testId('apply')}
        >
          {busy ? '…' : t(`instances.action.${spec.name}`)}
        </button>
      )}
      {spec && (
        <code className="cmd-hint small" data-testid={testId('command')}>
          {actionCommand(spec.name, server.name, label())}
        </code>
      )}
    </span>
  );
}
