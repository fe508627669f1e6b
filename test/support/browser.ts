import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { demoPassword } from '../../src/demo/demo-accounts';
import { seedDemoOrganisation } from '../../src/demo/seed-demo';
import { projectRoot } from '../../src/shared/paths';
import { startTestApp, type TestApp } from './test-app';

/**
 * Browser tests: the real app (demo organisation seeded) on a port of its own, driven
 * by Debian's Chromium through playwright-core. Every page a test visits is checked
 * with axe-core (no serious or critical violation), watched for CSP violations,
 * script errors and dialogs (an XSS that ran would open one), and photographed
 * under test-results/screenshots/.
 */

export const screenshotDir = path.join(projectRoot, 'test-results', 'screenshots');
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(chromiumPath)) {
    throw new Error(
      `No Chromium at ${chromiumPath}: install Debian's (apt-get install -y chromium, as .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  return chromium.launch({
    executablePath: chromiumPath,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export interface RunningApp {
  testApp: TestApp;
  baseUrl: string;
  close(): Promise<void>;
}

/**
 * The real app with the demo organisation, listening on a free port of 127.0.0.1; `startAt`
 * starts its clock on a fixed instant, for a test whose pages print dates.
 */
export async function startBrowserTestApp(options: { startAt?: Date } = {}): Promise<RunningApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gm-browser-'));
  const testApp = await startTestApp({ demoMode: true, dataDir }, { startAt: options.startAt });
  await seedDemoOrganisation(testApp.db, testApp.clock.now());
  const server = http.createServer(testApp.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    testApp,
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await testApp.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface Viewport {
  name: string;
  width: number;
  height: number;
}
export const desktop: Viewport = { name: 'desktop', width: 1280, height: 900 };
export const phone: Viewport = { name: 'phone', width: 390, height: 844 };

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/** One signed-in person at one browser window, with the checks every page gets. */
export class UiSession {
  readonly problems: string[] = [];
  readonly visited: string[] = [];
  private shot = 0;

  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    readonly baseUrl: string,
    readonly prefix: string,
  ) {
    page.on('console', (message) => {
      // failed loads are reported with their address by the response listener below
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource'))
        this.problems.push(`console error on ${page.url()}: ${message.text()}`);
    });
    page.on('response', (response) => {
      const url = new URL(response.url());
      if (response.status() >= 400)
        this.problems.push(`${response.status()} for ${url.pathname}${url.search}`);
    });
    page.on('pageerror', (error) => this.problems.push(`script error on ${page.url()}: ${error.message}`));
    page.on('dialog', async (dialog) => {
      this.problems.push(`a dialog opened on ${page.url()} (did a script run?): ${dialog.message()}`);
      await dialog.dismiss();
    });
  }

  static async open(
    browser: Browser,
    baseUrl: string,
    viewport: Viewport,
    prefix: string,
  ): Promise<UiSession> {
    const context = await browser.newContext({
      viewport: { width: viewport.width, height: viewport.height },
      locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai',
      isMobile: viewport.width < 600,
      hasTouch: viewport.width < 600,
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    return new UiSession(context, page, baseUrl, `${prefix}-${viewport.name}`);
  }

  async goto(pathname: string, label: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}${pathname}`);
    await this.checkPage(label);
  }

  /** After a navigation: wait for the page, run axe, take a picture. */
  async checkPage(label: string): Promise<void> {
    await this.page.waitForLoadState('load');
    const status = await this.page.evaluate(() => document.title);
    this.visited.push(`${label}: ${new URL(this.page.url()).pathname} (${status})`);
    const violations = await this.axe();
    for (const violation of violations) {
      this.problems.push(
        `axe ${violation.impact} ${violation.id} on ${label} (${this.page.url()}): ${violation.help} — ${violation.nodes
          .slice(0, 3)
          .map((node) => node.target.join(' '))
          .join('; ')}`,
      );
    }
    await this.checkIcon(label);
    for (const id of await this.duplicateIds())
      this.problems.push(`duplicate id "${id}" on ${label} (${this.page.url()})`);
    await this.screenshot(label);
  }

  /** Every page links the app's icon (else the browser asks for /favicon.ico, a 404 in its console), and it loads. */
  private iconChecked = false;
  async checkIcon(label: string): Promise<void> {
    // read from the loaded page (checkPage waited for it); the timeout is only for a browser slowed by a busy
    // machine (1 s failed once on CI with the link there), not for the link to appear
    const href = await this.page
      .locator('head link[rel="icon"]')
      .first()
      .getAttribute('href', { timeout: 5000 })
      .catch(() => null);
    if (!href) {
      this.problems.push(`no icon linked on ${label} (${this.page.url()})`);
      return;
    }
    if (this.iconChecked) return;
    this.iconChecked = true;
    const icon = await this.page.request.get(new URL(href, this.page.url()).toString());
    if (!icon.ok()) this.problems.push(`${icon.status()} for the icon ${href}`);
  }

  /**
   * The ids that more than one element of the page carries: a label's `for`, an
   * aria-describedby or a fragment link then finds only the first (axe reports these as
   * minor, which the check above lets through, so every page is counted here).
   */
  async duplicateIds(): Promise<string[]> {
    return this.page.evaluate(() => {
      const seen = new Map<string, number>();
      for (const element of document.querySelectorAll('[id]'))
        seen.set(element.id, (seen.get(element.id) ?? 0) + 1);
      return [...seen].filter(([, count]) => count > 1).map(([id, count]) => `${id} ×${count}`);
    });
  }

  async axe(): Promise<AxeViolation[]> {
    // axe's source goes in through the DevTools protocol: the app's CSP (script-src 'self')
    // rightly refuses an injected <script> element, and it stays on for these tests
    const loaded = await this.page.evaluate(
      () => typeof (window as unknown as { axe?: unknown }).axe === 'object',
    );
    if (!loaded) await this.page.evaluate(axeSource);
    const result = await this.page.evaluate(async () => {
      const axe = (
        window as unknown as { axe: { run: (context: Document, options: object) => Promise<unknown> } }
      ).axe;
      return axe.run(document, { resultTypes: ['violations'] });
    });
    return ((result as { violations: AxeViolation[] }).violations ?? []).filter(
      (violation) => violation.impact === 'serious' || violation.impact === 'critical',
    );
  }

  async screenshot(label: string): Promise<void> {
    fs.mkdirSync(screenshotDir, { recursive: true });
    this.shot += 1;
    const name = `${this.prefix}-${String(this.shot).padStart(2, '0')}-${label.replace(/[^\w-]+/g, '-')}.png`;
    await this.page.screenshot({ path: path.join(screenshotDir, name), fullPage: true });
  }

  async signIn(username: string): Promise<void> {
    await this.goto('/login', 'sign-in');
    await this.page.getByLabel('用户名').fill(username);
    await this.page.getByLabel('密码').fill(demoPassword);
    await Promise.all([
      this.page.waitForURL((url) => url.pathname === '/'),
      this.page.getByRole('button', { name: '登录' }).click(),
    ]);
    await this.checkPage('dashboard');
  }

  /** Clicks something that submits or navigates, and checks the page it leads to. */
  async submit(action: () => Promise<unknown>, label: string): Promise<void> {
    await Promise.all([this.page.waitForNavigation(), action()]);
    await this.checkPage(label);
  }

  async close(): Promise<void> {
    await this.context.close();
  }
}
