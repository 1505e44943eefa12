// The guest's own screen through nova-novncproxy: ask nova-api for a console URL (token),
// then open noVNC's RFB on ws://<proxy>/?token=… — the proxy checks Origin and token.
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import RFB from '@novnc/novnc';
import { ErrorBox } from '../../components/ErrorBox';

export type VncState = 'idle' | 'requesting' | 'connecting' | 'connected' | 'disconnected' | 'failed';

/** The WebSocket address noVNC opens for a console URL like …/vnc_auto.html?path=%3Ftoken%3DT. */
export function websocketUrl(consoleUrl: string): string {
  const u = new URL(consoleUrl);
  const path = u.searchParams.get('path');
  const token = path ? new URLSearchParams(path.replace(/^[^?]*\?/, '')).get('token') : u.searchParams.get('token');
  if (!token) throw new Error(`no token in the console URL ${u.origin}${u.pathname}`);
  const proto = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${proto}//${u.host}/?token=${encodeURIComponent(token)}`;
}

/** The console URL with its token hidden: tokens are never shown or logged. */
export const maskedUrl = (consoleUrl: string) => consoleUrl.replace(/(token(%3D|=))[^&]+/i, '$1••••••');

export function VncScreen({ getUrl, onState }: { getUrl: () => Promise<string>; onState(s: VncState, detail?: string): void }) {
  const { t } = useTranslation();
  const holder = useRef<HTMLDivElement>(null);
  const frame = useRef<HTMLDivElement>(null);
  const rfb = useRef<RFB | null>(null);
  const [state, setState] = useState<VncState>('idle');
  const [error, setError] = useState<unknown>(null);
  const [url, setUrl] = useState<string | null>(null);
  const [reason, setReason] = useState<string | null>(null);

  const update = useCallback(
    (s: VncState, detail?: string) => {
      setState(s);
      onState(s, detail);
    },
    [onState],
  );

  const connect = useCallback(async () => {
    rfb.current?.disconnect();
    rfb.current = null;
    setError(null);
    setReason(null);
    update('requesting');
    let consoleUrl: string;
    try {
      consoleUrl = await getUrl();
      setUrl(consoleUrl);
    } catch (err) {
      setError(err);
      update('failed', (err as Error).message);
      return;
    }
    if (!holder.current) return;
    update('connecting');
    try {
      const r = new RFB(holder.current, websocketUrl(consoleUrl));
      r.scaleViewport = true;
      r.background = '#111';
      r.addEventListener('connect', () => update('connected'));
      r.addEventListener('disconnect', (e) => {
        const clean = (e as CustomEvent<{ clean: boolean }>).detail?.clean;
        const why = clean ? t('console.closed') : t('console.lost');
        setReason(why);
        update('disconnected', why);
      });
      r.addEventListener('securityfailure', (e) => {
        const d = (e as CustomEvent<{ status: number; reason?: string }>).detail;
        setReason(d?.reason ?? `security failure ${d?.status}`);
        update('failed', d?.reason);
      });
      rfb.current = r;
    } catch (err) {
      setError(err);
      update('failed', (err as Error).message);
    }
  }, [getUrl, update, t]);

  useEffect(() => {
    void connect();
    return () => {
      rfb.current?.disconnect();
      rfb.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const fullScreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen();
    else void frame.current?.requestFullscreen?.();
  };

  return (
    <div className="vnc" ref={frame}>
      <div className="vnc-toolbar">
        <span
          className={`status ${state === 'connected' ? 'status-ok' : state === 'failed' ? 'status-bad' : 'status-busy'}`}
          data-testid="vnc-state"
          data-state={state}
        >
          {t(`console.state.${state}`)}
        </span>
        <button type="button" onClick={() => rfb.current?.sendCtrlAltDel()} disabled={state !== 'connected'} data-testid="vnc-ctrl-alt-del">
          <kbd>Ctrl-Alt-Del</kbd>
        </button>
        <button type="button" onClick={fullScreen} data-testid="vnc-fullscreen">
          {t('console.fullScreen')}
        </button>
        <button type="button" onClick={() => void connect()} data-testid="vnc-reconnect">
          {t('console.reconnect')}
        </button>
        {url && (
          <code className="small muted" data-testid="vnc-url" title={t('console.urlHelp')}>
            {maskedUrl(url)}
          </code>
        )}
      </div>
      {reason && (
        <div className="muted small" data-testid="vnc-reason">
          {reason}
        </div>
      )}
      <ErrorBox what={t('console.urlFailed')} error={error} />
      <div className="vnc-screen" ref={holder} data-testid="vnc-screen" onClick={() => rfb.current?.focus()} />
      <p className="muted small">{t('console.typeHint')}</p>
    </div>
  );
}
