// The boot walkthrough: twelve steps, their statuses and real messages, and step mode.
import type { AppPage } from './app-page.js';

export interface StepState {
  n: number;
  status: string;
  summary: string;
}

export interface LaterEntry {
  kind: string;
  /** The chosen host, or '' for NoValidHost. */
  host: string;
  text: string;
}

export class BootPage {
  constructor(private app: AppPage) {}

  async steps(): Promise<StepState[]> {
    return this.app.page.locator('[data-testid="boot-timeline"] > li').evaluateAll((els) =>
      els.map((e, i) => ({
        n: i + 1,
        status: e.getAttribute('data-status') ?? '',
        summary: e.querySelector(`[data-testid="boot-step-summary-${i + 1}"]`)?.textContent ?? '',
      })),
    );
  }

  status(): Promise<string> {
    return this.app.byTestId('boot-status').innerText();
  }

  async serverId(): Promise<string | null> {
    const el = this.app.byTestId('boot-server-id');
    return (await el.count()) ? el.innerText() : null;
  }

  async waitForStatus(statuses: string[], timeoutMs = 90_000): Promise<string> {
    await this.app.page.waitForFunction(
      (want) => want.includes(document.querySelector('[data-testid="boot-status"]')?.textContent ?? ''),
      statuses,
      { timeout: timeoutMs, polling: 250 },
    );
    return this.status();
  }

  async waitAllDone(timeoutMs = 90_000): Promise<StepState[]> {
    await this.app.page.waitForFunction(
      () => {
        const items = [...document.querySelectorAll('[data-testid="boot-timeline"] > li')];
        return items.length === 12 && items.every((e) => e.getAttribute('data-status') === 'done');
      },
      undefined,
      { timeout: timeoutMs, polling: 250 },
    );
    return this.steps();
  }

  async expand(n: number): Promise<string> {
    await this.app.byTestId(`boot-step-toggle-${n}`).click();
    return this.app.byTestId(`boot-step-detail-${n}`).innerText();
  }

  heldText(): Promise<string> {
    return this.app.byTestId('held-step').innerText();
  }

  /** The step number being held, or null. */
  async heldStep(): Promise<number | null> {
    const held = await this.app.page.locator('[data-testid="boot-timeline"] > li[data-status="held"]').first();
    if (!(await held.count())) return null;
    const id = await held.getAttribute('data-testid');
    return id ? Number(id.replace('boot-step-', '')) : null;
  }

  async next(): Promise<void> {
    await this.app.byTestId('step-next').click();
  }

  async setStepMode(on: boolean): Promise<void> {
    const box = this.app.byTestId('step-mode-toggle');
    if ((await box.isChecked()) === on) return;
    // The box follows the lab's step mode (a PUT to the lab), so it changes after the click, not during it.
    await box.click();
    await this.app.page.waitForFunction(
      (want) => (document.querySelector('[data-testid="step-mode-toggle"]') as HTMLInputElement | null)?.checked === want,
      on,
    );
  }

  async continueAll(): Promise<void> {
    await this.app.byTestId('step-continue').click();
  }

  /** The later-scheduling list after the boot steps, once it holds an entry of `kind`. */
  async laterEntries(kind: string, timeoutMs = 30_000): Promise<LaterEntry[]> {
    const entries = this.app.page.locator('[data-testid="later-entry"]');
    await this.app.page.locator(`[data-testid="later-entry"][data-kind="${kind}"]`).first().waitFor({ timeout: timeoutMs });
    return entries.evaluateAll((els) =>
      els.map((e) => ({ kind: e.getAttribute('data-kind') ?? '', host: e.getAttribute('data-host') ?? '', text: e.textContent ?? '' })),
    );
  }

  /** Follow the link of the first later entry of `kind` to the scheduler view. */
  async openLaterDecision(kind: string): Promise<void> {
    await this.app.page.locator(`[data-testid="later-entry"][data-kind="${kind}"] [data-testid="later-open"]`).first().click();
    await this.app.byTestId('screen-scheduler').waitFor();
  }

  async openConsole(): Promise<void> {
    await this.app.byTestId('open-console').click();
    await this.app.byTestId('screen-console').waitFor();
  }
}
