// What the 简体中文 sweeps share: every visible text node of a page (marked raw when it is
// data), a page with everything opened, and the names the lab's own APIs give (which may stay
// Latin in Chinese text). The checker itself is english-prose.ts.
import type { Page } from 'playwright';
import { FILTER_NAMES, WEIGHER_NAMES } from '../../../contract/scheduler-names.js';
import { SERVICE_BINARIES } from '../../../contract/services.js';
import { NOVA_CONF_OPTIONS } from '../../../contract/nova-conf-options.js';
import { adminToken } from './api.js';
import type { TextSample } from './english-prose.js';
import type { LabConfig } from '../../../contract/lab-api.js';

/** Every visible text node of the page, marked raw when it is data. */
export async function visibleText(page: Page, screen: string): Promise<TextSample[]> {
  return page.evaluate((screen) => {
    const out: { screen: string; text: string; raw?: boolean }[] = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const text = n.textContent ?? '';
      const el = n.parentElement;
      if (!el || !text.trim() || el.closest('script,style,[hidden]')) continue;
      const box = el.getBoundingClientRect();
      if (el.tagName !== 'OPTION' && box.width === 0 && box.height === 0) continue;
      const raw = !!el.closest('code,pre,kbd,samp,[data-raw]');
      out.push({ screen, text, ...(raw ? { raw } : {}) });
    }
    return out;
  }, screen);
}

/** Opens every step, history row, hint and file view the screen has closed. */
export async function expandAll(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    for (const b of document.querySelectorAll<HTMLButtonElement>('button[aria-expanded="false"]')) b.click();
  });
  await page.waitForTimeout(300);
}

/**
 * The names the lab's own APIs give now (services, hosts, zones, images and their properties,
 * flavors, servers, options, aggregates, roles, users), and the lab's filter, weigher and
 * service names: Latin words a Chinese screen may show.
 */
export async function labNames(guiUrl: string): Promise<Set<string>> {
  const names = new Set<string>();
  const token = await adminToken(guiUrl);
  const get = async <T>(path: string) =>
    (await (
      await fetch(new URL(path, guiUrl), { headers: { 'X-Auth-Token': token, 'OpenStack-API-Version': 'compute 2.79' } })
    ).json()) as T;
  for (const s of (await get<{ services: { binary: string; host: string; zone: string }[] }>('compute/v2.1/os-services')).services)
    for (const v of [s.binary, s.host, s.zone]) names.add(v);
  for (const h of (await get<{ hypervisors: { hypervisor_hostname: string }[] }>('compute/v2.1/os-hypervisors')).hypervisors)
    names.add(h.hypervisor_hostname);
  for (const i of (await get<{ images: { name: string; [k: string]: unknown }[] }>('image/v2/images')).images) {
    names.add(i.name);
    for (const v of Object.values(i)) if (typeof v === 'string' && !/\s/.test(v)) names.add(v);
  }
  for (const f of (await get<{ flavors: { name: string }[] }>('compute/v2.1/flavors')).flavors) names.add(f.name);
  for (const s of (await get<{ servers: { name: string }[] }>('compute/v2.1/servers')).servers) names.add(s.name);
  for (const z of (await get<{ availabilityZoneInfo: { zoneName: string }[] }>('compute/v2.1/os-availability-zone')).availabilityZoneInfo)
    names.add(z.zoneName);
  for (const o of NOVA_CONF_OPTIONS) {
    names.add(o.name).add(o.section).add(o.type);
    if (typeof o.default === 'string') names.add(o.default);
  }
  // The lab's own settings (compute_driver = fake, …): a value set in nova.conf is a name too.
  for (const v of Object.values((await get<LabConfig>('lab/api/config')).values))
    for (const x of Array.isArray(v) ? v : [v]) if (typeof x === 'string' && x && !/\s/.test(x)) names.add(x);
  for (const a of (await get<{ aggregates: { name: string }[] }>('compute/v2.1/os-aggregates')).aggregates) names.add(a.name);
  for (const r of (await get<{ roles: { name: string }[] }>('identity/v3/roles')).roles) names.add(r.name);
  for (const u of (await get<{ users: { name: string }[] }>('identity/v3/users')).users) names.add(u.name);
  for (const n of [...SERVICE_BINARIES, ...FILTER_NAMES, ...WEIGHER_NAMES]) names.add(n);
  // A bool option's values, and the language switch, which names each language in its own words.
  // (nova.conf writes them True and False.)
  for (const n of ['true', 'false', 'True', 'False', 'English']) names.add(n);
  return names;
}
