/**
 * Debian's chromium, headless, driven by playwright-core (no downloaded browser), with a fresh
 * profile per run. Records what must never happen on a dashboard page: a JavaScript dialog (an
 * injected alert()), an uncaught page error, a CSP violation, a failed request; and every URL
 * requested, so tests can check which API calls a page made.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.LOGWARD_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = join(import.meta.dirname, '..', '.screenshots');

/** Why the browser tests cannot run here, or undefined when they can. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : `chromium not found at ${CHROMIUM}: install it (Debian: apt-get install -y --no-install-recommends chromium) to run the dashboard browser tests`;
}

/**
 * What the functions evaluated in the page use of the browser's globals. This project type-checks
 * against Node's library only (no DOM), and these functions run in the page, not here; the casts
 * vanish when the function is sent to the browser.
 */
export interface PageGlobals {
  sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
  document: {
    querySelectorAll(s: string): { length: number };
    querySelector(s: string): { textContent: string | null } | null;
    addEventListener(type: 'securitypolicyviolation', f: (e: { violatedDirective: string; blockedURI: string }) => void): void;
  };
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> } } | null;
}

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Browser {
  context: BrowserContext;
  page: Page;
  dialogs: string[];
  pageErrors: string[];
  cspViolations: string[];
  failedRequests: string[];
  /** Every URL the page requested, in order (the tests check which API calls a page made). */
  requests: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'logward-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1400, height: 1000 },
    locale: 'en-GB',
    timezoneId: 'UTC',
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  const b: Browser = {
    context,
    page,
    dialogs: [],
    pageErrors: [],
    cspViolations: [],
    failedRequests: [],
    requests: [],
    async screenshot(name) {
      mkdirSync(SCREENSHOTS, { recursive: true });
      const path = join(SCREENSHOTS, `${name}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
  page.on('dialog', (d) => {
    b.dialogs.push(`${d.type()}: ${d.message()}`);
    void d.dismiss();
  });
  page.on('pageerror', (e) => b.pageErrors.push(e.message));
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) b.cspViolations.push(m.text());
  });
  page.on('request', (r) => void b.requests.push(r.url()));
  page.on('requestfailed', (r) => b.failedRequests.push(`${r.url()}: ${r.failure()?.errorText ?? ''}`));
  // Reported by the page itself as well (not every violation reaches the console).
  await context.addInitScript(() => {
    (globalThis as unknown as PageGlobals).document.addEventListener('securitypolicyviolation', (e) => console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  return b;
}

/** Pixels of a canvas that are not transparent: a chart that drew something has thousands. */
export async function inkedPixels(page: Page, selector: string): Promise<number> {
  return page.$eval(selector, (c) => {
    const canvas = c as unknown as PageCanvas;
    const ctx = canvas.getContext('2d');
    if (!ctx || !canvas.width || !canvas.height) return 0;
    const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return n;
  });
}
