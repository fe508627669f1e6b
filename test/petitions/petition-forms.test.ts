import {
  linkCaseFromForm,
  petitionEventFromForm,
  registerPetitionFromForm,
  visitFromForm,
} from '../../src/petitions/petition.forms';
import {
  petitionEventSchema,
  registerPetitionSchema,
  visitSchema,
} from '../../src/petitions/petition.schemas';

describe('petition form strings become the schemas’ input at the edge', () => {
  it('the registration form zips its repeated petitioner fields into rows, blank rows dropped', () => {
    const input = registerPetitionFromForm({
      subject: '噪音扰民',
      content: '楼下饭店油烟和噪音。',
      petitionerName: ['周红', '', '李明'],
      petitionerIdNumber: ['310112197001011234', '', ''],
      petitionerPhone: ['', '', '13911112222'],
      groupSize: '',
      receivedOn: '2026-11-20',
    });
    expect(input).toEqual({
      subject: '噪音扰民',
      content: '楼下饭店油烟和噪音。',
      petitioners: [
        { kind: 'person', name: '周红', idNumber: '310112197001011234', phone: undefined },
        { kind: 'person', name: '李明', idNumber: undefined, phone: '13911112222' },
      ],
      groupSize: undefined,
      receivedOn: '2026-11-20',
    });
    expect(registerPetitionSchema.safeParse(input).success).toBe(true);
  });

  it('an event form keeps the fields it filled, the version and days as numbers', () => {
    const input = petitionEventFromForm({
      type: 'EXTEND',
      expectedVersion: '2',
      days: '20',
      reason: '调查',
      note: '',
    });
    expect(input).toEqual({ type: 'EXTEND', expectedVersion: 2, days: 20, reason: '调查' });
    expect(petitionEventSchema.safeParse(input).success).toBe(true);
  });

  it('a visit’s local time is read as Asia/Shanghai wall time', () => {
    const input = visitFromForm({
      visitedAt: '2026-11-25T09:30',
      place: '莘松小区',
      metWith: '周红',
      summary: '现场查看油烟情况。',
      mood: 'calm',
      risk: '',
    });
    expect(input.visitedAt).toBe('2026-11-25T09:30:00+08:00');
    expect(input.risk).toBeUndefined();
    expect(visitSchema.safeParse(input).success).toBe(true);
  });

  it('the link form names an existing case, or opens one between the petitioner and the respondent', () => {
    const caseId = '4b1d2c3e-0000-4000-8000-000000000001';
    expect(linkCaseFromForm({ expectedVersion: '3', caseId })).toEqual({
      type: 'LINK_CASE',
      expectedVersion: 3,
      caseId,
    });
    const opened = linkCaseFromForm({
      expectedVersion: '3',
      caseId: '',
      caseType: 'environmental',
      title: '油烟',
      description: '楼下饭店油烟',
      applicant: '周红',
      respondent: '某饭店',
      respondentKind: 'organisation',
    });
    expect(opened.openCase).toEqual({
      type: 'environmental',
      title: '油烟',
      description: '楼下饭店油烟',
      parties: [
        { role: 'applicant', kind: 'person', name: '周红' },
        { role: 'respondent', kind: 'organisation', name: '某饭店' },
      ],
    });
    expect(petitionEventSchema.safeParse(opened).success).toBe(true);
  });
});
