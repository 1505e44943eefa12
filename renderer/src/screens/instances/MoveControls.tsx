// The resize and cold-migrate actions of one instance: pick a flavor and resize, migrate
// (admin), then confirm or revert while it is VERIFY_RESIZE. The scheduler view then shows the
// decision the move caused.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSession } from '../../session/session';
import type { ServerDetail, FlavorDetail } from '../../api/compute';
import { MOVE_ACTIONS, moveAllowed, moveBody, type MoveAction } from './move-actions';

export function MoveControls({
  server,
  flavors,
  disabled,
  onError,
}: {
  server: ServerDetail;
  flavors: FlavorDetail[];
  disabled: boolean;
  onError: (what: string, error: unknown) => void;
}) {
  const { t } = useTranslation();
  const { compute } = useSession();
  const [flavor, setFlavor] = useState<string>('');
  const [busy, setBusy] = useState<MoveAction | null>(null);
  const others = flavors.filter((f) => f.name !== server.flavor?.original_name);
  const run = async (a: MoveAction) => {
    setBusy(a);
    try {
      await compute.move(server.id, moveBody(a, flavor || others[0]?.id || null));
    } catch (err) {
      onError(t('instances.actionFailed', { action: t(`instances.action.${a}`), name: server.name }), err);
    } finally {
      setBusy(null);
    }
  };
  return (
    <span className="move-controls">
      {moveAllowed('resize', server.status) && (
        <select
          value={flavor}
          onChange={(e) => setFlavor(e.target.value)}
          aria-label={t('instances.resizeTo')}
          data-testid={`instance-resize-flavor-${server.name}`}
        >
          {others.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      )}
      {MOVE_ACTIONS.filter((a) => moveAllowed(a, server.status)).map((a) => (
        <button
          key={a}
          type="button"
          className="small-btn"
          disabled={disabled || busy !== null || (a === 'resize' && others.length === 0)}
          onClick={() => void run(a)}
          data-testid={`instance-${a}-${server.name}`}
        >
          {busy === a ? '…' : t(`instances.action.${a}`)}
        </button>
      ))}
    </span>
  );
}
