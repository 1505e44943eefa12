// The shell every screen shares: navigation, language, sign-out — and sign-in before it.
import type { Locator, Page } from 'playwright';

export type ScreenId = 'overview' | 'launch' | 'boot' | 'scheduler' | 'console' | 'instances' | 'config' | 'labs' | 'logs';

export class AppPage {
  constructor(
    readonly page: Page,
    readonly guiUrl: string,
  ) {}

  byTestId(id: string): Locator {
    return this.page.getByTestId(id);
  }

  async open(): Promise<void> {
    await this.page.goto(this.guiUrl);
  }

  async signIn(user = 'admin', password = 'novalab', project = 'admin'): Promise<void> {
    await this.byTestId('signin-user').fill(user);
    await this.byTestId('signin-password').fill(password);
    await this.byTestId('signin-project').fill(project);
    await this.byTestId('signin-submit').click();
    await this.byTestId('signed-in-user').waitFor({ timeout: 15_000 });
  }

  async goTo(screen: ScreenId, ...args: string[]): Promise<void> {
    if (args.length === 0) await this.byTestId(`nav-${screen}`).click();
    else
      await this.page.evaluate(
        (h) => {
          location.hash = h;
        },
        `#/${[screen, ...args].map(encodeURIComponent).join('/')}`,
      );
    await this.byTestId(`screen-${screen}`).waitFor();
  }

  async setLanguage(code: 'en' | 'zh-CN'): Promise<void> {
    await this.byTestId('language-select').selectOption(code);
  }

  navText(screen: ScreenId): Promise<string> {
    return this.byTestId(`nav-${screen}`).innerText();
  }

  /** Wait until `fn` (run in the page) returns something truthy. */
  async until<T>(fn: () => T, timeoutMs = 30_000): Promise<void> {
    await this.page.waitForFunction(fn, undefined, { timeout: timeoutMs, polling: 250 });
  }
}
