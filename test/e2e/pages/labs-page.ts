import type { AppPage } from './app-page.js';

export class LabsPage {
  constructor(private app: AppPage) {}

  async open(): Promise<void> {
    await this.app.goTo('labs');
  }

  async answer(step: string, value: string): Promise<void> {
    await this.app.byTestId(`lab-answer-${step}`).fill(value);
  }

  async waitDone(step: string, timeoutMs = 20_000): Promise<void> {
    await this.app.page.waitForFunction(
      (s) => document.querySelector(`[data-testid="lab-step-${s}"]`)?.getAttribute('data-done') === 'true',
      step,
      { timeout: timeoutMs, polling: 250 },
    );
  }

  progress(): Promise<string> {
    return this.app.byTestId('lab-progress').first().innerText();
  }
}
