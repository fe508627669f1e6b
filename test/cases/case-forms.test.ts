import { caseEventFromForm, partyRowsFromForm, registerCaseFromForm } from '../../src/cases/case.forms';
import { caseEventSchema, registerCaseSchema } from '../../src/cases/case.schemas';

describe('form strings become the schemas’ types at the edge', () => {
  it('an event form keeps only its event’s fields and types them', () => {
    const input = caseEventFromForm({
      _csrf: 'token',
      formKey: 'LOG_SESSION',
      type: 'LOG_SESSION',
      expectedVersion: '3',
      kind: 'hearing',
      heldAt: '2026-11-20T10:00',
      place: '  村委会议室  ',
      attendees: '',
      minutes: '听证会记录',
      reason: 'from another form on the page',
    });
    expect(input).toEqual({
      type: 'LOG_SESSION',
      expectedVersion: 3,
      kind: 'hearing',
      heldAt: '2026-11-20T10:00:00+08:00',
      place: '村委会议室',
      attendees: undefined,
      minutes: '听证会记录',
    });
    expect(caseEventSchema.safeParse(input).success).toBe(true);
  });

  it('a version that is not a number is passed on for the schema to name', () => {
    const result = caseEventSchema.safeParse(caseEventFromForm({ type: 'SUBMIT', expectedVersion: 'x' }));
    expect(result.success).toBe(false);
    expect(result.error?.issues[0].path).toEqual(['expectedVersion']);
  });

  it('ticked boxes are a yes, unticked ones a no, and boxes under one name a list (人民调解法 第三十三条: a joint application; 劳动争议调解仲裁法 第十六条: what the agreement concerns)', () => {
    expect(
      caseEventFromForm({
        type: 'REQUEST_JUDICIAL_CONFIRMATION',
        court: 'c',
        appliedOn: '2026-12-03',
        jointlyApplied: 'on',
      }),
    ).toMatchObject({ jointlyApplied: true });
    expect(
      caseEventFromForm({ type: 'REQUEST_JUDICIAL_CONFIRMATION', court: 'c', appliedOn: '2026-12-03' }),
    ).toMatchObject({ jointlyApplied: false });
    expect(
      caseEventFromForm({
        type: 'REACH_AGREEMENT',
        form: 'written',
        terms: '付清',
        notConfirmableReason: 'ownership',
      }),
    ).toMatchObject({ confirmable: false, notConfirmableReason: 'ownership' });
    expect(caseEventFromForm({ type: 'BREACHED', concerns: ['wages', 'damages'] })).toMatchObject({
      concerns: ['wages', 'damages'],
    });
    expect(caseEventFromForm({ type: 'BREACHED', concerns: 'wages' })).toMatchObject({ concerns: ['wages'] });
    expect(caseEventFromForm({ type: 'BREACHED' }).concerns).toBeUndefined();
  });

  it('an unknown event type stays unknown', () => {
    expect(caseEventFromForm({ type: 'DROP_TABLE' })).toEqual({ type: 'DROP_TABLE' });
  });

  it('the intake form: party rows in order, blank rows dropped, amounts with separators, ticked boxes', () => {
    const body = {
      type: 'labour',
      source: 'walk_in',
      title: '欠薪',
      description: '拖欠工资',
      amountInDispute: '42,000.50',
      groupSize: '12',
      'parties.1.role': 'respondent',
      'parties.1.kind': 'organisation',
      'parties.1.name': '某公司',
      'parties.0.role': 'applicant',
      'parties.0.kind': 'person',
      'parties.0.name': '王建国',
      'parties.0.representative': 'on',
      'parties.2.role': 'third_party',
      'parties.2.kind': 'person',
      'parties.2.name': '',
    };
    const rows = partyRowsFromForm(body);
    expect(rows.map((row) => row.name)).toEqual(['王建国', '某公司']);
    expect(partyRowsFromForm(body, { keepBlank: true })).toHaveLength(3);
    const input = registerCaseFromForm(body, rows);
    expect(input).toMatchObject({ amountInDispute: 42000.5, groupSize: 12 });
    const parsed = registerCaseSchema.parse(input);
    expect(parsed.parties[0]).toMatchObject({ name: '王建国', representative: true });
    expect(parsed.parties[1]).toEqual({ role: 'respondent', kind: 'organisation', name: '某公司' });
  });
});
