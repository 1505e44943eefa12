// The Service logs screen: one service's log, live, with a text and a level filter.
import type { AppPage } from './app-page.js';

export class LogsPage {
  constructor(private app: AppPage) {}

  async open(binary: string, host: string): Promise<void> {
    await this.app.goTo('logs', binary, host);
    await this.app.byTestId('log-lines').waitFor();
  }

  /** The service the screen shows, as its picker says ("binary|host"), once the services are read. */
  async selected(): Promise<string> {
    await this.app.page.locator('[data-testid="log-service"] option').first().waitFor({ state: 'attached', timeout: 30_000 });
    return this.app.byTestId('log-service').inputValue();
  }

  /** The lines shown now (after the filters). */
  async lines(): Promise<{ level: string; text: string }[]> {
    return this.app
      .byTestId('log-line')
      .evaluateAll((els) => els.map((e) => ({ level: e.getAttribute('data-level') ?? '', text: e.textContent ?? '' })));
  }

  async filter(text: string): Promise<void> {
    await this.app.byTestId('log-filter').fill(text);
  }

  async level(level: 'all' | 'INFO' | 'WARNING' | 'ERROR'): Promise<void> {
    await this.app.byTestId('log-level').selectOption(level);
  }
}
