import { transition } from 'xstate';
import {
  allowedTransfers,
  type CaseOutcome,
  caseEventProbes,
  caseMachine,
  caseMachineVersion,
  caseStatePath,
  caseStatePaths,
} from '../../src/workflows/case.machine';
import {
  type AppliedEvent,
  applyEvent,
  EventNotAllowed,
  statePathOf,
} from '../../src/workflows/machine-runner';
import type { Track } from '../../src/workflows/rules/dispute-rules.types';
import {
  caseInProgress,
  caseInScreening,
  caseWithAgreement,
  caseEvents as e,
  newCase,
  type PersistedCase,
  rulesWithoutConfirmation,
  sendCase,
} from './workflow-fixtures';

const pathOf = (state: PersistedCase) => caseStatePath(state.value);

function expectRefused(state: PersistedCase, event: Parameters<typeof sendCase>[1]): void {
  expect(() => applyEvent(caseMachine, state, event)).toThrow(EventNotAllowed);
}

describe('the dispute case statechart', () => {
  describe('registration and screening', () => {
    it('when a case is registered, then it waits in `registered` at its unit, with nothing decided yet', () => {
      const state = newCase({ holdingUnitId: 'community-7' });

      expect(pathOf(state)).toBe('registered');
      expect(state.context).toMatchObject({
        type: 'neighbourhood',
        track: null,
        level: null,
        holdingUnitId: 'community-7',
        mediatorId: null,
        outcome: null,
        judiciallyConfirmed: false,
        sessionsHeld: 0,
      });
    });

    it('when it is submitted, then it goes to screening', () => {
      expect(pathOf(sendCase(newCase(), e.submit))).toBe('screening');
    });

    it('when a registered case is accepted before being submitted, then the machine refuses', () => {
      expectRefused(newCase(), e.acceptPeople());
    });

    it('when screening accepts it for people’s mediation at a street, then it awaits a mediator there', () => {
      const state = sendCase(caseInScreening(), e.acceptPeople('street', 'street-9'));

      expect(pathOf(state)).toBe('mediation.awaitingMediator');
      expect(state.context).toMatchObject({ track: 'people', level: 'street', holdingUnitId: 'street-9' });
    });

    it('when screening accepts it for the administrative track, then a department holds it and it has no level', () => {
      const state = sendCase(caseInScreening(), e.acceptOn('administrative', 'department-3'));

      expect(pathOf(state)).toBe('mediation.awaitingMediator');
      expect(state.context).toMatchObject({
        track: 'administrative',
        level: null,
        holdingUnitId: 'department-3',
      });
    });

    it('when screening declines it, then it is closed as not accepted', () => {
      const state = sendCase(caseInScreening(), { type: 'DECLINE', reason: '不属于调解范围' });

      expect(pathOf(state)).toBe('closed');
      expect(state.context.outcome).toBe('not_accepted');
    });

    it('when screening refers it out, then it is closed as referred out', () => {
      const state = sendCase(caseInScreening(), {
        type: 'REFER_OUT',
        agency: 'arbitration',
        reason: '劳动仲裁',
        periodRunOut: false,
      });

      expect(pathOf(state)).toBe('closed');
      expect(state.context.outcome).toBe('referred_out');
    });
  });

  describe('mediation', () => {
    it('when a mediator is assigned, then mediation is in progress with that mediator', () => {
      const state = sendCase(caseInScreening(), e.acceptPeople(), e.assign('mediator-5'));

      expect(pathOf(state)).toBe('mediation.inProgress');
      expect(state.context.mediatorId).toBe('mediator-5');
    });

    it('when a supervisor reassigns a case in progress, then it stays in progress with the new mediator', () => {
      const state = sendCase(caseInProgress(), e.assign('mediator-9'));

      expect(pathOf(state)).toBe('mediation.inProgress');
      expect(state.context.mediatorId).toBe('mediator-9');
    });

    it('when sessions are logged, then it stays in progress and counts them', () => {
      const state = sendCase(caseInProgress(), e.logSession, e.logSession);

      expect(pathOf(state)).toBe('mediation.inProgress');
      expect(state.context.sessionsHeld).toBe(2);
    });

    it('when mediation is suspended for an appraisal, then it is suspended with that reason', () => {
      const state = sendCase(caseInProgress(), e.suspend);

      expect(pathOf(state)).toBe('mediation.suspended');
      expect(state.context.suspendedReason).toBe('appraisal');
    });

    it('when a suspended mediation resumes, then it is in progress again and the reason is cleared', () => {
      const state = sendCase(caseInProgress(), e.suspend, e.resume);

      expect(pathOf(state)).toBe('mediation.inProgress');
      expect(state.context.suspendedReason).toBeNull();
    });

    it('when sessions are logged or an agreement reached while suspended, then the machine refuses', () => {
      const suspended = sendCase(caseInProgress(), e.suspend);

      expectRefused(suspended, e.logSession);
      expectRefused(suspended, e.agree());
    });

    it('when an agreement is reached, then it awaits fulfilment and records form, due date and confirmation window', () => {
      const state = sendCase(caseInProgress(), e.agree('written', '2024-06-01'));

      expect(pathOf(state)).toBe('agreement.awaitingFulfilment');
      expect(state.context).toMatchObject({
        agreementForm: 'written',
        agreementPerformBy: '2024-07-01',
        confirmationWindowEndsOn: '2024-06-01',
        judiciallyConfirmed: false,
      });
    });

    it('when a case awaiting a mediator is sent mediation events, then the machine refuses them', () => {
      const awaiting = sendCase(caseInScreening(), e.acceptPeople());

      for (const event of [
        e.logSession,
        e.suspend,
        e.agree(),
        e.escalate(),
        e.returnDown(),
        e.transferTo('judicial'),
      ]) {
        expectRefused(awaiting, event);
      }
    });

    describe('escalation (上报) and return down (交办)', () => {
      it('when a community case is escalated, then the street receives it and awaits a mediator', () => {
        const state = sendCase(caseInProgress({ level: 'community' }), e.escalate('street-2'));

        expect(pathOf(state)).toBe('mediation.awaitingMediator');
        expect(state.context).toMatchObject({ level: 'street', holdingUnitId: 'street-2', mediatorId: null });
      });

      it('when a street case is escalated, then it goes to the district', () => {
        const state = sendCase(caseInProgress({ level: 'street' }), e.escalate('district-1'));

        expect(state.context.level).toBe('district');
      });

      it('when a district case is escalated, then the machine refuses: there is no level above', () => {
        expectRefused(caseInProgress({ level: 'district' }), e.escalate());
      });

      it('when a case on the administrative track is escalated, then the machine refuses: levels are for people’s mediation', () => {
        expectRefused(caseInProgress({ track: 'administrative' }), e.escalate());
      });

      it('when a district case is returned down, then the street receives it and awaits a mediator', () => {
        const state = sendCase(caseInProgress({ level: 'district' }), e.returnDown('street-4'));

        expect(pathOf(state)).toBe('mediation.awaitingMediator');
        expect(state.context).toMatchObject({ level: 'street', holdingUnitId: 'street-4', mediatorId: null });
      });

      it('when a street case is returned down, then it goes to the community', () => {
        expect(sendCase(caseInProgress({ level: 'street' }), e.returnDown()).context.level).toBe('community');
      });

      it('when a community case is returned down, then the machine refuses: there is no level below', () => {
        expectRefused(caseInProgress({ level: 'community' }), e.returnDown());
      });

      it('when a case on the judicial track is returned down, then the machine refuses', () => {
        expectRefused(caseInProgress({ track: 'judicial' }), e.returnDown());
      });
    });

    describe('transfer between tracks (委派调解)', () => {
      const pairs: Array<[Track, Track, boolean]> = [
        ['people', 'administrative', true],
        ['people', 'judicial', true],
        ['administrative', 'judicial', true],
        ['administrative', 'people', true],
        ['judicial', 'people', true],
        ['judicial', 'administrative', false],
        ['people', 'people', false],
        ['administrative', 'administrative', false],
        ['judicial', 'judicial', false],
      ];

      it.each(pairs)(
        'when a case on the %s track is transferred to the %s track, then allowed = %s',
        (from, to, allowed) => {
          const inProgress = caseInProgress({ track: from });

          if (allowed) {
            const state = sendCase(inProgress, e.transferTo(to));
            expect(pathOf(state)).toBe('mediation.awaitingMediator');
            expect(state.context).toMatchObject({ track: to, mediatorId: null });
          } else {
            expectRefused(inProgress, e.transferTo(to));
          }
        },
      );

      it('when the pairs above are compared with the machine’s table, then they are the same', () => {
        const table = pairs.filter(([, , allowed]) => allowed).map(([from, to]) => `${from}->${to}`);
        const machine = Object.entries(allowedTransfers).flatMap(([from, tos]) =>
          tos.map((to) => `${from}->${to}`),
        );
        expect(machine.sort()).toEqual(table.sort());
      });

      it('when a case is transferred to the people’s track, then it takes the receiving unit’s level', () => {
        const state = sendCase(caseInProgress({ track: 'judicial' }), e.transferTo('people'));

        expect(state.context).toMatchObject({ track: 'people', level: 'street', holdingUnitId: 'street-1' });
      });

      it('when a people’s case is transferred to a department, then it loses its level', () => {
        const state = sendCase(caseInProgress({ level: 'street' }), e.transferTo('administrative'));

        expect(state.context).toMatchObject({
          track: 'administrative',
          level: null,
          holdingUnitId: 'administrative-1',
        });
      });
    });

    describe('failure and withdrawal', () => {
      it('when mediation fails with guidance the type offers, then it is closed as unresolved', () => {
        const state = sendCase(caseInProgress(), e.fail('arbitration'));

        expect(pathOf(state)).toBe('closed');
        expect(state.context.outcome).toBe('unresolved');
      });

      it('when mediation fails with guidance the type does not offer, then the machine refuses', () => {
        expectRefused(caseInProgress({}, { rules: rulesWithoutConfirmation }), e.fail('payment_order'));
      });

      it('when a party refuses mediation before a mediator is assigned, then it can fail from awaitingMediator', () => {
        const state = sendCase(caseInScreening(), e.acceptPeople(), e.fail('litigation'));

        expect(state.context.outcome).toBe('unresolved');
      });

      it.each([
        ['awaitingMediator', () => sendCase(caseInScreening(), e.acceptPeople())],
        ['inProgress', () => caseInProgress()],
        ['suspended', () => sendCase(caseInProgress(), e.suspend)],
      ])('when a party withdraws while %s, then it is closed as withdrawn', (_, given) => {
        const state = sendCase(given(), e.withdraw);

        expect(pathOf(state)).toBe('closed');
        expect(state.context.outcome).toBe('withdrawn');
        expect(state.context.suspendedReason).toBeNull();
      });
    });
  });

  describe('agreement', () => {
    it('when a follow-up visit is recorded, then it stays awaiting fulfilment and counts the visit', () => {
      const state = sendCase(caseWithAgreement(), e.followUp, e.followUp);

      expect(pathOf(state)).toBe('agreement.awaitingFulfilment');
      expect(state.context.followUpsRecorded).toBe(2);
    });

    it('when the agreement is fulfilled, then it is closed as resolved', () => {
      const state = sendCase(caseWithAgreement(), e.fulfilled);

      expect(pathOf(state)).toBe('closed');
      expect(state.context.outcome).toBe('resolved');
    });

    it('when an agreement that was not judicially confirmed is breached, then it is closed as unresolved', () => {
      const state = sendCase(caseWithAgreement(), e.breached);

      expect(state.context.outcome).toBe('unresolved');
    });

    it('when a judicially confirmed agreement is breached, then it is referred for enforcement', () => {
      const state = sendCase(caseWithAgreement(), e.requestConfirmation(), e.confirmed, e.breached);

      expect(pathOf(state)).toBe('closed');
      expect(state.context.outcome).toBe('enforcement_referred');
    });

    it('when mediation resumes after an agreement, then it is in progress with the same mediator and no agreement', () => {
      const state = sendCase(caseWithAgreement(), e.resumeMediation);

      expect(pathOf(state)).toBe('mediation.inProgress');
      expect(state.context).toMatchObject({
        mediatorId: 'mediator-1',
        agreementForm: null,
        confirmationWindowEndsOn: null,
        judiciallyConfirmed: false,
      });
    });

    describe('judicial confirmation (司法确认)', () => {
      it('when both parties apply for a written people’s agreement within the window, then the court has it', () => {
        const state = sendCase(
          caseWithAgreement({ windowEndsOn: '2024-06-01' }),
          e.requestConfirmation('2024-05-20'),
        );

        expect(pathOf(state)).toBe('agreement.judicialConfirmation');
      });

      it('when they apply on the last day of the window, then it is still in time', () => {
        const state = sendCase(
          caseWithAgreement({ windowEndsOn: '2024-06-01' }),
          e.requestConfirmation('2024-06-01'),
        );

        expect(pathOf(state)).toBe('agreement.judicialConfirmation');
      });

      it('when they apply the day after the window, then the machine refuses', () => {
        expectRefused(caseWithAgreement({ windowEndsOn: '2024-06-01' }), e.requestConfirmation('2024-06-02'));
      });

      it('when the service gave no window, then the machine refuses', () => {
        expectRefused(caseWithAgreement({ windowEndsOn: null }), e.requestConfirmation('2024-05-02'));
      });

      it('when the agreement is oral, then the machine refuses', () => {
        expectRefused(caseWithAgreement({ form: 'oral' }), e.requestConfirmation());
      });

      it('when the agreement was reached on the administrative track, then the machine refuses', () => {
        expectRefused(caseWithAgreement({ track: 'administrative' }), e.requestConfirmation());
      });

      it('民诉法解释 第三百五十五条: whether an agreement can be confirmed is decided on it, not by dispute type — a land agreement with a window goes to the court, one recorded as not confirmable does not', () => {
        const land = { type: 'land_requisition' as const, rules: rulesWithoutConfirmation };
        expect(pathOf(sendCase(caseWithAgreement({}, land), e.requestConfirmation()))).toBe(
          'agreement.judicialConfirmation',
        );
        expectRefused(caseWithAgreement({ windowEndsOn: null }, land), e.requestConfirmation());
      });

      it('民事诉讼法 第二百零五条第一项: a written agreement from the court’s 委派调解 (judicial track) may go to judicial confirmation', () => {
        const state = sendCase(caseWithAgreement({ track: 'judicial' }), e.requestConfirmation());

        expect(pathOf(state)).toBe('agreement.judicialConfirmation');
      });

      it('民事诉讼法 第二百零五条、第二百零六条: the court applied to holds the case while it decides, and the unit that had it gets it back with the ruling', () => {
        const agreed = caseWithAgreement();
        const unitBefore = agreed.context.holdingUnitId;
        const atCourt = sendCase(agreed, e.requestConfirmation());
        expect(atCourt.context).toMatchObject({
          holdingUnitId: 'court-1',
          confirmationCourtId: 'court-1',
          agreementUnitId: unitBefore,
        });

        const confirmed = sendCase(atCourt, e.confirmed);
        expect(confirmed.context.holdingUnitId).toBe(unitBefore);
        const rejected = sendCase(atCourt, e.confirmationRejected);
        expect(rejected.context).toMatchObject({ holdingUnitId: unitBefore, confirmationCourtId: null });
      });

      it('when the court confirms, then it awaits fulfilment as a confirmed agreement', () => {
        const state = sendCase(caseWithAgreement(), e.requestConfirmation(), e.confirmed);

        expect(pathOf(state)).toBe('agreement.awaitingFulfilment');
        expect(state.context.judiciallyConfirmed).toBe(true);
      });

      it('when an agreement already confirmed is sent for confirmation again, then the machine refuses', () => {
        expectRefused(
          sendCase(caseWithAgreement(), e.requestConfirmation(), e.confirmed),
          e.requestConfirmation(),
        );
      });

      it('when the court rejects confirmation, then people’s mediation is in progress again', () => {
        const state = sendCase(caseWithAgreement(), e.requestConfirmation(), e.confirmationRejected);

        expect(pathOf(state)).toBe('mediation.inProgress');
        expect(state.context).toMatchObject({
          track: 'people',
          agreementForm: null,
          judiciallyConfirmed: false,
        });
      });

      it('when the court has the agreement, then fulfilment events wait for its ruling', () => {
        const withCourt = sendCase(caseWithAgreement(), e.requestConfirmation());

        for (const event of [e.fulfilled, e.breached, e.followUp, e.resumeMediation])
          expectRefused(withCourt, event);
      });
    });
  });

  describe('closed', () => {
    it('when a closed case is reopened, then it is screened again with no outcome, track or mediator', () => {
      const state = sendCase(caseWithAgreement(), e.fulfilled, e.reopen);

      expect(pathOf(state)).toBe('screening');
      expect(state.context).toMatchObject({
        outcome: null,
        track: null,
        level: null,
        mediatorId: null,
        agreementForm: null,
      });
    });

    it('when a reopened case is accepted again, then mediation starts over', () => {
      const state = sendCase(
        caseInScreening(),
        { type: 'DECLINE', reason: '材料不全' },
        e.reopen,
        e.acceptPeople(),
      );

      expect(pathOf(state)).toBe('mediation.awaitingMediator');
    });

    it('when a closed case is sent anything but REOPEN, then the machine refuses', () => {
      const closed = sendCase(caseInProgress(), e.withdraw);

      for (const event of [e.submit, e.assign(), e.logSession, e.fulfilled, e.withdraw])
        expectRefused(closed, event);
    });
  });

  describe('persistence', () => {
    it('when a snapshot goes through jsonb (JSON) and back, then resolveState rebuilds it and transitions still work', () => {
      const stored = JSON.parse(JSON.stringify(sendCase(caseWithAgreement(), e.followUp)));

      const snapshot = caseMachine.resolveState(stored);
      const [next] = transition(caseMachine, snapshot, e.requestConfirmation());

      expect(statePathOf(next.value)).toBe('agreement.judicialConfirmation');
      expect(next.context.followUpsRecorded).toBe(1);
    });

    it('when a snapshot is rebuilt in every state, then its state value is unchanged', () => {
      for (const path of caseStatePaths) {
        const [parent, child] = path.split('.');
        const value = child ? { [parent]: child } : parent;
        expect(caseStatePath(caseMachine.resolveState({ value, context: newCase().context }).value)).toBe(
          path,
        );
      }
    });

    it('when a state value is flattened, then it is a dotted path; an unknown one throws', () => {
      expect(caseStatePath('screening')).toBe('screening');
      expect(caseStatePath({ mediation: 'inProgress' })).toBe('mediation.inProgress');
      expect(() => caseStatePath({ mediation: 'lost' })).toThrow('Not a case state');
    });

    it('when the machine’s states are listed, then they are exactly the documented state paths', () => {
      type Node = { path: string[]; states: Record<string, Node> };
      const leaves = (node: Node): string[] =>
        Object.keys(node.states).length === 0
          ? [node.path.join('.')]
          : Object.values(node.states).flatMap((child) => leaves(child));

      expect(leaves(caseMachine.root as unknown as Node).sort()).toEqual([...caseStatePaths].sort());
      expect(caseMachine.version).toBe(String(caseMachineVersion));
    });
  });

  describe('an exhaustive walk', () => {
    it('when every probe event is sent breadth-first from registration, then nothing throws but a refusal, every documented state and outcome is reached, and nothing else', () => {
      const probes = caseEventProbes('2024-05-20');
      const reached = new Set<string>([pathOf(newCase())]);
      const outcomes = new Set<CaseOutcome>();
      const seen = new Set<string>();
      // counters grow without end: two states that differ only in them are the same for the walk
      const keyOf = (state: PersistedCase) =>
        JSON.stringify({ ...state, context: { ...state.context, sessionsHeld: 0, followUpsRecorded: 0 } });
      let frontier = [newCase(), newCase({ rules: rulesWithoutConfirmation })];

      for (let depth = 0; depth < 9 && frontier.length > 0; depth++) {
        const next: PersistedCase[] = [];
        for (const state of frontier) {
          for (const probe of probes) {
            let result: AppliedEvent<typeof caseMachine>;
            try {
              result = applyEvent(caseMachine, state, probe);
            } catch (error) {
              expect(error).toBeInstanceOf(EventNotAllowed);
              continue;
            }
            reached.add(caseStatePath(result.next.value));
            if (result.next.context.outcome) outcomes.add(result.next.context.outcome);
            const key = keyOf(result.next);
            if (!seen.has(key)) {
              seen.add(key);
              next.push(result.next);
            }
          }
        }
        frontier = next;
      }

      expect([...reached].sort()).toEqual([...caseStatePaths].sort());
      expect([...outcomes].sort()).toEqual(
        [
          'enforcement_referred',
          'not_accepted',
          'referred_out',
          'resolved',
          'unresolved',
          'withdrawn',
        ].sort(),
      );
    });
  });
});
