/** Opens a customer phone (tests/support/customer-phone) in its own Chromium and registers it. */
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './chromium.js';
import { buildCustomerPhone } from './customer-phone/build.js';
import type { CustomerPhone, RtpStats, StartOptions } from './customer-phone/phone.js';
import { serveDir, type StaticServer } from './static-server.js';

let served: Promise<StaticServer> | null = null;

export interface CustomerHandle {
  page: Page;
  browser: Browser;
  eval<T>(fn: (phone: CustomerPhone) => T | Promise<T>): Promise<T>;
  rtp(): Promise<RtpStats>;
  close(): Promise<void>;
}

export async function openCustomer(
  kamailio: { wsUrl: string; domain: string; users: Record<string, string> },
  user: string,
  opts: Partial<StartOptions> = {},
  launch: { fakeAudioFile?: string } = {},
): Promise<CustomerHandle> {
  served ??= buildCustomerPhone().then((dir) => serveDir(dir));
  const server = await served;
  const browser = await launchChromium(launch);
  const page = await browser.newPage();
  await page.goto(server.url);
  await page.waitForFunction(() => (window as unknown as { phone?: CustomerPhone }).phone?.ready === true);
  const start: StartOptions = { wsUrl: kamailio.wsUrl, aor: `sip:${user}@${kamailio.domain}`, user, password: kamailio.users[user], ...opts };
  await page.evaluate((o) => (window as unknown as { phone: CustomerPhone }).phone.start(o), start);
  const evalPhone = <T>(fn: (phone: CustomerPhone) => T | Promise<T>): Promise<T> => page.evaluate(`(${fn.toString()})(window.phone)`) as Promise<T>;
  return {
    page,
    browser,
    eval: evalPhone,
    rtp: () => evalPhone((p) => p.rtpStats()),
    close: () => browser.close(),
  };
}
