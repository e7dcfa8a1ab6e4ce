import { chromium, type Browser } from 'playwright-core';
import { chromiumPath } from '../setup/requirements.ts';

/** Debian's Chromium, headless, with the flags this offline machine needs (no background network). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
