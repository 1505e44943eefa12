// Launch an instance: name, image (with its architecture and hypervisor_type), flavor,
// availability zone, key pair, server group and user data — with the same request as
// `openstack` and curl.
import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import { usePoll } from '../../hooks/use-poll';
import { bootable } from '../../api/image';
import { MICROVERSION } from '../../api/compute';
import { useLaunches } from '../../boot/launches';
import { useStepMode } from '../../hooks/use-step-mode';
import { go } from '../../hooks/use-route';
import { ErrorBox } from '../../components/ErrorBox';
import { CommandBlock } from '../../components/CommandBlock';
import { Spinner } from '../../components/Status';
import { createBody, curlCommand, openstackCommand, type LaunchChoice } from './commands';

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,62}$/;

export function LaunchWizard() {
  const { t } = useTranslation();
  const { compute, image } = useSession();
  const launches = useLaunches();
  const stepMode = useStepMode();
  const images = usePoll(async () => bootable(await image.list()), 0, [image]);
  const flavors = usePoll(() => compute.flavors(), 0, [compute]);
  const zones = usePoll(() => compute.zones(), 0, [compute]);
  const keys = usePoll(() => compute.keypairs(), 0, [compute]);
  const groups = usePoll(() => compute.serverGroups(), 0, [compute]);
  const [choice, setChoice] = useState<LaunchChoice>({
    name: `vm-${Math.random().toString(36).slice(2, 6)}`,
    image: '',
    flavor: '',
    zone: '',
    keyName: '',
    userData: '',
  });
  const set = (patch: Partial<LaunchChoice>) => setChoice((c) => ({ ...c, ...patch }));

  const imageList = images.data ?? [];
  const flavorList = useMemo(() => [...(flavors.data ?? [])].sort((a, b) => a.ram - b.ram || a.vcpus - b.vcpus), [flavors.data]);
  const img =
    imageList.find((i) => i.name === choice.image || i.id === choice.image) ??
    imageList.find((i) => i.architecture === 'x86_64') ??
    imageList[0];
  const flv = flavorList.find((f) => f.name === choice.flavor || f.id === choice.flavor) ?? flavorList[0];
  const effective: LaunchChoice = { ...choice, image: img?.name ?? choice.image, flavor: flv?.name ?? choice.flavor };
  const body = img && flv ? createBody(effective, img.id, flv.id) : null;
  const nameOk = NAME_RE.test(choice.name);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!body || !nameOk) return;
    const key = launches.launch(body);
    go('boot', key);
  };

  const loadError = images.error ?? flavors.error;
  return (
    <div className="screen">
      <h2>{t('launch.title')}</h2>
      <p className="lead">{t('launch.lead')}</p>
      <ErrorBox what={t('launch.loadFailed')} error={loadError} />
      <div className="two-col">
        <form className="card form" onSubmit={submit} data-testid="launch-form">
          <label>
            {t('launch.name')}
            <input data-testid="launch-name" value={choice.name} onChange={(e) => set({ name: e.target.value })} required />
            {!nameOk && <span className="field-error">{t('launch.nameInvalid')}</span>}
          </label>
          <label>
            {t('launch.image')}
            {images.loading ? (
              <Spinner label={t('common.loading')} />
            ) : (
              <select data-testid="launch-image" value={img?.name ?? ''} onChange={(e) => set({ image: e.target.value })}>
                {imageList.map((i) => (
                  <option key={i.id} value={i.name ?? i.id}>
                    {i.name ?? i.id} — {String(i.architecture ?? t('launch.anyArch'))} / {String(i.hypervisor_type ?? t('launch.anyHv'))}
                  </option>
                ))}
              </select>
            )}
          </label>
          {img && (
            <div className="props" data-testid="launch-image-props">
              <span>
                architecture=<code>{String(img.architecture ?? '-')}</code>
              </span>
              <span>
                hypervisor_type=<code>{String(img.hypervisor_type ?? '-')}</code>
              </span>
              <span>
                {t('launch.size')}: {img.size ? `${(img.size / 1024 / 1024).toFixed(1)} MiB` : '-'}
              </span>
            </div>
          )}
          <label>
            {t('launch.flavor')}
            <select data-testid="launch-flavor" value={flv?.name ?? ''} onChange={(e) => set({ flavor: e.target.value })}>
              {flavorList.map((f) => (
                <option key={f.id} value={f.name}>
                  {f.name} — {f.vcpus} vCPU, {f.ram} MB RAM, {f.disk} GB
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('launch.zone')}
            <select data-testid="launch-zone" value={choice.zone} onChange={(e) => set({ zone: e.target.value })}>
              <option value="">{t('launch.anyZone')}</option>
              {(zones.data ?? [])
                .filter((z) => z.zoneName !== 'internal')
                .map((z) => (
                  <option key={z.zoneName} value={z.zoneName}>
                    {z.zoneName}
                  </option>
                ))}
            </select>
          </label>
          <label>
            {t('launch.keyPair')}
            <select data-testid="launch-key" value={choice.keyName} onChange={(e) => set({ keyName: e.target.value })}>
              <option value="">{t('launch.noKey')}</option>
              {(keys.data ?? []).map((k) => (
                <option key={k.name} value={k.name}>
                  {k.name}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('launch.serverGroup')}
            <select data-testid="launch-group" value={choice.group ?? ''} onChange={(e) => set({ group: e.target.value })}>
              <option value="">{t('launch.noGroup')}</option>
              {(groups.data ?? []).map((g) => (
                <option key={g.id} value={g.id}>
                  {g.name} — {g.policy}
                  {g.rules.max_server_per_host ? ` (max_server_per_host=${g.rules.max_server_per_host})` : ''},{' '}
                  {t('launch.groupMembers', { count: g.members.length })}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('launch.userData')}
            <textarea
              data-testid="launch-user-data"
              rows={4}
              value={choice.userData}
              onChange={(e) => set({ userData: e.target.value })}
              placeholder="#!/bin/sh&#10;echo hello"
            />
          </label>
          <label className="switch">
            <input
              type="checkbox"
              checked={stepMode.enabled}
              disabled={stepMode.busy}
              onChange={(e) => void stepMode.setEnabled(e.target.checked)}
              data-testid="launch-step-mode"
            />
            <span>{t('launch.stepMode')}</span>
          </label>
          {stepMode.error && <span className="field-error">{stepMode.error}</span>}
          <button type="submit" className="primary" disabled={!body || !nameOk} data-testid="launch-submit">
            {t('launch.submit')}
          </button>
          <p className="muted small">{t('launch.afterSubmit')}</p>
        </form>
        <div className="card">
          <h3>{t('launch.equivalent')}</h3>
          <CommandBlock title={t('launch.cli')} text={openstackCommand(effective)} testId="launch-cli" />
          {body && <CommandBlock title={t('launch.curl')} text={curlCommand(location.origin, body, MICROVERSION)} testId="launch-curl" />}
          <p className="muted small">{t('launch.openrcHint')}</p>
        </div>
      </div>
    </div>
  );
}
