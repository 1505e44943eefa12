import type { AppPage } from './app-page.js';

export class InstancesPage {
  constructor(private app: AppPage) {}

  async open(): Promise<void> {
    await this.app.goTo('instances');
  }

  row(name: string) {
    return this.app.byTestId(`instance-row-${name}`);
  }

  async status(name: string): Promise<string | null> {
    const r = this.row(name);
    return (await r.count()) ? r.getAttribute('data-status') : null;
  }

  /** Delete asks once more on the same button. */
  async delete(name: string): Promise<void> {
    const button = this.app.byTestId(`instance-delete-${name}`);
    await button.click();
    await button.click();
  }

  async waitGone(name: string, timeoutMs = 60_000): Promise<void> {
    await this.app.page.waitForFunction((n) => !document.querySelector(`[data-testid="instance-row-${n}"]`), name, {
      timeout: timeoutMs,
      polling: 500,
    });
  }
}
