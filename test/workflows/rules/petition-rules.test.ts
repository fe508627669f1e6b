import {
  latestPetitionRulesVersion,
  petitionRulesFor,
  UnknownRulesError,
} from '../../../src/workflows/rules/index';

describe('the petition rules (信访工作条例 2022)', () => {
  const rules = petitionRulesFor();

  it('when a petition is received, then it is decided and the petitioner told within 15 calendar days (§22, §23)', () => {
    expect(rules.decideAndNotify).toMatchObject({
      days: 15,
      basis: 'calendar',
      runsFrom: 'petition_received',
    });
    expect(rules.decideAndNotify.source.zh).toBe('信访工作条例 第二十二条、第二十三条');
    expect(rules.decideAndNotify.source.en).toBe('Regulations on Petition Work (2022), Arts. 22 and 23');
  });

  it('when a petition is accepted, then it is concluded within 60 days, with one extension of at most 30 days on approval and notice (§34)', () => {
    expect(rules.conclude).toMatchObject({ days: 60, basis: 'calendar', runsFrom: 'petition_accepted' });
    expect(rules.conclude.source.zh).toBe('信访工作条例 第三十四条');
    expect(rules.extension).toMatchObject({
      maxTimes: 1,
      maxDays: 30,
      requiresApproval: true,
      notifyPetitioner: true,
    });
  });

  it('when the petitioner contests the reply, then 复查 is asked within 30 days and decided in 30 (§35), and 复核 likewise with hearings not counted (§36)', () => {
    expect(rules.reviewRequestWindow).toMatchObject({ days: 30, runsFrom: 'reply_received' });
    expect(rules.reviewDecision).toMatchObject({
      days: 30,
      runsFrom: 'review_request_received',
      pausedBy: [],
    });
    expect(rules.reviewDecision.source.zh).toBe('信访工作条例 第三十五条');
    expect(rules.recheckRequestWindow).toMatchObject({ days: 30, runsFrom: 'review_opinion_received' });
    expect(rules.recheckDecision).toMatchObject({
      days: 30,
      runsFrom: 'recheck_request_received',
      pausedBy: ['hearing'],
    });
    expect(rules.recheckDecision.source.zh).toBe('信访工作条例 第三十六条');
    expect(rules.recheckIsFinal.source.zh).toBe('信访工作条例 第三十六条');
  });

  it('when a suggestion (§32) or a complaint (§33) is answered, then no 复查/复核 follows: only a claim’s handling opinion is reviewed (§34, §35)', () => {
    expect(rules.reviewApplies.categories).toEqual(['claim']);
    expect(rules.reviewApplies.source.zh).toContain('第三十五条');
  });

  it('when people petition together, then at most 5 representatives speak for them (§20) and 5 people make a group petition', () => {
    expect(rules.representativeCap).toEqual({
      max: 5,
      source: expect.objectContaining({ zh: '信访工作条例 第二十条' }),
    });
    expect(rules.groupPetitionThreshold.minPeople).toBe(5);
    expect(rules.duplicateUpwardNotAccepted.source.zh).toBe('信访工作条例 第十九条');
  });

  it('when every petition clock is listed, then each counts calendar days and cites an article in both languages', () => {
    const clocks = [
      rules.decideAndNotify,
      rules.conclude,
      rules.reviewRequestWindow,
      rules.reviewDecision,
      rules.recheckRequestWindow,
      rules.recheckDecision,
    ];

    for (const clock of clocks) {
      expect(clock.basis).toBe('calendar');
      expect(clock.source.zh).toMatch(/^信访工作条例 第.+条$/);
      expect(clock.source.en).toMatch(/^Regulations on Petition Work \(2022\), Arts?\. \d+/);
    }
  });

  it('when asked for a version that does not exist, then it says which do', () => {
    expect(petitionRulesFor(latestPetitionRulesVersion())).toBe(rules);
    expect(() => petitionRulesFor(7)).toThrow(UnknownRulesError);
    expect(() => petitionRulesFor(7)).toThrow(/no petition rules in version 7; known versions: 1/);
  });
});
