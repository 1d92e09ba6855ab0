/**
 * The fake `window.ringside` the screenshot scripts install in a page before its scripts run:
 * every request answers from canned data, events are pushed with `window.__emit`.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { build } from 'vite';
import { defaultDispositions, dispositionSchema, type Campaign } from '../../../shared/campaign.js';
import type { Snapshot } from '../../../shared/contract';
import { launchChromium } from '../../support/chromium.js';
import { serveDir } from '../../support/static-server.js';

export interface FakeData {
  snapshot: Snapshot;
  responses: Record<string, unknown>;
}

/** Runs in the page (passed to addInitScript, so it must not use anything from outside): `window.ringside` answering from `data`, events through `window.__emit`. */
export function installFake(data: FakeData): void {
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  const w = window as unknown as Record<string, unknown>;
  w.__emit = (key: string, payload: unknown) => listeners.get(key)?.forEach((l) => l(payload));
  w.__calls = [] as Array<[string, unknown[]]>;
  const answer = (key: string, args: unknown[]) => {
    (w.__calls as Array<[string, unknown[]]>).push([key, args]);
    if (key === 'app.ready') return { ok: true, value: data.snapshot };
    if (key === 'board.get') return { ok: true, value: data.snapshot.board };
    if (key === 'compliance.status') return { ok: true, value: data.snapshot.compliance };
    if (key in data.responses) return data.responses[key];
    return { ok: true, value: null };
  };
  const namespace = (ns: string) =>
    new Proxy(
      {},
      {
        get: (_t, method: string) => {
          const key = `${ns}.${method}`;
          if (/^on[A-Z]/.test(method)) {
            return (l: (p: unknown) => void) => {
              if (!listeners.has(key)) listeners.set(key, new Set());
              listeners.get(key)!.add(l);
              return () => listeners.get(key)!.delete(l);
            };
          }
          return (...args: unknown[]) => new Promise((resolve) => setTimeout(() => resolve(answer(key, args)), 5));
        },
      },
    );
  w.ringside = new Proxy({}, { get: (_t, ns: string) => namespace(ns) });
}

export const ok = (value: unknown) => ({ ok: true, value });

export type Scene = (name: string, data: FakeData, act: (page: Page) => Promise<void>, size?: { width: number; height: number }) => Promise<void>;

/**
 * Builds the renderer into test-results/<prefix>-screens/renderer, serves it on 127.0.0.1 and
 * hands `scenes` a `scene()` that opens a fresh page (fixed clock, New York time, the fake
 * installed), acts, checks that nothing errored, no dialog ran and the top bar stayed one row at
 * 1280 px (plus `check`), and saves test-results/<prefix>-<name>.png. Exit code 1 on any error.
 */
export async function runScreens(
  opts: { prefix: string; now: number; check?: (page: Page) => Promise<string | null> },
  scenes: (scene: Scene) => Promise<void>,
): Promise<void> {
  const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
  const out = path.join(repo, 'test-results');
  const bundleDir = path.join(out, `${opts.prefix}-screens`, 'renderer');
  await build({ configFile: path.join(repo, 'vite.config.ts'), logLevel: 'warn', build: { outDir: bundleDir, emptyOutDir: true } });
  const server = await serveDir(bundleDir);
  const browser = await launchChromium();
  const shots: string[] = [];
  const errors: string[] = [];
  const scene: Scene = async (name, data, act, size = { width: 1280, height: 800 }) => {
    const context = await browser.newContext({ viewport: size, deviceScaleFactor: 1, timezoneId: 'America/New_York' });
    const page = await context.newPage();
    page.on('pageerror', (e) => errors.push(`${name}: ${e.message}`));
    page.on('console', (m) => {
      // index.html's CSP carries frame-ancestors, which only a header can enforce (Electron sets both).
      if (m.type() === 'error' && !m.text().includes("'frame-ancestors' is ignored")) errors.push(`${name}: console: ${m.text()}`);
    });
    page.on('dialog', (d) => {
      errors.push(`${name}: a dialog opened (${d.message()}): hostile text was run`);
      void d.dismiss();
    });
    await page.clock.setFixedTime(opts.now);
    // tsx (esbuild) wraps named functions in `__name(...)`: give the page a no-op one.
    await page.addInitScript({ content: `var __name = (f) => f;\n(${installFake.toString()})(${JSON.stringify(data)});` });
    await page.goto(server.url);
    await page.waitForSelector('.topbar');
    await act(page);
    const bar = await page.locator('.topbar').boundingBox();
    if (size.width >= 1280 && bar && bar.height > 60) errors.push(`${name}: the top bar wraps (${bar.height}px high)`);
    const problem = await opts.check?.(page);
    if (problem) errors.push(`${name}: ${problem}`);
    const file = path.join(out, `${opts.prefix}-${name}.png`);
    await page.screenshot({ path: file });
    shots.push(file);
    await context.close();
  };
  try {
    await scenes(scene);
  } finally {
    await browser.close();
    await server.close();
  }
  for (const s of shots) console.log(`wrote ${path.relative(repo, s)}`);
  if (errors.length > 0) {
    console.error(errors.join('\n'));
    process.exitCode = 1;
  }
}

/** The campaign the screenshot scenes work on (a preview-dialled solar campaign with one script step). */
export function screenCampaign(name: string): Campaign {
  return {
    id: 1,
    name,
    kind: 'outbound',
    script: {
      coldStart: 'intro',
      warmStart: 'intro',
      steps: [
        {
          id: 'intro',
          title: 'Introduction',
          text: 'Hello {{lead.firstName}}, this is {{agent.name}} from Brightside Solar.',
          answers: [],
          capture: null,
          next: null,
        },
      ],
    },
    dispositions: defaultDispositions.map((d) => dispositionSchema.parse(d)),
    callerId: '',
    defaultCountry: 'US',
    dialMode: 'preview',
    previewCountdownSec: 0,
    maxAttempts: 5,
    wrapUpLimitSec: 60,
    warmWindows: { inquiryDays: 90, purchaseDays: 540, consentDays: 3650 },
  } as Campaign;
}
