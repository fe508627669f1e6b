import { caseMachine, caseStatePaths } from '../../src/workflows/case.machine';
import { escapeXml, renderStatechartSvg } from '../../src/workflows/statechart-svg';

const labels = {
  stateLabel: (path: string) => `state:${path}`,
  eventLabel: (type: string) => `event:${type}`,
  title: 'The case workflow',
  description: 'Where the case is',
};

describe('the statechart drawn as SVG from the case machine', () => {
  it('draws every state of the machine, and the current one highlighted', () => {
    const svg = renderStatechartSvg(caseMachine, {
      ...labels,
      current: 'mediation.inProgress',
      allowedEvents: [],
    });
    for (const path of [...caseStatePaths, 'mediation', 'agreement']) {
      expect(svg).toContain(`data-state="${path}"`);
    }
    expect(svg).toMatch(/<g class="sc-node sc-current" data-state="mediation\.inProgress">/);
    expect(svg).toMatch(/<g class="sc-node sc-compound sc-active" data-state="mediation">/);
    expect(svg).toMatch(
      /^<svg class="statechart" xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 440 \d+" role="img"/,
    );
    expect(svg).toContain('<title id="statechart-title">The case workflow</title>');
  });

  it('marks only the transitions the user may take now, and their targets', () => {
    const svg = renderStatechartSvg(caseMachine, {
      ...labels,
      current: 'mediation.inProgress',
      allowedEvents: ['REACH_AGREEMENT', 'SUSPEND', 'LOG_SESSION', 'WITHDRAW'],
    });
    const marked = [...svg.matchAll(/<path class="sc-edge sc-next"[^>]*><title>([^<]*)<\/title>/g)].map(
      (m) => m[1],
    );
    // the edge out of mediation to closed carries every event it can take (REFER_OUT: labour, once its period ran out)
    expect(marked.sort()).toEqual([
      'event:REACH_AGREEMENT',
      'event:SUSPEND',
      'event:WITHDRAW / event:FAIL / event:REFER_OUT',
    ]);
    expect(svg).toMatch(/<g class="sc-node sc-compound sc-next" data-state="agreement">/);
    expect(svg).toMatch(/<g class="sc-node sc-next" data-state="mediation\.suspended">/);
    expect(svg).toMatch(/<g class="sc-node sc-next" data-state="closed">/);
    expect(svg).not.toMatch(/<g class="sc-node sc-next" data-state="screening">/);
    // a step that keeps the case where it is (a session) is named under the current state
    expect(svg).toContain('↻ state:mediation.inProgress: event:LOG_SESSION');
    // the labels of marked transitions name only the events allowed (FAIL is not)
    expect(svg).toContain('>event:WITHDRAW</text>');
  });

  it('with nothing allowed, nothing is marked', () => {
    const svg = renderStatechartSvg(caseMachine, { ...labels, current: 'closed', allowedEvents: [] });
    expect(svg).not.toContain('sc-edge sc-next');
    expect(svg).not.toMatch(/class="sc-node[^"]*sc-next/);
  });

  it('escapes every text it draws', () => {
    const svg = renderStatechartSvg(caseMachine, {
      current: 'registered',
      allowedEvents: ['SUBMIT'],
      stateLabel: () => '<script>alert(1)</script>',
      eventLabel: () => '"><img src=x onerror=alert(2)>',
      title: '</title><script>alert(3)</script>',
      description: "&'",
    });
    expect(svg).not.toMatch(/<script|<img/);
    expect(svg).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(svg).toContain('&#38;&#39;');
    expect(escapeXml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });

  it('long labels are wrapped onto two lines rather than overflowing their box', () => {
    const svg = renderStatechartSvg(caseMachine, {
      ...labels,
      stateLabel: (path) =>
        path === 'agreement.judicialConfirmation' ? 'Judicial confirmation by the court' : path,
      current: 'registered',
      allowedEvents: [],
    });
    const node = svg.match(/data-state="agreement\.judicialConfirmation">.*?<\/g>/)?.[0] ?? '';
    expect(node.match(/<tspan/g)).toHaveLength(2);
  });

  it('numbers the way the case came on the edges it took (a transition declared on the parent state too), and marks the states it passed', () => {
    const svg = renderStatechartSvg(caseMachine, {
      ...labels,
      current: 'closed',
      allowedEvents: [],
      path: [
        { event: 'SUBMIT', from: 'registered', to: 'screening' },
        { event: 'ACCEPT', from: 'screening', to: 'mediation.awaitingMediator' },
        { event: 'ASSIGN', from: 'mediation.awaitingMediator', to: 'mediation.inProgress' },
        // WITHDRAW is declared on `mediation`, left from its child
        { event: 'WITHDRAW', from: 'mediation.inProgress', to: 'closed' },
      ],
    });
    const badges = [...svg.matchAll(/<g class="sc-step"[^>]*>.*?<text[^>]*>([^<]*)<\/text><\/g>/g)].map(
      (m) => m[1],
    );
    expect(badges.sort()).toEqual(['1', '2', '3', '4']);
    for (const state of [
      'registered',
      'screening',
      'mediation',
      'mediation.awaitingMediator',
      'mediation.inProgress',
    ])
      expect(svg).toMatch(
        new RegExp(`<g class="sc-node[^"]* sc-visited" data-state="${state.replace('.', '\\.')}">`),
      );
    expect(svg).not.toMatch(/sc-visited" data-state="agreement/);
    expect([...svg.matchAll(/<path class="sc-edge sc-taken"/g)]).toHaveLength(4);
    // no text smaller than the legible minimum
    const sizes = [...svg.matchAll(/font-size="([\d.]+)"/g)].map((m) => Number(m[1]));
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(12.5);
  });
});
