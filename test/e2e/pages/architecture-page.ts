// The overview's architecture parts: the course's two pictures with what stands for each box
// in the lab, nova-api's processes per port, and each host's architecture, aggregates and ratios.
import type { AppPage } from './app-page.js';

export interface CourseBoxView {
  tone: string;
  pids: number[];
  text: string;
}

export class ArchitecturePage {
  constructor(private app: AppPage) {}

  async open(): Promise<void> {
    await this.app.goTo('overview');
    await this.app.byTestId('course-architecture').waitFor();
  }

  /** The boxes drawn in one course picture (SVG), by id, with their colour (tone). */
  async drawnBoxes(diagram: 'simple' | 'complex'): Promise<Record<string, string>> {
    return this.app
      .byTestId(`course-diagram-${diagram}`)
      .locator(`svg [data-testid^="course-box-${diagram}-"]`)
      .evaluateAll(
        (els, d) =>
          Object.fromEntries(
            els.map((e) => [e.getAttribute('data-testid')!.replace(`course-box-${d}-`, ''), e.getAttribute('data-tone')!]),
          ),
        diagram,
      );
  }

  /** One box as the list under a picture says it is in the lab, once the lab's answers are in. */
  async mapped(diagram: 'simple' | 'complex', node: string, box: string): Promise<CourseBoxView> {
    const li = this.app.byTestId(`course-map-${diagram}-${node}-${box}`);
    await this.app.page.waitForFunction(
      (id) => {
        const tone = document.querySelector(`[data-testid="${id}"]`)?.getAttribute('data-tone');
        return tone && tone !== 'unknown';
      },
      `course-map-${diagram}-${node}-${box}`,
      { timeout: 30_000 },
    );
    const pids = (await li.getAttribute('data-pids')) ?? '';
    return {
      tone: (await li.getAttribute('data-tone')) ?? '',
      pids: pids ? pids.split(' ').map(Number) : [],
      text: await li.innerText(),
    };
  }

  async caption(diagram: 'simple' | 'complex'): Promise<string> {
    return this.app.byTestId(`course-diagram-${diagram}`).locator('figcaption').innerText();
  }

  /** nova-api's row for one API: its port, master pid and worker pids as the GUI shows them. */
  async apiRow(role: 'osapi_compute' | 'metadata' | 'ec2'): Promise<{ port: number; master: number; workers: number[] }> {
    const row = this.app.byTestId(`api-port-${role}`);
    await row.waitFor({ timeout: 30_000 });
    const workers = (await this.app.byTestId(`api-workers-${role}`).innerText()).trim();
    return {
      port: Number(await row.getAttribute('data-port')),
      master: Number((await this.app.byTestId(`api-master-${role}`).innerText()).trim()),
      workers: workers === '-' ? [] : workers.split(',').map((s) => Number(s.trim())),
    };
  }

  async hostArchs(host: string): Promise<string> {
    await this.app.byTestId(`host-arch-${host}`).waitFor({ timeout: 30_000 });
    return (await this.app.byTestId(`host-arch-archs-${host}`).innerText()).trim();
  }

  async hostCpuInfo(host: string): Promise<string> {
    return this.app.byTestId(`host-arch-cpu-${host}`).innerText();
  }

  async hostAggregates(host: string): Promise<string> {
    return this.app.byTestId(`host-arch-aggregates-${host}`).innerText();
  }

  async ratio(host: string, which: 'cpu' | 'ram' | 'disk'): Promise<{ value: number; source: string; text: string }> {
    const el = this.app.byTestId(`ratio-${host}-${which}`);
    return {
      value: Number(await el.getAttribute('data-value')),
      source: (await el.getAttribute('data-source')) ?? '',
      text: await el.innerText(),
    };
  }
}
