import { RuleViolationError } from '../../src/shared/errors';
import { caseEventProbes, caseMachine } from '../../src/workflows/case.machine';
import {
  allowedEvents,
  applyEvent,
  EventNotAllowed,
  startMachine,
  statePathOf,
} from '../../src/workflows/machine-runner';
import { petitionEventProbes, petitionMachine } from '../../src/workflows/petition.machine';
import {
  caseEvents,
  caseInProgress,
  caseInScreening,
  caseWithAgreement,
  newCase,
  newPetition,
  petitionEvents,
  rulesWithoutConfirmation,
  sendCase,
  sendPetition,
} from './workflow-fixtures';

const today = '2024-05-20';
const caseProbes = caseEventProbes(today);

describe('the machine runner', () => {
  describe('startMachine', () => {
    it('when a case starts, then it returns the initial value and a context that survives JSON unchanged', () => {
      const started = startMachine(caseMachine, {
        type: 'labour',
        rules: {
          failureGuidance: ['arbitration'],
          extendableTracks: [],
          arbitrationOnceExpiredTracks: [],
          departmentDecidesAcceptance: false,
        },
        holdingUnitId: 'community-1',
      });

      expect(started.value).toBe('registered');
      expect(JSON.parse(JSON.stringify(started))).toEqual(started);
      expect(Object.keys(started)).toEqual(['value', 'context']);
    });
  });

  describe('applyEvent', () => {
    it('when an event moves the case, then it reports the paths before and after and that it changed', () => {
      const result = applyEvent(caseMachine, caseInScreening(), caseEvents.acceptPeople());

      expect(result).toMatchObject({ changed: true, from: 'screening', to: 'mediation.awaitingMediator' });
    });

    it('when a session is logged, then it is accepted as a change that stays in place', () => {
      const result = applyEvent(caseMachine, caseInProgress(), caseEvents.logSession);

      expect(result).toMatchObject({
        changed: true,
        from: 'mediation.inProgress',
        to: 'mediation.inProgress',
      });
      expect(result.next.context.sessionsHeld).toBe(1);
    });

    it('when an accepted event changes nothing (a case linked twice), then it is not refused but reports no change', () => {
      const linked = sendPetition(newPetition(), petitionEvents.linkCase('case-1'));

      const result = applyEvent(petitionMachine, linked, petitionEvents.linkCase('case-1'));

      expect(result).toMatchObject({ changed: false, from: 'registered', to: 'registered' });
    });

    it('when the event is not allowed, then it throws EventNotAllowed: a 422 rule violation naming event and state', () => {
      const error = captureError(() => applyEvent(caseMachine, newCase(), caseEvents.fulfilled));

      expect(error).toBeInstanceOf(EventNotAllowed);
      expect(error).toBeInstanceOf(RuleViolationError);
      expect(error).toMatchObject({
        code: 'event_not_allowed',
        status: 422,
        eventType: 'FULFILLED',
        state: 'registered',
        allowed: [],
      });
    });

    it('when candidates are given and the event is refused, then the error lists what is allowed now', () => {
      const error = captureError(() =>
        applyEvent(caseMachine, caseInProgress({ level: 'district' }), caseEvents.escalate(), {
          candidates: caseProbes,
        }),
      );

      expect(error).toMatchObject({ eventType: 'ESCALATE', state: 'mediation.inProgress' });
      expect((error as EventNotAllowed).allowed).toContain('RETURN_DOWN');
      expect((error as EventNotAllowed).allowed).not.toContain('ESCALATE');
      expect((error as EventNotAllowed).params).toMatchObject({
        event: 'ESCALATE',
        state: 'mediation.inProgress',
      });
    });

    it('when a guard refuses the payload, then it is refused like an event the state does not know', () => {
      expect(() =>
        applyEvent(
          caseMachine,
          caseInProgress({ track: 'judicial' }),
          caseEvents.transferTo('administrative'),
        ),
      ).toThrow(EventNotAllowed);
    });

    it('when an event is applied, then the persisted state passed in is left as it was', () => {
      const before = caseInProgress();
      const copy = JSON.parse(JSON.stringify(before));

      applyEvent(caseMachine, before, caseEvents.logSession);

      expect(before).toEqual(copy);
    });

    it('when the persisted state comes straight from JSON, then it is rebuilt and the event applies', () => {
      const fromDatabase = JSON.parse(JSON.stringify(caseWithAgreement()));

      const result = applyEvent(caseMachine, fromDatabase, caseEvents.requestConfirmation());

      expect(result.to).toBe('agreement.judicialConfirmation');
      expect(JSON.parse(JSON.stringify(result.next))).toEqual(result.next);
    });
  });

  describe('allowedEvents', () => {
    const allowedFor = (state: Parameters<typeof allowedEvents<typeof caseMachine>>[1], on = today) =>
      allowedEvents(caseMachine, state, caseEventProbes(on));

    it('when a case is registered, then only SUBMIT is allowed, besides grading its risk (SET_RISK_GRADE, open cases)', () => {
      expect(allowedFor(newCase())).toEqual(['SUBMIT', 'SET_RISK_GRADE']);
    });

    it('when a case is in screening, then it may be accepted, declined or referred out (or its risk graded)', () => {
      expect(allowedFor(caseInScreening())).toEqual(['ACCEPT', 'DECLINE', 'REFER_OUT', 'SET_RISK_GRADE']);
    });

    it('when a case awaits a mediator, then it may be assigned, failed or withdrawn (or its risk graded), nothing else', () => {
      expect(allowedFor(sendCase(caseInScreening(), caseEvents.acceptPeople()))).toEqual([
        'ASSIGN',
        'FAIL',
        'WITHDRAW',
        'SET_RISK_GRADE',
      ]);
    });

    it('when a community case is in progress, then it may be escalated but not returned down', () => {
      expect(allowedFor(caseInProgress({ level: 'community' }))).toEqual([
        'ASSIGN',
        'LOG_SESSION',
        'SCHEDULE_SESSION',
        'SUSPEND',
        'REACH_AGREEMENT',
        'ESCALATE',
        'TRANSFER',
        'FAIL',
        'WITHDRAW',
        'SET_RISK_GRADE',
      ]);
    });

    it('when a district case is in progress, then it may be returned down but not escalated', () => {
      const allowed = allowedFor(caseInProgress({ level: 'district' }));

      expect(allowed).toContain('RETURN_DOWN');
      expect(allowed).not.toContain('ESCALATE');
    });

    it('when a judicial-track case is in progress, then TRANSFER is allowed because SOME target track (people) is', () => {
      expect(allowedFor(caseInProgress({ track: 'judicial' }))).toContain('TRANSFER');
    });

    it('when the type offers other guidance than arbitration, then FAIL is still allowed: some guidance is accepted', () => {
      expect(allowedFor(caseInProgress({}, { rules: rulesWithoutConfirmation }))).toContain('FAIL');
    });

    it('when a written people’s agreement is within its window today, then judicial confirmation is offered', () => {
      expect(allowedFor(caseWithAgreement({ windowEndsOn: '2024-06-01' }), '2024-06-01')).toEqual([
        'REQUEST_JUDICIAL_CONFIRMATION',
        'RECORD_FOLLOW_UP',
        'FULFILLED',
        'BREACHED',
        'RESUME_MEDIATION',
        'SET_RISK_GRADE',
      ]);
    });

    it('when the window has passed today, then judicial confirmation is no longer offered', () => {
      expect(allowedFor(caseWithAgreement({ windowEndsOn: '2024-06-01' }), '2024-06-02')).not.toContain(
        'REQUEST_JUDICIAL_CONFIRMATION',
      );
    });

    it('when the court has the agreement, then only its ruling is awaited', () => {
      const withCourt = sendCase(caseWithAgreement(), caseEvents.requestConfirmation());

      expect(allowedFor(withCourt)).toEqual(['CONFIRMED', 'CONFIRMATION_REJECTED']);
    });

    it('when a case is closed, then only REOPEN is allowed', () => {
      expect(allowedFor(sendCase(caseWithAgreement(), caseEvents.fulfilled))).toEqual(['REOPEN']);
    });

    it('when a petition is in handling and was extended, then EXTEND is no longer allowed', () => {
      const probes = petitionEventProbes(today);
      const inHandling = sendPetition(newPetition(), petitionEvents.accept);

      expect(allowedEvents(petitionMachine, inHandling, probes)).toEqual([
        'EXTEND',
        'REPLY',
        'LINK_CASE',
        'ASSIGN_AGENT',
      ]);
      expect(allowedEvents(petitionMachine, sendPetition(inHandling, petitionEvents.extend), probes)).toEqual(
        ['REPLY', 'LINK_CASE', 'ASSIGN_AGENT'],
      );
    });

    it('when a petition has ended, then nothing is allowed', () => {
      const closed = sendPetition(newPetition(), petitionEvents.decline);

      expect(allowedEvents(petitionMachine, closed, petitionEventProbes(today))).toEqual([]);
    });

    it('when every event type the machine knows is compared with the probes, then each has at least one probe', () => {
      const knownByMachine = (machine: typeof caseMachine | typeof petitionMachine) =>
        [...new Set(machine.events)].sort();

      expect(knownByMachine(caseMachine)).toEqual([...new Set(caseProbes.map((probe) => probe.type))].sort());
      expect(knownByMachine(petitionMachine)).toEqual(
        [...new Set(petitionEventProbes(today).map((probe) => probe.type))].sort(),
      );
    });
  });

  describe('statePathOf', () => {
    it('when a state value is nested, then it is flattened to a dotted path', () => {
      expect(statePathOf('closed')).toBe('closed');
      expect(statePathOf({ agreement: 'judicialConfirmation' })).toBe('agreement.judicialConfirmation');
      expect(statePathOf({ a: { b: 'c' } })).toBe('a.b.c');
    });

    it('when a state value has parallel regions, then it refuses to flatten it', () => {
      expect(() => statePathOf({ a: 'x', b: 'y' })).toThrow('parallel');
    });
  });
});

function captureError(act: () => unknown): unknown {
  try {
    act();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
