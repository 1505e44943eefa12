// The console: noVNC screen (canvas), Ctrl-Alt-Del, full screen, log tab, 14-step flow.
import type { AppPage } from './app-page.js';

export class ConsolePage {
  constructor(private app: AppPage) {}

  async waitConnected(timeoutMs = 30_000): Promise<void> {
    await this.app.page.waitForFunction(
      () => document.querySelector('[data-testid="vnc-state"]')?.getAttribute('data-state') === 'connected',
      undefined,
      { timeout: timeoutMs },
    );
  }

  canvas() {
    return this.app.page.locator('[data-testid="vnc-screen"] canvas');
  }

  async showLog(): Promise<void> {
    await this.app.byTestId('tab-log').click();
    await this.app.byTestId('console-log').waitFor();
  }

  async showScreen(): Promise<void> {
    await this.app.byTestId('tab-screen').click();
  }

  async waitForLogText(text: string, timeoutMs = 60_000): Promise<string> {
    await this.app.page.waitForFunction(
      (t) => (document.querySelector('[data-testid="console-log"]')?.textContent ?? '').includes(t),
      text,
      { timeout: timeoutMs, polling: 500 },
    );
    return this.app.byTestId('console-log').innerText();
  }

  async flowStatuses(): Promise<string[]> {
    return this.app.page
      .locator('[data-testid^="console-step-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute('data-status') ?? ''));
  }
}
