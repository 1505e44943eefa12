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

  /** The actions the row's chooser offers now (Nova's names, e.g. confirmResize). */
  async offeredActions(name: string): Promise<string[]> {
    const values = await this.app
      .byTestId(`instance-action-${name}`)
      .locator('option')
      .evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    return values.filter(Boolean);
  }

  async choose(name: string, action: string): Promise<void> {
    await this.app.byTestId(`instance-action-${name}`).selectOption(action);
  }

  /** The flavor or image the chosen action needs, by id. */
  async param(name: string, value: string): Promise<void> {
    await this.app.byTestId(`instance-param-${name}`).selectOption(value);
  }

  /** A typed parameter (the snapshot's name). */
  async fill(name: string, value: string): Promise<void> {
    await this.app.byTestId(`instance-param-${name}`).fill(value);
  }

  async apply(name: string): Promise<void> {
    await this.app.byTestId(`instance-apply-${name}`).click();
  }

  /** An action that needs nothing more. */
  async run(name: string, action: string): Promise<void> {
    await this.choose(name, action);
    await this.apply(name);
  }

  command(name: string): Promise<string> {
    return this.app.byTestId(`instance-command-${name}`).innerText();
  }

  async waitStatus(name: string, status: string, timeoutMs = 60_000): Promise<void> {
    await this.app.page.waitForFunction(
      ([n, st]) => document.querySelector(`[data-testid="instance-row-${n}"]`)?.getAttribute('data-status') === st,
      [name, status] as const,
      { timeout: timeoutMs, polling: 250 },
    );
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
