import { transition } from 'xstate';
import {
  type AppliedEvent,
  applyEvent,
  EventNotAllowed,
  statePathOf,
} from '../../src/workflows/machine-runner';
import {
  type PetitionEvent,
  petitionEventProbes,
  petitionMachine,
  petitionMachineVersion,
  petitionStatePath,
  petitionStatePaths,
} from '../../src/workflows/petition.machine';
import { petitionEvents as e, newPetition, type PersistedPetition, sendPetition } from './workflow-fixtures';

const pathOf = (state: PersistedPetition) => petitionStatePath(state.value);

function expectRefused(state: PersistedPetition, event: PetitionEvent): void {
  expect(() => applyEvent(petitionMachine, state, event)).toThrow(EventNotAllowed);
}

const handling = () => sendPetition(newPetition(), e.accept);
const replied = () => sendPetition(handling(), e.reply('2024-06-30'));
const reviewed = () => sendPetition(replied(), e.requestReview(), e.reviewDecided('2024-08-15'));

describe('the petition statechart (信访工作条例)', () => {
  describe('the decision on a registered petition', () => {
    it('when a petition is registered, then it waits in `registered` at its unit', () => {
      const state = newPetition();

      expect(pathOf(state)).toBe('registered');
      expect(state.context).toMatchObject({
        holdingUnitId: 'street-1',
        category: 'claim',
        extended: false,
        linkedCaseIds: [],
        final: false,
      });
    });

    it('when it is accepted, then handling begins', () => {
      expect(pathOf(handling())).toBe('accepted.handling');
    });

    it('when it is not accepted, then it ends as not accepted', () => {
      const state = sendPetition(newPetition(), e.decline);

      expect(pathOf(state)).toBe('notAccepted');
      expect(petitionMachine.resolveState(state).status).toBe('done');
    });

    it('when it is forwarded, then it ends as forwarded and records the receiving unit', () => {
      const state = sendPetition(newPetition(), e.forward('department-2'));

      expect(pathOf(state)).toBe('forwarded');
      expect(state.context.forwardedToUnitId).toBe('department-2');
    });

    it('when a registered petition is replied to, then the machine refuses: it must be accepted first', () => {
      expectRefused(newPetition(), e.reply());
    });
  });

  describe('handling', () => {
    it('when handling is extended, then it stays in handling and remembers the extension', () => {
      const state = sendPetition(handling(), e.extend);

      expect(pathOf(state)).toBe('accepted.handling');
      expect(state.context.extended).toBe(true);
    });

    it('when handling is extended a second time, then the machine refuses: one extension only', () => {
      expectRefused(sendPetition(handling(), e.extend), e.extend);
    });

    it('when a reply is given, then the petition is replied with the review window the service computed', () => {
      const state = replied();

      expect(pathOf(state)).toBe('accepted.replied');
      expect(state.context.reviewRequestWindowEndsOn).toBe('2024-06-30');
    });

    it('信访工作条例 第三十四条: when the extension is asked on the conclusion period’s last day, then it is granted; the day after, refused', () => {
      expect(sendPetition(handling(), e.extendOn('2024-07-30')).context).toMatchObject({
        extended: true,
        conclusionDueOn: '2024-08-29',
      });
      expectRefused(handling(), e.extendOn('2024-07-31'));
    });

    it('信访工作条例 第三十一条、第三十四条: when a suggestion or a complaint is in handling, then it has no conclusion period to extend', () => {
      for (const category of ['proposal', 'complaint'] as const) {
        const state = sendPetition(newPetition(category), { type: 'ACCEPT', conclusionDueOn: null });
        expect(state.context.conclusionDueOn).toBeNull();
        expectRefused(state, e.extendOn('2024-06-01'));
      }
    });

    it('when a petition in handling is closed without a reply, then the machine refuses', () => {
      expectRefused(handling(), e.close);
    });
  });

  describe('review (复查) and recheck (复核)', () => {
    it('when the petitioner asks for a review within the window, then it is under review', () => {
      expect(pathOf(sendPetition(replied(), e.requestReview('2024-06-10')))).toBe('accepted.review');
    });

    it('when they ask on the last day of the window, then it is still in time', () => {
      expect(pathOf(sendPetition(replied(), e.requestReview('2024-06-30')))).toBe('accepted.review');
    });

    it('when they ask after the window, then the machine refuses', () => {
      expectRefused(replied(), e.requestReview('2024-07-01'));
    });

    it('信访工作条例 第三十五条: when they date the request before the reply reached them, then the machine refuses', () => {
      expectRefused(
        sendPetition(handling(), e.reply('2024-07-04', '2024-06-04')),
        e.requestReview('2024-06-03'),
      );
    });

    it('信访工作条例 第三十五条: when the review is asked, then the petition moves to the review body and remembers whose reply it reviews', () => {
      const state = sendPetition(replied(), e.requestReview('2024-06-10', 'district-1'));

      expect(state.context).toMatchObject({
        holdingUnitId: 'district-1',
        repliedByUnitId: 'street-1',
        reviewUnitId: 'district-1',
      });
    });

    it('信访工作条例 第三十五条: when a later delivery is recorded, then the window moves with it; a delivery before the reply is refused', () => {
      const state = sendPetition(replied(), e.recordDelivery('2024-06-03', '2024-07-03'));

      expect(state.context).toMatchObject({
        deliveredOn: '2024-06-03',
        reviewRequestWindowEndsOn: '2024-07-03',
      });
      expectRefused(replied(), e.recordDelivery('2024-05-30', '2024-06-29'));
    });

    it('信访工作条例 第三十四条、第三十五条: when a suggestion or a complaint was replied to, then no review can be asked, whatever window is passed', () => {
      for (const category of ['proposal', 'complaint'] as const) {
        const state = sendPetition(
          newPetition(category),
          { type: 'ACCEPT', conclusionDueOn: null },
          e.reply('2024-06-30'),
        );
        expect(pathOf(state)).toBe('accepted.replied');
        expectRefused(state, e.requestReview('2024-06-10'));
        expect(pathOf(sendPetition(state, e.close))).toBe('closed');
      }
    });

    it('信访工作条例 第三十五条: when a delivery was already recorded for the reply, then a second one is refused', () => {
      const delivered = sendPetition(replied(), e.recordDelivery('2024-06-03', '2024-07-03'));

      expectRefused(delivered, e.recordDelivery('2024-06-05', '2024-07-05'));
    });

    it('信访工作条例 第三十五条: when the window has run out, then a later delivery cannot reopen it; on its last day it still can', () => {
      expectRefused(replied(), e.recordDelivery('2024-06-20', '2024-07-20', '2024-07-01'));
      const lastDay = sendPetition(replied(), e.recordDelivery('2024-06-20', '2024-07-20', '2024-06-30'));
      expect(lastDay.context.reviewRequestWindowEndsOn).toBe('2024-07-20');
    });

    it('信访工作条例 第三十五条: when the review decision is given, then a delivery may be recorded again, for that opinion', () => {
      const delivered = sendPetition(replied(), e.recordDelivery('2024-06-03', '2024-07-03'));
      const decided = sendPetition(sendPetition(delivered, e.requestReview('2024-06-10')), e.reviewDecided());
      expect(decided.context.deliveryRecorded).toBe(false);
    });

    it('when the review is decided, then it is reviewed with the recheck window the service computed', () => {
      const state = reviewed();

      expect(pathOf(state)).toBe('accepted.reviewed');
      expect(state.context.recheckRequestWindowEndsOn).toBe('2024-08-15');
    });

    it('when they ask for a recheck within the window, then it is under recheck', () => {
      expect(pathOf(sendPetition(reviewed(), e.requestRecheck('2024-08-15')))).toBe('accepted.recheck');
    });

    it('when they ask for a recheck after the window, then the machine refuses', () => {
      expectRefused(reviewed(), e.requestRecheck('2024-08-16'));
    });

    it('信访工作条例 第三十六条: when the recheck is asked, then it goes one level further up', () => {
      const state = sendPetition(reviewed(), e.requestRecheck('2024-08-01', 'city-1'));

      expect(state.context).toMatchObject({
        holdingUnitId: 'city-1',
        reviewUnitId: 'district-1',
        recheckUnitId: 'city-1',
      });
    });

    it('信访工作条例 第三十六条: when the recheck is decided, then the petition is closed for good and marked final', () => {
      const state = sendPetition(reviewed(), e.requestRecheck(), e.recheckDecided);

      expect(pathOf(state)).toBe('closed');
      expect(state.context.final).toBe(true);
      expect(petitionMachine.resolveState(state).status).toBe('done');
    });

    it('信访工作条例 第三十六条: when the recheck body holds a hearing, then nothing is decided until it resumes', () => {
      const hearing = sendPetition(reviewed(), e.requestRecheck(), e.suspendForHearing);

      expect(pathOf(hearing)).toBe('accepted.recheckHearing');
      expectRefused(hearing, e.recheckDecided);
      expect(pathOf(sendPetition(hearing, e.resume))).toBe('accepted.recheck');
    });

    it('when a hearing is asked outside the recheck, then the machine refuses', () => {
      expectRefused(sendPetition(replied(), e.requestReview()), e.suspendForHearing);
      expectRefused(handling(), e.suspendForHearing);
    });

    it('when a replied petition is closed, then it is not final (no recheck decided it)', () => {
      expect(sendPetition(replied(), e.close).context.final).toBe(false);
    });

    it('when a replied petition is closed, then it is closed', () => {
      expect(pathOf(sendPetition(replied(), e.close))).toBe('closed');
    });

    it('when a reviewed petition is closed, then it is closed', () => {
      expect(pathOf(sendPetition(reviewed(), e.close))).toBe('closed');
    });

    it('when a petition under review or recheck is closed, then the machine refuses: the decision comes first', () => {
      expectRefused(sendPetition(replied(), e.requestReview()), e.close);
      expectRefused(sendPetition(reviewed(), e.requestRecheck()), e.close);
    });
  });

  describe('in any open state', () => {
    it.each([
      ['registered', () => newPetition()],
      ['handling', handling],
      ['replied', replied],
      ['review', () => sendPetition(replied(), e.requestReview())],
      ['reviewed', reviewed],
      ['recheck', () => sendPetition(reviewed(), e.requestRecheck())],
      ['recheckHearing', () => sendPetition(reviewed(), e.requestRecheck(), e.suspendForHearing)],
    ])('when a case is linked and an agent assigned while %s, then it stays and records both', (_, given) => {
      const before = given();

      const state = sendPetition(before, e.linkCase('case-7'), e.assignAgent('agent-3'));

      expect(pathOf(state)).toBe(pathOf(before));
      expect(state.context).toMatchObject({ linkedCaseIds: ['case-7'], agentId: 'agent-3' });
    });

    it('when the same case is linked twice, then it is listed once', () => {
      const state = sendPetition(
        newPetition(),
        e.linkCase('case-7'),
        e.linkCase('case-8'),
        e.linkCase('case-7'),
      );

      expect(state.context.linkedCaseIds).toEqual(['case-7', 'case-8']);
    });

    it.each([
      ['notAccepted', () => sendPetition(newPetition(), e.decline)],
      ['forwarded', () => sendPetition(newPetition(), e.forward())],
      ['closed', () => sendPetition(replied(), e.close)],
    ])('when a petition that ended as %s is sent any event, then the machine refuses it', (_, given) => {
      const ended = given();

      for (const event of petitionEventProbes('2024-06-01')) expectRefused(ended, event);
    });
  });

  describe('persistence', () => {
    it('when a snapshot goes through jsonb (JSON) and back, then resolveState rebuilds it and transitions still work', () => {
      const stored = JSON.parse(JSON.stringify(sendPetition(handling(), e.extend, e.linkCase())));

      const snapshot = petitionMachine.resolveState(stored);
      const [next] = transition(petitionMachine, snapshot, e.reply());

      expect(statePathOf(next.value)).toBe('accepted.replied');
      expect(next.context).toMatchObject({ extended: true, linkedCaseIds: ['case-1'] });
    });

    it('when a state value is flattened, then it is a dotted path; an unknown one throws', () => {
      expect(petitionStatePath({ accepted: 'review' })).toBe('accepted.review');
      expect(() => petitionStatePath('limbo')).toThrow('Not a petition state');
    });

    it('when the machine’s states are listed, then they are exactly the documented state paths', () => {
      type Node = { path: string[]; states: Record<string, Node> };
      const leaves = (node: Node): string[] =>
        Object.keys(node.states).length === 0
          ? [node.path.join('.')]
          : Object.values(node.states).flatMap((child) => leaves(child));

      expect(leaves(petitionMachine.root as unknown as Node).sort()).toEqual([...petitionStatePaths].sort());
      expect(petitionMachine.version).toBe(String(petitionMachineVersion));
    });
  });

  describe('an exhaustive walk', () => {
    it('when every probe event is sent breadth-first from registration, then nothing throws but a refusal, and exactly the documented states are reached', () => {
      const probes = petitionEventProbes('2024-06-01');
      const reached = new Set<string>([pathOf(newPetition())]);
      const seen = new Set<string>();
      let frontier = [newPetition()];

      for (let depth = 0; depth < 10 && frontier.length > 0; depth++) {
        const next: PersistedPetition[] = [];
        for (const state of frontier) {
          for (const probe of probes) {
            let result: AppliedEvent<typeof petitionMachine>;
            try {
              result = applyEvent(petitionMachine, state, probe);
            } catch (error) {
              expect(error).toBeInstanceOf(EventNotAllowed);
              continue;
            }
            reached.add(petitionStatePath(result.next.value));
            const key = JSON.stringify(result.next);
            if (!seen.has(key)) {
              seen.add(key);
              next.push(result.next);
            }
          }
        }
        frontier = next;
      }

      expect([...reached].sort()).toEqual([...petitionStatePaths].sort());
    });
  });
});
