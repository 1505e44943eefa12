// Typing into a noVNC canvas as a person does.
import type { Page } from 'playwright';

/** Playwright's `type` sends '$' without pressing Shift, and QEMU (which gets scancodes from
 *  noVNC) would see '4': press Shift for shifted characters, as a person does. Keys are held
 *  for a moment, as a person's are: a TCG guest on a loaded machine drains its PS/2 queue
 *  slowly, and QEMU drops what does not fit. */
const SHIFTED: Record<string, string> = { $: 'Digit4', '(': 'Digit9', ')': 'Digit0', '*': 'Digit8', '>': 'Period' };

export async function typeLikeAPerson(page: Page, text: string): Promise<void> {
  for (const ch of text) {
    if (SHIFTED[ch]) await page.keyboard.press(`Shift+${SHIFTED[ch]}`, { delay: 20 });
    else await page.keyboard.type(ch, { delay: 20 });
  }
}
