// The scheduler view of one server: host × filter grid, emptied-by, weighers.
import type { AppPage } from './app-page.js';

export interface FilterColumn {
  name: string;
  emptied: boolean;
}

export class SchedulerPage {
  constructor(private app: AppPage) {}

  async open(serverId: string): Promise<void> {
    await this.app.goTo('scheduler', serverId);
    await this.app.byTestId('scheduler-filter-table').first().waitFor({ timeout: 30_000 });
  }

  async filterColumns(): Promise<FilterColumn[]> {
    return this.app.page.locator('[data-testid="scheduler-filter-table"] thead th[data-testid^="filter-col-"]').evaluateAll((els) =>
      els.map((e) => ({
        name: e.getAttribute('data-testid')!.replace('filter-col-', ''),
        emptied: e.getAttribute('data-emptied') === 'true',
      })),
    );
  }

  /** Each host's verdict in one filter: "pass", "skipped", or the rejection reason. */
  async column(filter: string): Promise<Record<string, { result: string; text: string }>> {
    const cells = await this.app.page
      .locator(`[data-testid^="filter-cell-"][data-testid$="-${filter}"]`)
      .evaluateAll((els) =>
        els.map((e) => ({ id: e.getAttribute('data-testid')!, result: e.getAttribute('data-result') ?? '', text: e.textContent ?? '' })),
      );
    return Object.fromEntries(
      cells.map((c) => [c.id.slice('filter-cell-'.length, -(filter.length + 1)), { result: c.result, text: c.text }]),
    );
  }

  emptiedByText(): Promise<string> {
    return this.app.byTestId('scheduler-emptied-by').innerText();
  }

  /** The decision the address points at (#/scheduler/<server>/<request id>): its kind label and chosen host. */
  async focusedTrace(timeoutMs = 30_000): Promise<{ kind: string; label: string; chosen: string }> {
    const trace = this.app.page.locator('[data-testid="scheduler-trace"][data-focused="true"]').first();
    await trace.waitFor({ timeout: timeoutMs });
    return {
      kind: (await trace.getAttribute('data-kind')) ?? '',
      label: (await trace.getByTestId('scheduler-kind').count()) ? await trace.getByTestId('scheduler-kind').innerText() : '',
      chosen: (await trace.getByTestId('scheduler-chosen').count()) ? await trace.getByTestId('scheduler-chosen').innerText() : '',
    };
  }

  async hasNoValidHost(): Promise<boolean> {
    return (await this.app.byTestId('scheduler-novalidhost').count()) > 0;
  }
}
