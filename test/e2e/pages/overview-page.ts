import type { AppPage } from './app-page.js';

export class OverviewPage {
  constructor(private app: AppPage) {}

  async open(): Promise<void> {
    await this.app.goTo('overview');
    await this.app.byTestId('process-table').waitFor();
  }

  /** nova-api's processes as the table counts them: the master plus its workers. */
  async novaApiProcessCount(): Promise<number> {
    return Number(await this.app.byTestId('process-count-nova-api').innerText());
  }

  async hostCards(): Promise<string[]> {
    return this.app.page
      .locator('[data-testid^="host-card-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.replace('host-card-', '')));
  }

  async serviceListRows(): Promise<number> {
    return this.app.byTestId('service-list').locator('tbody tr').count();
  }
}
