// nova.conf: edit an option, save, restart the service it names, read the process counts.
import type { AppPage } from './app-page.js';

export class ConfigPage {
  constructor(private app: AppPage) {}

  async open(): Promise<void> {
    await this.app.goTo('config');
    await this.app.byTestId('conf-save').waitFor({ timeout: 15_000 });
  }

  value(name: string): Promise<string> {
    return this.app.byTestId(`conf-input-${name}`).inputValue();
  }

  async set(name: string, value: string): Promise<void> {
    await this.app.byTestId(`conf-input-${name}`).fill(value);
  }

  async save(): Promise<void> {
    await this.app.byTestId('conf-save').click();
  }

  async errorsText(): Promise<string> {
    await this.app.byTestId('conf-errors').waitFor({ timeout: 10_000 });
    return this.app.byTestId('conf-errors').innerText();
  }

  /** Restart a service from the panel; resolves with the process counts before and after. */
  async restart(binary: string, timeoutMs = 45_000): Promise<{ before: number; after: number }> {
    await this.app.byTestId(`conf-restart-${binary}`).click();
    const result = this.app.byTestId(`restart-result-${binary}`);
    await this.app.page.waitForFunction(
      (b) => !!document.querySelector(`[data-testid="restart-result-${b}"]`)?.getAttribute('data-after'),
      binary,
      { timeout: timeoutMs, polling: 250 },
    );
    return { before: Number(await result.getAttribute('data-before')), after: Number(await result.getAttribute('data-after')) };
  }
}
