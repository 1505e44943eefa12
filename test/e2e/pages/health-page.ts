// A service's health as the overview shows it in three places — the architecture diagram, the
// process table and the Services table (nova service-list) — and the service events (crashes).
import type { Locator } from 'playwright';
import type { AppPage } from './app-page.js';

export interface ShownHealth {
  /** The health the element says it draws (data-health). */
  state: string | null;
  /** The word a learner reads. */
  word: string;
}

export class HealthPage {
  constructor(private app: AppPage) {}

  async open(): Promise<void> {
    await this.app.goTo('overview');
    await this.app.byTestId('service-map').waitFor();
  }

  private async read(testId: string): Promise<ShownHealth | null> {
    const el = this.app.byTestId(testId);
    if ((await el.count()) === 0) return null;
    return { state: await el.getAttribute('data-health'), word: (await this.app.byTestId(`${testId}-word`).innerText()).trim() };
  }

  /** The box of `binary` on `host` in the architecture diagram. */
  diagram(binary: string, host: string): Promise<ShownHealth | null> {
    return this.read(`svc-health-${binary}-${host}`);
  }

  /** Its row in the Services table (nova service-list). */
  services(binary: string, host: string): Promise<ShownHealth | null> {
    return this.read(`service-health-${binary}-${host}`);
  }

  /** The host's card (os-hypervisors), whose state is its nova-compute's health. */
  hostCard(host: string): Promise<ShownHealth | null> {
    return this.read(`host-health-${host}`);
  }

  processTable(binary: string, host: string): Promise<ShownHealth | null> {
    return this.read(`process-health-${binary}-${host}`);
  }

  /** Why the Services table says what it says. */
  servicesReason(binary: string, host: string): Promise<string> {
    return this.app.byTestId(`service-health-${binary}-${host}-why`).innerText();
  }

  /** The service events shown, newest first. */
  events(): Locator {
    return this.app.byTestId('service-event');
  }

  crashOf(service: string): Locator {
    return this.lifeEvent('crash', service);
  }

  backOf(service: string): Locator {
    return this.lifeEvent('back', service);
  }

  /** A restart someone asked for (the Overview's Restart button, the lab API). */
  restartedOf(service: string): Locator {
    return this.lifeEvent('restarted', service);
  }

  private lifeEvent(event: string, service: string): Locator {
    return this.app.page.locator(`[data-testid="service-event"][data-event="${event}"][data-service="${service}"]`);
  }

  async openLogsFromProcessTable(binary: string, host: string): Promise<void> {
    await this.app.byTestId(`process-logs-${binary}-${host}`).click();
    await this.app.byTestId('screen-logs').waitFor();
  }
}
