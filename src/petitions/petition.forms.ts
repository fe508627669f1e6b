import { localDateTimeToIso } from '../cases/case.forms';

/**
 * The edge between the petition pages' HTML forms and the petition schemas
 * (petition.schemas.ts), as case.forms.ts is for cases: a form sends strings (blank
 * for an untouched field, `2026-11-20T10:00` for a local time, repeated fields for the
 * petitioners); these functions turn them into what the schemas validate, so the same
 * zod schemas check both the API and the forms.
 */

type FormBody = Record<string, unknown>;

const asArray = (value: unknown): string[] =>
  Array.isArray(value) ? value.map(String) : value === undefined ? [] : [String(value)];
const orUndefined = (value: unknown) =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

/** The optional text fields a petition event's small form may carry. */
const eventTextFields = [
  'note',
  'reason',
  'opinion',
  'toUnitId',
  'requestedOn',
  'deliveredOn',
  'agentId',
  'caseId',
];

/**
 * The registration form's repeated petitioner fields, zipped into rows (blank rows dropped). A
 * ticked consent box sends its row's index (an unticked one sends nothing, so the boxes cannot be
 * zipped by position); each row's language select is always sent.
 */
function petitionersFromForm(body: FormBody) {
  const names = asArray(body.petitionerName);
  const ids = asArray(body.petitionerIdNumber);
  const phones = asArray(body.petitionerPhone);
  const consenting = new Set(asArray(body.petitionerSmsConsent));
  const languages = asArray(body.petitionerLanguage);
  return names.flatMap((name, index) =>
    name.trim() === ''
      ? []
      : [
          {
            kind: 'person',
            name,
            idNumber: orUndefined(ids[index]),
            phone: orUndefined(phones[index]),
            ...(consenting.has(String(index)) ? { smsConsent: true } : {}),
            language: orUndefined(languages[index]),
          },
        ],
  );
}

/** The registration form → the input `registerPetitionSchema` validates. */
export function registerPetitionFromForm(body: FormBody): Record<string, unknown> {
  return {
    subject: body.subject,
    content: body.content,
    petitioners: petitionersFromForm(body),
    groupSize: orUndefined(body.groupSize) ? Number(body.groupSize) : undefined,
    receivedOn: orUndefined(body.receivedOn),
    category: orUndefined(body.category),
  };
}

/** A petition event's small form → the input `petitionEventSchema` validates. */
export function petitionEventFromForm(body: FormBody): Record<string, unknown> {
  const event: Record<string, unknown> = { type: body.type, expectedVersion: Number(body.expectedVersion) };
  for (const field of eventTextFields) {
    const value = orUndefined(body[field]);
    if (value !== undefined) event[field] = value;
  }
  if (orUndefined(body.days) !== undefined) event.days = Number(body.days);
  return event;
}

/** The visit form → the input `visitSchema` validates (`visitedAt` is Asia/Shanghai wall time). */
export function visitFromForm(body: FormBody): Record<string, unknown> {
  return {
    visitedAt: localDateTimeToIso(body.visitedAt),
    place: body.place,
    metWith: body.metWith,
    summary: body.summary,
    demands: orUndefined(body.demands),
    mood: orUndefined(body.mood),
    risk: orUndefined(body.risk),
    promises: orUndefined(body.promises),
    nextVisitOn: orUndefined(body.nextVisitOn),
  };
}

/**
 * The link forms → a LINK_CASE event for `petitionEventSchema`: an existing case by its
 * number (or, from older pages, its id), or a new dispute between the petitioner and the respondent named (诉访分离).
 */
export function linkCaseFromForm(body: FormBody): Record<string, unknown> {
  const linkExisting = orUndefined(body.caseId);
  // the existing case's form (issue 21): its number, even left blank (then "required" shows next to it)
  const byNumber = body.linkBy === 'number';
  return {
    type: 'LINK_CASE',
    expectedVersion: Number(body.expectedVersion),
    ...(byNumber
      ? { caseNumber: typeof body.caseNumber === 'string' ? body.caseNumber : '' }
      : linkExisting
        ? { caseId: linkExisting }
        : {
            openCase: {
              type: body.caseType,
              title: body.title,
              description: body.description,
              parties: [
                { role: 'applicant', kind: 'person', name: body.applicant },
                {
                  role: 'respondent',
                  kind: body.respondentKind === 'organisation' ? 'organisation' : 'person',
                  name: body.respondent,
                },
              ],
            },
          }),
  };
}
