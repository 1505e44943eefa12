// The console page. The npm package of noVNC 1.7 ships the protocol library (core/, vendor/)
// but not its app (vnc.html, vnc_lite.html, app/), so this is our small equivalent of
// vnc_lite/vnc_auto (a noVNC client, as its title says: Tempest's test_novnc looks for that):
// it connects at once. Like noVNC ≥ 1.1 it reads the token from
// `?path=%3Ftoken%3D…` (Nova's URL) or `?token=…`, then opens `ws(s)://<this host>/?token=…` —
// never another host, whatever the URL says. It moves the token out of the address bar (and so
// out of history and bookmarks) into sessionStorage, so a reload still works.
// Served as-is: kept as strings so the build carries them into dist/.

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>novalab console (noVNC)</title>
<link rel="stylesheet" href="app/console.css">
<script type="module" src="app/console.js"></script>
</head>
<body data-state="loading">
<header id="bar">
  <span id="name">novalab console</span>
  <span id="status" role="status">Loading…</span>
  <button id="cad" type="button" disabled>Send Ctrl+Alt+Del</button>
</header>
<main id="screen"></main>
</body>
</html>
`;

export const INDEX_HTML = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>nova-novncproxy</title></head>
<body>
<h1>nova-novncproxy</h1>
<p>This is the lab's console proxy. Open the URL that <code>openstack console url show --novnc &lt;server&gt;</code>
or the lab's window gives you: it names this proxy's <code>vnc_auto.html</code> with a short-lived token.</p>
</body>
</html>
`;

export const CONSOLE_CSS = `html, body { margin: 0; height: 100%; background: #1e1e1e; color: #eee; font: 14px system-ui, sans-serif; }
body { display: flex; flex-direction: column; }
#bar { display: flex; gap: 1em; align-items: center; padding: 4px 8px; background: #333; }
#status { flex: 1; color: #bbb; }
body[data-state="connected"] #status { color: #8c8; }
body[data-state="failed"] #status { color: #f88; }
#screen { flex: 1; overflow: hidden; }
`;

export const CONSOLE_JS = `import RFB from '../core/rfb.js';

const STORE_KEY = 'novalab.console.token';
const statusEl = document.getElementById('status');
const nameEl = document.getElementById('name');
const cad = document.getElementById('cad');

function setState(state, text) {
  document.body.dataset.state = state;
  statusEl.textContent = text;
}

function tokenFromLocation() {
  const params = new URLSearchParams(location.search);
  const direct = params.get('token');
  if (direct) return direct;
  const path = params.get('path');
  if (!path) return null;
  const q = path.indexOf('?');
  return new URLSearchParams(q >= 0 ? path.slice(q + 1) : path).get('token');
}

const WHY = {
  1005: 'the console link is not valid any more (links expire after a few minutes): ask for a new console URL',
  4002: 'the proxy may not connect to this console address',
  4004: 'the console is unreachable: is the instance running?',
  4005: 'the console proxy could not authenticate to the VNC server of the instance',
  1011: 'nova-consoleauth did not answer',
};

function connect(token) {
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/?token=' + encodeURIComponent(token);
  const ws = new WebSocket(url, ['binary']);
  ws.binaryType = 'arraybuffer';
  let closed = null;
  ws.addEventListener('close', (e) => { closed = e; });
  const rfb = new RFB(document.getElementById('screen'), ws);
  rfb.scaleViewport = true;
  rfb.focusOnClick = true;
  rfb.addEventListener('connect', () => { setState('connected', 'Connected'); cad.disabled = false; rfb.focus(); });
  rfb.addEventListener('disconnect', (e) => {
    cad.disabled = true;
    if (e.detail.clean && !(closed && WHY[closed.code])) { setState('disconnected', 'Disconnected'); return; }
    const why = closed && (WHY[closed.code] || closed.reason);
    setState('failed', 'Connection failed' + (why ? ': ' + why : ''));
  });
  rfb.addEventListener('desktopname', (e) => { nameEl.textContent = e.detail.name; document.title = e.detail.name; });
  rfb.addEventListener('securityfailure', (e) => setState('failed', 'VNC security failure: ' + (e.detail.reason || e.detail.status)));
  cad.addEventListener('click', () => rfb.sendCtrlAltDel());
  window.novalabConsole = { rfb };
  setState('connecting', 'Connecting…');
}

let token = tokenFromLocation();
if (token) {
  sessionStorage.setItem(STORE_KEY, token);
  history.replaceState(null, '', location.pathname);
} else {
  token = sessionStorage.getItem(STORE_KEY);
}
if (token) connect(token);
else setState('failed', 'No console token: open the URL that "openstack console url show --novnc" gives you');
`;
