import path from 'node:path';
import type { Browser } from 'playwright-core';
import {
  desktop,
  launchChromium,
  phone,
  type RunningApp,
  screenshotDir,
  startBrowserTestApp,
  UiSession,
  type Viewport,
} from '../support/browser';
import { actorNamed, caseInState, send } from '../support/case-steps';

jest.setTimeout(180_000);

/** The smallest text of the statechart as drawn on the screen, in CSS pixels. */
async function smallestRenderedText(session: UiSession): Promise<number> {
  return session.page.evaluate(() => {
    const svg = document.querySelector('svg.statechart') as SVGSVGElement;
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    const sizes = [...svg.querySelectorAll('text')].map(
      (text) => Number(text.getAttribute('font-size')) * scale,
    );
    return Math.min(...sizes);
  });
}

describe('in the browser: the statechart shows the way the case came, legibly (issue 21)', () => {
  let app: RunningApp;
  let browser: Browser;
  let caseId: string;
  beforeAll(async () => {
    [app, browser] = await Promise.all([
      startBrowserTestApp({ startAt: new Date('2026-12-03T10:00:00+08:00') }),
      launchChromium(),
    ]);
    const { services, db } = app.testApp;
    const mediator = await actorNamed(services, db, 'mediator');
    const street = await actorNamed(services, db, 'mediator.street');
    // registered → screening → awaiting a mediator → in mediation → (escalated) awaiting a mediator
    // at 莘庄镇 → in mediation → agreement: six steps
    const handedUp = await send(
      services,
      mediator,
      await caseInState(services, mediator, 'mediation.inProgress', { title: '楼上漏水邻里纠纷' }),
      { type: 'ESCALATE', reasonCode: 'multi_party', reason: '涉及多个楼组，需街镇协调。' },
    );
    const agreed = await send(
      services,
      street,
      handedUp,
      { type: 'ASSIGN', mediatorUsername: 'mediator.street' },
      { type: 'REACH_AGREEMENT', form: 'written', terms: '被申请人于月底前赔偿维修费 3,000 元。' },
    );
    caseId = agreed.id;
  });
  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  it.each([
    ['desktop', desktop],
    ['phone', phone],
  ] as Array<[string, Viewport]>)(
    'on a %s, the six steps are numbered on the drawing and listed in order, no text under 12 px',
    async (_name, viewport) => {
      const session = await UiSession.open(browser, app.baseUrl, viewport, 'statechart-path');
      await session.signIn('mediator.street');
      await session.goto(`/cases/${caseId}`, 'case-with-its-path');
      // the section alone, as one sees it at 100 % zoom
      await session.page
        .locator('#statechart')
        .screenshot({ path: path.join(screenshotDir, `statechart-path-${viewport.name}-section.png`) });

      // the text alternative: the way the case came, in order
      const steps = await session.page.locator('ol.statechart-path > li').allInnerTexts();
      expect(steps).toEqual([
        '起点：已登记',
        '提交受理审查：已登记 → 受理审查',
        expect.stringMatching(/^受理：受理审查 → 待分派调解员$/),
        expect.stringMatching(/：待分派调解员 → 调解中$/),
        expect.stringMatching(/^上报：调解中 → 待分派调解员$/),
        expect.stringMatching(/：待分派调解员 → 调解中$/),
        expect.stringMatching(/：调解中 → 协议履行中$/),
      ]);
      // and on the drawing: the numbers 1–6 on the steps taken, the states passed marked
      const svg = session.page.locator('svg.statechart');
      const badges = await svg.locator('.sc-step text').allTextContents();
      expect(
        badges
          .flatMap((badge) => badge.split(','))
          .map(Number)
          .sort((a, b) => a - b),
      ).toEqual([1, 2, 3, 4, 5, 6]);
      expect(await svg.locator('.sc-visited[data-state="registered"]').count()).toBe(1);
      expect(await svg.locator('.sc-visited[data-state="screening"]').count()).toBe(1);
      expect(await svg.locator('.sc-current[data-state="agreement.awaitingFulfilment"]').count()).toBe(1);
      expect(await svg.locator('path.sc-taken').count()).toBeGreaterThanOrEqual(4);
      expect(await svg.locator('desc').textContent()).toContain(
        '案件经过的路径：1. 提交受理审查：已登记 → 受理审查',
      );

      expect(await smallestRenderedText(session)).toBeGreaterThanOrEqual(12);
      expect(session.problems).toEqual([]);
      await session.close();
    },
  );
});
