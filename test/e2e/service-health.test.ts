// Issue 14, point 7: health agrees with itself, a crash is an event with its exit reason, and
// each service's log can be read live. Against a lab with the fake driver, two hosts, and
// heartbeats every second (service_down_time 6 s, so a frozen service is seen down quickly):
// a nova-compute frozen with SIGSTOP is "down" with the same word in the diagram, the process
// table and the Services table — its process still runs — and "up" again after SIGCONT; a
// SIGKILLed nova-scheduler shows as a crash with SIGKILL and its pid, then as back; the logs
// view of nova-api shows new lines without a reload and filters them by text and level, and no
// token reaches a served log.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright';
import { topologyFile } from '../../harness/lab-process.js';
import type { LabServices } from '../../contract/lab-api.js';
import type { LabLogs } from '../../contract/service-health.js';
import { type Lab } from './support/lab.js';
import { shot } from './support/browser.js';
import { adminToken, compute, labApi, waitFor } from './support/api.js';
import { AppPage } from './pages/app-page.js';
import { closeGuiSession, openGuiSession } from './support/gui-session.js';
import { HealthPage, type ShownHealth } from './pages/health-page.js';
import { LogsPage } from './pages/logs-page.js';

const DOWN_TIME_S = 6;

describe('service health, crash events and service logs', { timeout: 10 * 60_000 }, () => {
  let lab: Lab;
  let browser: Browser;
  let page: Page;
  let app: AppPage;
  let health: HealthPage;

  const processOf = async (binary: string, host: string) => {
    const { body } = await labApi<LabServices>(lab.guiUrl, 'GET', 'services');
    const p = body.processes.find((x) => x.binary === binary && x.host === host);
    assert.ok(p?.pid, `${binary}@${host} has a process`);
    return p;
  };

  /** The places of the overview that show a service's health (and a compute's host card), once all of them say `state`. */
  const allSay = (binary: string, host: string, state: string) =>
    waitFor(
      `${binary}@${host} shown ${state} in the diagram, the process table, the Services table (and its host card)`,
      async () => {
        const shown = [await health.diagram(binary, host), await health.processTable(binary, host), await health.services(binary, host)];
        if (binary === 'nova-compute') shown.push(await health.hostCard(host));
        return shown.every((s) => s?.state === state) ? (shown as ShownHealth[]) : null;
      },
      90_000,
    );

  before(async () => {
    const topology = topologyFile([
      { name: 'host-a', vcpus: 4, memory_mb: 4096 },
      { name: 'host-b', vcpus: 4, memory_mb: 4096 },
    ]);
    ({ lab, browser, page, app } = await openGuiSession({
      novaConf: `[DEFAULT]\ncompute_driver = fake\nreport_interval = 1\nservice_down_time = ${DOWN_TIME_S}\n[novalab]\ntopology = ${topology}\n`,
    }));
    health = new HealthPage(app);
  });

  after(() => closeGuiSession({ lab, browser }));

  test('a frozen nova-compute is down with the same word everywhere, and up again once it runs', async () => {
    await health.open();
    await allSay('nova-compute', 'host-a', 'up');
    const compute_ = await processOf('nova-compute', 'host-a');
    process.kill(compute_.pid!, 'SIGSTOP');
    try {
      const [diagram, table, services, card] = await allSay('nova-compute', 'host-a', 'down');
      assert.equal(diagram!.word, 'down');
      assert.equal(table!.word, diagram!.word, 'the process table says what the diagram says');
      assert.equal(services!.word, diagram!.word, 'the Services table says what the diagram says');
      assert.equal(card!.word, diagram!.word, 'the host card says what the diagram says');
      assert.match(await health.servicesReason('nova-compute', 'host-a'), /no heartbeat for \d+ s \(service_down_time = 6 s\)/);
      // What makes it down is the heartbeat: its process is still there, the supervisor still runs it.
      assert.equal((await processOf('nova-compute', 'host-a')).state, 'running');
      assert.equal((await health.diagram('nova-compute', 'host-b'))?.state, 'up', 'the other host is still up');
      // In 简体中文 too, one word for both.
      await app.setLanguage('zh-CN');
      const zhDiagram = await health.diagram('nova-compute', 'host-a');
      const zhServices = await health.services('nova-compute', 'host-a');
      assert.equal(zhDiagram?.word, '离线');
      assert.equal(zhServices?.word, zhDiagram?.word);
      await shot(page, 'service-health-frozen-compute');
      await app.setLanguage('en');
    } finally {
      process.kill(compute_.pid!, 'SIGCONT');
    }
    const [diagram, , services] = await allSay('nova-compute', 'host-a', 'up');
    assert.equal(diagram!.word, 'up');
    assert.equal(services!.word, 'up');
  });

  test('a killed nova-scheduler shows as a crash with its signal and pid, then as back', async () => {
    await health.open();
    const scheduler = await processOf('nova-scheduler', 'novalab');
    process.kill(scheduler.pid!, 'SIGKILL');
    const crash = health.crashOf('nova-scheduler').first();
    await crash.waitFor({ timeout: 60_000 });
    assert.equal(await crash.getAttribute('data-signal'), 'SIGKILL');
    const text = await crash.innerText();
    assert.match(text, new RegExp(`nova-scheduler \\(pid ${scheduler.pid}\\) crashed: SIGKILL`));
    assert.match(text, /starting it again in \d+ ms/);
    await health.backOf('nova-scheduler').first().waitFor({ timeout: 60_000 });
    const back = await processOf('nova-scheduler', 'novalab');
    assert.notEqual(back.pid, scheduler.pid);
    assert.match(await health.backOf('nova-scheduler').first().innerText(), new RegExp(`pid ${back.pid}`));
    await allSay('nova-scheduler', 'novalab', 'up');

    // A nova-api worker is started again by its master, not the launcher: its death is a crash event too.
    const api = await processOf('nova-api', 'novalab');
    const worker = api.workerPids[0]!;
    process.kill(worker, 'SIGKILL');
    const workerCrash = health.crashOf('nova-api').first();
    await workerCrash.waitFor({ timeout: 60_000 });
    assert.notEqual(await workerCrash.getAttribute('data-worker'), '');
    assert.match(
      await workerCrash.innerText(),
      new RegExp(`nova-api worker \\((osapi_compute|metadata|ec2)\\) \\(pid ${worker}\\) crashed: SIGKILL`),
    );
  });

  test("a service's log shows new lines live, filters by text and level, and holds no token", async () => {
    await health.open();
    await health.openLogsFromProcessTable('nova-api', 'novalab');
    const logs = new LogsPage(app);
    assert.equal(await logs.selected(), 'nova-api|novalab');
    await waitFor('nova-api start-up lines', async () => (await logs.lines()).some((l) => /ready on port/.test(l.text)));

    // New lines while the screen stays open: a request (logged as Nova's access line) and a
    // refused metadata request (a warning).
    const token = await adminToken(lab.guiUrl);
    const marker = `logcheck${Date.now()}`;
    // A token in a query string (refused by nova-api's strict query schema, but logged all the same).
    const r = await compute(lab.guiUrl, 'GET', `/servers/detail?name=${marker}&token=${encodeURIComponent(token)}`);
    const offset = Number(new URL(lab.guiUrl).port) - 8780;
    const meta = await fetch(`http://127.0.0.1:${8775 + offset}/openstack/latest/meta_data.json`);
    assert.equal(meta.status, 403);
    await waitFor(
      'the new lines on screen',
      async () => {
        const lines = await logs.lines();
        return lines.some((l) => l.text.includes(marker)) && lines.some((l) => l.level === 'WARNING' && /metadata request/.test(l.text));
      },
      30_000,
    );
    const all = await logs.lines();

    await logs.filter(marker);
    await waitFor('only the matching line', async () => {
      const shown = await logs.lines();
      return shown.length > 0 && shown.length < all.length && shown.every((l) => l.text.includes(marker));
    });
    const [line] = await logs.lines();
    assert.match(line!.text, new RegExp(`"GET /v2\\.1/servers/detail\\?name=${marker}&token=\\*\\*\\* HTTP/1\\.1" status: ${r.status} `));

    await logs.filter('');
    await logs.level('WARNING');
    await waitFor('warnings only', async () => {
      const shown = await logs.lines();
      return (
        shown.length > 0 && shown.every((l) => l.level === 'WARNING' || l.level === 'ERROR' || l.level === '') && shown.length < all.length
      );
    });
    assert.ok(!(await logs.lines()).some((l) => l.text.includes(marker)), 'the INFO access line is filtered out');
    await shot(page, 'service-logs-filtered');

    // Nothing served from any service's log holds the token the request carried.
    const { body } = await labApi<LabServices>(lab.guiUrl, 'GET', 'services');
    for (const p of body.processes) {
      const served = await labApi<LabLogs>(lab.guiUrl, 'GET', `services/${p.binary}/logs?host=${p.host}`);
      assert.equal(served.status, 200);
      assert.ok(!JSON.stringify(served.body).includes(token), `${p.binary}@${p.host}'s log holds a token`);
    }
  });

  test('a member sees the services but no way into their logs, which are admin-only', async () => {
    await app.byTestId('sign-out').click();
    await app.signIn('demo', 'demo', 'demo');
    await health.open();
    await waitFor('the process table', async () => (await page.locator('[data-testid="process-table"] tbody tr').count()) > 0);
    assert.equal(await app.byTestId('nav-logs').count(), 0, 'no Service logs entry in the navigation');
    assert.equal(await page.locator('[data-testid^="process-logs-"]').count(), 0, 'no log link in the process table');
    assert.equal(await app.byTestId('service-event-logs').count(), 0, 'no log link beside a service event');
    // The route itself still answers, with the lab's refusal rather than an empty screen.
    await app.goTo('logs', 'nova-api');
    await app.byTestId('error-box').waitFor({ timeout: 15_000 });
    await app.byTestId('sign-out').click();
    await app.signIn();
  });
});
