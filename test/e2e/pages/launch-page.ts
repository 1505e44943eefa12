import type { AppPage } from './app-page.js';

export interface LaunchInput {
  name: string;
  image: string;
  flavor: string;
  zone?: string;
  stepMode?: boolean;
}

export class LaunchPage {
  constructor(private app: AppPage) {}

  async open(): Promise<void> {
    await this.app.goTo('launch');
    await this.app.byTestId('launch-image').waitFor();
  }

  private async pick(testId: string, text: string): Promise<void> {
    const select = this.app.byTestId(testId);
    await this.app.page.waitForFunction(
      ([id, t]) => [...document.querySelectorAll(`[data-testid="${id}"] option`)].some((o) => (o as HTMLOptionElement).value === t),
      [testId, text] as const,
      { timeout: 15_000 },
    );
    await select.selectOption(text);
  }

  async fill(input: LaunchInput): Promise<void> {
    await this.app.byTestId('launch-name').fill(input.name);
    await this.pick('launch-image', input.image);
    await this.pick('launch-flavor', input.flavor);
    if (input.zone !== undefined) await this.pick('launch-zone', input.zone);
    const stepBox = this.app.byTestId('launch-step-mode');
    if (input.stepMode !== undefined && (await stepBox.isChecked()) !== input.stepMode) {
      // The box follows the lab's step mode (a PUT to the lab), so it changes after the click, not during it.
      await stepBox.click();
      await this.app.page.waitForFunction(
        (want) => (document.querySelector('[data-testid="launch-step-mode"]') as HTMLInputElement | null)?.checked === want,
        input.stepMode,
      );
    }
  }

  cliText(): Promise<string> {
    return this.app.byTestId('launch-cli').innerText();
  }

  curlText(): Promise<string> {
    return this.app.byTestId('launch-curl').innerText();
  }

  async submit(): Promise<void> {
    await this.app.byTestId('launch-submit').click();
    await this.app.byTestId('screen-boot').waitFor();
  }
}
