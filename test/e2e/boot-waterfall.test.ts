// Issue 14: each boot step shows how long it took and the walkthrough draws the whole boot as
// a waterfall across the services — and both are the lab's truth. Against a lab with one host
// and a real QEMU guest (the waterfall's last lane is the guest booting to its banner), a
// launch from the GUI: the test reads the lab's own events for that request from
// /lab/api/events and computes, on its own, every step's duration, every rpc wait and the
// guest's start and boot, then checks the GUI shows exactly those; that the step cards say
// they open and do; and that the waterfall has a lane for each service that took part, with
// bars in the order the bus saw the messages.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import type { LabEvent } from '../../contract/events.js';
import { BOOT_STEPS } from '../../contract/boot-steps.js';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken } from './support/api.js';
import { topologyFile } from '../../harness/lab-process.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { BootPage } from './pages/boot-page.js';
import { LaunchPage } from './pages/launch-page.js';

const at = (iso: string) => Date.parse(iso);
/** Where a source says its work began (detail.started_at), else the bus's stamp. */
const begun = (e: LabEvent) => {
  const s = (e.detail as { started_at?: string } | null)?.started_at;
  return s ? Math.min(at(s), at(e.ts)) : at(e.ts);
};
/** The rpc messages that are a step by themselves (the course's steps 5, 6 and 8). */
const RPC_STEP: Record<string, (topic: string, method: string) => boolean> = {
  'conductor.record': (t, m) => t === 'conductor' && ['instance_create', 'action_start', 'build_instances'].includes(m),
  'scheduler.call': (t, m) => t === 'scheduler' && m === 'select_destinations',
  'compute.cast': (t, m) => t.startsWith('compute.') && m === 'build_and_run_instance',
};
const shown = (ms: number) => (ms < 1 ? '< 1 ms' : ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(2)} s`);

interface BarSeen {
  lane: string;
  kind: string;
  label: string;
  start: number;
  ms: number;
  seq: number;
}

describe('step durations and the boot waterfall', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;
  let boot: BootPage;
  /** The launch's own events (its request id) and the GUI's keystone login just before them. */
  let mine: LabEvent[];
  let login: LabEvent[];
  let requestId: string;
  let readEvents: () => Promise<LabEvent[]>;

  before(async () => {
    // One host (the cheapest lab with a real guest): nova-compute with the QEMU driver.
    const topology = topologyFile([{ name: 'host-a', vcpus: 4, memory_mb: 4096, architectures: ['x86_64'] }]);
    ({ lab, browser, page, app } = await openGuiSession({ novaConf: `[novalab]\ntopology = ${topology}\n` }));
    const token = await adminToken(lab.guiUrl); // before the launch: this login is not the launch's

    const launch = new LaunchPage(app);
    await launch.open();
    await launch.fill({
      name: `timed-${Math.random().toString(36).slice(2, 6)}`,
      image: 'novalab-x86_64',
      flavor: 'm1.tiny',
      stepMode: false,
    });
    await launch.submit();
    boot = new BootPage(app);
    await boot.waitAllDone(90_000);
    requestId = await app.byTestId('boot-request-id').innerText();
    assert.match(requestId, /^req-/);

    readEvents = async () => {
      const r = await fetch(new URL('lab/api/events?since=0', lab.guiUrl), { headers: { 'X-Auth-Token': token } });
      return ((await r.json()) as { events: LabEvent[] }).events;
    };
    const all = await readEvents();
    mine = all.filter((e) => e.ctx?.request_id === requestId);
    assert.ok(mine.length > 20, `the lab reported the request's events (${mine.length})`);
    // keystone's steps carry keystone's own request id: the GUI's login is the last one before the request.
    const first = mine[0]!.seq;
    login = (['identity.credentials', 'identity.token'] as const).map((id) =>
      all.filter((e) => e.seq < first && e.kind === 'step' && e.step === id).pop()!,
    );
    assert.ok(login.every(Boolean), 'keystone reported the launch login');
  });

  after(() => closeGuiSession({ lab, browser }));

  test('every finished step shows the duration its events give, computed here from the lab API', async () => {
    const expected = BOOT_STEPS.map((id) => {
      const own = [...login, ...mine].filter(
        (e) =>
          ((e.kind === 'step' || e.kind === 'progress') && e.step === id) ||
          (e.kind.startsWith('rpc.') && e.topic !== 'lab' && !!RPC_STEP[id]?.(e.topic!, e.method!)) ||
          (id === 'api.request' && e.kind === 'http'),
      );
      assert.ok(own.length, `step ${id} has events of its own`);
      return Math.max(...own.map((e) => at(e.ts))) - Math.min(...own.map(begun));
    });
    // The POST's own record (nova-api, from arrival to 202) spans steps 4 and 5 inside it.
    assert.ok(expected[2]! >= expected[4]!, 'step 3 encloses step 5');

    // The GUI gets the events over its stream: wait until it has the last one the API returned.
    await page
      .waitForFunction(
        (want) => document.querySelector('[data-testid="boot-step-duration-12"]')?.getAttribute('data-ms') === String(want),
        expected[11],
        { timeout: 15_000 },
      )
      .catch(() => undefined);
    for (let n = 1; n <= 12; n++) {
      const d = app.byTestId(`boot-step-duration-${n}`);
      assert.equal(Number(await d.getAttribute('data-ms')), expected[n - 1], `step ${n} (${BOOT_STEPS[n - 1]}) duration`);
      assert.equal(await d.innerText(), shown(expected[n - 1]!), `step ${n} as written`);
    }
    await shot(page, 'waterfall-01-step-durations');

    await app.setLanguage('zh-CN');
    const ms3 = expected[2]!;
    assert.equal(await app.byTestId('boot-step-duration-3').innerText(), ms3 < 1000 ? `${ms3} 毫秒` : `${(ms3 / 1000).toFixed(2)} 秒`);
    assert.match(await app.byTestId('waterfall').locator('h3').innerText(), /^瀑布图/);
    await app.setLanguage('en');
  });

  test('step cards say they open (a chevron, aria-expanded) and toggle their messages', async () => {
    for (const n of [1, 6, 11]) {
      const toggle = app.byTestId(`boot-step-toggle-${n}`);
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.ok(await toggle.locator('.step-chevron').isVisible(), `step ${n} shows a disclosure chevron`);
      assert.equal(await app.byTestId(`boot-step-detail-${n}`).count(), 0);
      await toggle.click();
      assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
      assert.equal(await toggle.getAttribute('aria-controls'), `boot-step-detail-${n}`);
      await app.byTestId(`boot-step-detail-${n}`).waitFor();
      if (n === 6) await shot(page, 'waterfall-02-step-open');
      await toggle.press('Enter'); // a real button: the keyboard closes it too
      assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await app.byTestId(`boot-step-detail-${n}`).count(), 0);
    }
  });

  test('the waterfall has a lane per service that took part, bars in the bus order, waits as long as the replies took', async () => {
    const panel = app.byTestId('waterfall');
    // The guest is ACTIVE before it has booted: wait for its banner (nova-compute reports it), then read the events again.
    await panel.locator('[data-testid="waterfall-bar"][data-kind="boot"]').waitFor({ state: 'attached', timeout: 240_000 });
    mine = (await readEvents()).filter((e) => e.ctx?.request_id === requestId);
    await panel.scrollIntoViewIfNeeded();
    const lanes = await panel.locator('[data-testid="waterfall-lane"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane')!));
    const bars: BarSeen[] = await panel.locator('[data-testid="waterfall-bar"]').evaluateAll((els) =>
      els.map((e) => ({
        lane: e.getAttribute('data-lane')!,
        kind: e.getAttribute('data-kind')!,
        label: e.getAttribute('data-label')!,
        start: Number(e.getAttribute('data-start')),
        ms: Number(e.getAttribute('data-ms')),
        seq: Number(e.getAttribute('data-seq')),
      })),
    );

    // The services: every process that sent or answered something for this request.
    const services = new Set([...login, ...mine].map((e) => e.source).filter((s) => s !== 'novalab' && s !== 'broker'));
    for (const s of ['keystone', 'nova-api', 'nova-conductor', 'nova-scheduler']) assert.ok(services.has(s), `${s} took part`);
    assert.ok(
      [...services].some((s) => /^nova-compute@host-[ab]$/.test(s)),
      'a nova-compute took part',
    );
    const fetched = mine.some((e) => e.kind === 'progress' && e.step === 'compute.image' && !(e.detail as { cached?: boolean }).cached);
    const spawned = mine.some((e) => e.kind === 'progress' && (e.detail as { phase?: string }).phase === 'starting');
    assert.deepEqual(
      [...lanes].sort(),
      [...services, ...(fetched ? ['glance-api'] : []), ...(spawned ? ['guest'] : [])].sort(),
      'one lane per service that took part (and glance-api, and the guest)',
    );

    // Each rpc call and cast, in the order the bus saw them, is a bar in that order.
    const sent = mine.filter((e) => (e.kind === 'rpc.call' || e.kind === 'rpc.cast') && e.topic !== 'lab');
    const drawn = bars.filter((b) => b.kind === 'wait' || b.kind === 'cast').sort((a, b) => a.start - b.start || a.seq - b.seq);
    assert.deepEqual(
      drawn.map((b) => `${b.lane} ${b.label}`),
      sent.map((e) => `${e.source} ${e.topic}.${e.method}`),
    );
    // A wait lasts from the call to its reply, as the bus stamped them.
    const t0 = Math.min(...[...login, ...mine].map(begun));
    const replies = mine.filter((e) => e.kind === 'rpc.reply' && e.topic !== 'lab');
    for (const call of sent.filter((e) => e.kind === 'rpc.call')) {
      const i = replies.findIndex((r) => r.seq > call.seq && r.topic === call.topic && r.method === call.method);
      const reply = replies.splice(i, 1)[0]!;
      const bar = drawn.find((b) => b.seq === call.seq)!;
      assert.equal(bar.ms, at(reply.ts) - at(call.ts), `${call.topic}.${call.method} waited until its reply`);
      assert.equal(bar.start, at(call.ts) - t0, `${call.topic}.${call.method} starts at its call`);
    }

    // The guest lane: QEMU's process from its start to the driver's "started", then its boot to the banner.
    const phase = (p: string) => at(mine.find((e) => e.kind === 'progress' && (e.detail as { phase?: string }).phase === p)!.ts);
    const guest = bars.filter((b) => b.lane === 'guest');
    assert.deepEqual(
      guest.map((b) => [b.kind, b.start, b.ms]),
      [
        ['guest', phase('starting') - t0, phase('started') - phase('starting')],
        ['boot', phase('started') - t0, phase('banner') - phase('started')],
      ],
    );
    assert.match(guest[1]!.label, /^novalab login: /);
    assert.equal(await panel.locator('[data-testid="waterfall-lane"][data-lane="guest"] .wf-label').innerText(), 'QEMU guest');

    // Pointing at a bar says what it was; focusing the conductor's wait for the scheduler (a
    // sliver beside a guest's seconds of boot) says whom it waited for.
    await panel.locator('[data-testid="waterfall-bar"][data-kind="boot"]').hover();
    assert.match(await app.byTestId('waterfall-hover').innerText(), /^QEMU guest — guest booting to its login banner: novalab login: /);
    const wait = panel.locator(
      '[data-testid="waterfall-bar"][data-lane="nova-conductor"][data-kind="wait"][data-label="scheduler.select_destinations"]',
    );
    await wait.focus();
    assert.match(await app.byTestId('waterfall-hover').innerText(), /waited for nova-scheduler \(scheduler\.select_destinations\)/);
    await shot(page, 'waterfall-03-panel', { fullPage: true });
  });
});
