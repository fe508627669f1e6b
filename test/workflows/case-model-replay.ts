import { todayInShanghai } from '../../src/deadlines/working-calendar';
import {
  type CaseEvent,
  caseRulesExcerpt,
  caseStatePath,
  caseStatePaths,
} from '../../src/workflows/case.machine';
import { transferKindOf } from '../../src/workflows/case-events/hand-off.events';
import { rulesFor } from '../../src/workflows/rules';
import type { DisputeType } from '../../src/workflows/rules/dispute-rules.types';
import {
  type ApiClient,
  type CaseTeam,
  type CaseView,
  createCaseTeam,
  openApiClient,
  registration,
} from '../cases/case-api';
import { startTestApp, type TestApp } from '../support/test-app';
import {
  allDefinitions,
  buildCaseModel,
  type CaseSnapshot,
  coveringPaths,
  definitionsTaken,
  type ModelPath,
  type ModelUnit,
  modelMediatorOf,
  modelStateKey,
  modelUnits,
  replayInMachine,
  stateLabel,
  stepLabel,
  transitionLabel,
  variantLabel,
} from './case-model';

/**
 * Model-based tests of the case workflow (issue 4), shared by case.model-based.test.ts
 * (the four first-class dispute types) and case.model-based.generic.test.ts (the
 * generic ones), so that Jest runs the two halves side by side. For each type the case
 * statechart is explored with @xstate/graph (case-model.ts), paths are chosen that
 * together reach every state and take every transition the type's rules allow, and
 * each path is replayed through the HTTP API against PostgreSQL, by the users the
 * policy requires. After every step the API must show what the machine says, one
 * version further, with an intact hash chain one event longer.
 */

const today = todayInShanghai(new Date());

const mediationLeaves = ['mediation.awaitingMediator', 'mediation.inProgress', 'mediation.suspended'];
/** Extending a period by agreement (医疗 §38): only types with an extendable track reach it. */
const extensionDefinitions = mediationLeaves.map((leaf) => `${leaf} · case.mediation:EXTEND_PERIOD#0`);
/** Referral to arbitration from mediation needs a run-out period (劳动 §14): time does not pass in the model. */
const arbitrationDefinitions = mediationLeaves.map((leaf) => `${leaf} · case.mediation:REFER_OUT#0`);
/** A transfer the department decides on first (医疗 §40): only types whose body decides acceptance. */
const departmentDecisionDefinitions = ['mediation.inProgress · case.mediation.inProgress:TRANSFER#0'];
/** The events after which a stage's period starts again (an agreed extension ends with its stage). */
const startsStage = new Set([
  'ACCEPT',
  'ESCALATE',
  'RETURN_DOWN',
  'TRANSFER',
  'CONFIRMATION_REJECTED',
  'RESUME_MEDIATION',
]);

/** An ACCEPT or a TRANSFER onto the administrative track: a department the type's rules may name. */
function toAdministrativeTrack(event: CaseEvent): boolean {
  return (
    (event.type === 'ACCEPT' && event.track === 'administrative') ||
    (event.type === 'TRANSFER' && event.toTrack === 'administrative')
  );
}

function describePath(path: ModelPath): string {
  const types = path.steps.map((step) => step.event.type);
  const reopenings = types.filter((type) => type === 'REOPEN').length;
  return `${types.length} events, ${reopenings} reopenings: ${types.slice(0, 6).join(' → ')} …`;
}

/** The API's request body for a model event: what a client sends, naming real units and users. */
function requestBody(
  event: CaseEvent,
  team: CaseTeam,
  context: {
    escalatedFrom: Map<ModelUnit, ModelUnit>;
    holding: ModelUnit;
    today: string;
    /** The case's soonest planned session (CANCEL_SESSION names it). */
    plannedSession?: string;
  },
): Record<string, unknown> {
  const unitId = (unit: string) => team.units[unit as ModelUnit].id;
  switch (event.type) {
    case 'ACCEPT':
      return event.track === 'people'
        ? { type: 'ACCEPT', track: 'people', level: event.level }
        : { type: 'ACCEPT', track: event.track, unitId: unitId(event.unitId) };
    case 'ASSIGN':
      return { type: 'ASSIGN', mediatorUsername: team.mediators[context.holding].user.username };
    case 'ESCALATE':
      // the API finds the unit above itself
      return { type: 'ESCALATE', reasonCode: event.reasonCode, reason: event.reason };
    case 'RETURN_DOWN':
      // back to the unit that escalated the case here the API finds itself; elsewhere it is named
      return context.escalatedFrom.get(context.holding) === event.unitId
        ? { type: 'RETURN_DOWN', instructions: event.instructions }
        : { type: 'RETURN_DOWN', instructions: event.instructions, unitId: unitId(event.unitId) };
    case 'TRANSFER':
      return { type: 'TRANSFER', toTrack: event.toTrack, unitId: unitId(event.unitId), reason: event.reason };
    case 'REACH_AGREEMENT':
      // the day it takes effect and its window are the API's to work out
      return { type: 'REACH_AGREEMENT', form: event.form, terms: event.terms, performBy: event.performBy };
    case 'REQUEST_JUDICIAL_CONFIRMATION':
      return {
        type: 'REQUEST_JUDICIAL_CONFIRMATION',
        court: unitId(event.court),
        appliedOn: context.today,
        jointlyApplied: true,
      };
    case 'CANCEL_SESSION':
      return { type: 'CANCEL_SESSION', appointmentId: context.plannedSession, reason: event.reason };
    case 'BREACHED':
      // the guidance given is the API's to read from the type's rules
      return { type: 'BREACHED', note: event.note };
    case 'REFER_OUT':
      // whether the period has run out is the API's to read from the case's clock
      return { type: 'REFER_OUT', agency: event.agency, reason: event.reason };
    default:
      return { ...event };
  }
}

/**
 * What the API must show after a step, per the machine and the type's rules (and the days
 * agreed to add to the stage). A transfer the competent body decides on first (医疗 §40) waits
 * in its screening under the body's period to decide.
 */
function expectedView(
  snapshot: CaseSnapshot,
  team: CaseTeam,
  type: DisputeType,
  { extendedBy, event }: { extendedBy: number; event: CaseEvent },
) {
  const context = snapshot.context;
  const state = caseStatePath(snapshot.value);
  const inMediation = state.startsWith('mediation.');
  const rules = rulesFor(type);
  const deciding = state === 'screening' && event.type === 'TRANSFER' ? rules.administrativeAcceptance : null;
  // while the court decides on confirmation its own period runs (民事诉讼法 §187)
  const stage =
    inMediation && context.track
      ? rules.deadlines[context.track]
      : state === 'agreement.judicialConfirmation'
        ? rules.judicialConfirmation.decisionPeriod
        : deciding;
  const mediatorAt = modelUnits.find((unit) => modelMediatorOf(unit) === context.mediatorId);
  const mediator = mediatorAt ? team.mediators[mediatorAt].user.id : null;
  return {
    state,
    track: context.track,
    level: context.level,
    outcome: context.outcome,
    holdingUnit: team.units[context.holdingUnitId as ModelUnit].id,
    mediator,
    confirmable: context.confirmationWindowEndsOn !== null,
    judiciallyConfirmed: context.judiciallyConfirmed,
    deadline: stage
      ? {
          // a period in months counts its days from the day it started (countedDaysOf): compare the rule's length
          // an extension by agreement (EXTEND_PERIOD) lengthens the mediation's period, never the court's
          length:
            stage.months === undefined
              ? { days: stage.days + (inMediation ? extendedBy : 0) }
              : { months: stage.months },
          basis: stage.basis,
          source: stage.source,
          paused: state === 'mediation.suspended' && stage.pausedBy.includes('appraisal'),
        }
      : null,
  };
}

function actualView(body: CaseView) {
  return {
    state: body.state,
    track: body.track,
    level: body.level,
    outcome: body.outcome,
    holdingUnit: body.holdingUnit?.id,
    mediator: body.mediator?.id ?? null,
    confirmable: body.confirmationWindowEndsOn !== null,
    judiciallyConfirmed: body.judiciallyConfirmed,
    deadline: body.deadline
      ? {
          length:
            body.deadline.months === null ? { days: body.deadline.days } : { months: body.deadline.months },
          basis: body.deadline.basis,
          source: body.deadline.source,
          paused: body.deadline.paused,
        }
      : null,
  };
}

/**
 * The model-based specs of one dispute type: the paths generated for it, checked against
 * the machine's definition and the type's rules, then each replayed through the API.
 */
export function specifyCaseWorkflowFromModel(type: DisputeType): void {
  const model = buildCaseModel(type, today);
  const paths = coveringPaths(model);
  const rules = rulesFor(type);

  describe('the generated paths', () => {
    it('when taken together, then they reach every reachable state and take every reachable transition', () => {
      const states = new Set<string>([stateLabel(model.initial)]);
      const transitions = new Set<string>();
      const variants = new Set<string>();
      const definitions = new Set<string>();
      for (const path of paths) {
        const snapshots = replayInMachine(model, path);
        path.steps.forEach((step, index) => {
          const before = index === 0 ? model.initial : snapshots[index - 1];
          const after = snapshots[index];
          expect(modelStateKey(after)).toBe(modelStateKey(step.after));
          states.add(stateLabel(after));
          transitions.add(transitionLabel(before, step.event, after));
          const variant = variantLabel(before, step.event, after);
          if (variant) variants.add(variant);
          for (const definition of definitionsTaken(before, step.event)) definitions.add(definition);
        });
      }

      expect([...states].sort()).toEqual([...model.reachableStates].sort());
      expect([...transitions].sort()).toEqual([...model.reachableTransitions].sort());
      expect([...variants].sort()).toEqual([...model.reachableVariants].sort());
      expect([...definitions].sort()).toEqual([...model.reachableDefinitions].sort());
    });

    it('when the type’s rules are read, then exactly the machine’s transitions they allow are reachable', () => {
      const everyDefinition = allDefinitions();
      const reachableStatePaths = new Set(
        [...model.reachableStates].map((label) => label.replace(/\(.*\)$/, '')),
      );

      const excerpt = caseRulesExcerpt(rules);
      const unreachable = [
        ...arbitrationDefinitions,
        ...(excerpt.extendableTracks.length === 0 ? extensionDefinitions : []),
        ...(excerpt.departmentDecidesAcceptance ? [] : departmentDecisionDefinitions),
      ];
      for (const definition of unreachable) expect(everyDefinition).toContain(definition);
      const reachableByRules = everyDefinition.filter((definition) => !unreachable.includes(definition));
      // every type's agreements may go to judicial confirmation: whether one can is said on it (民诉法解释 §355)
      expect([...model.reachableDefinitions].sort()).toEqual(reachableByRules);
      expect([...reachableStatePaths].sort()).toEqual([...caseStatePaths].sort());
      expect(model.reachableStates).toContain('closed(enforcement_referred)');
      for (const outcome of ['resolved', 'unresolved', 'withdrawn', 'not_accepted', 'referred_out']) {
        expect(model.reachableStates).toContain(`closed(${outcome})`);
      }
      const guidances = [...model.reachableVariants]
        .map((label) => /^FAIL\[(\w+)\]$/.exec(label)?.[1])
        .filter((guidance): guidance is string => guidance !== undefined);
      expect(new Set(guidances)).toEqual(new Set(rules.failureGuidance));
      for (const transfer of [
        'people→administrative',
        'people→judicial',
        'administrative→judicial',
        'administrative→people',
        'judicial→people',
      ]) {
        expect(model.reachableVariants).toContain(`TRANSFER[${transfer}]`);
      }
    });
  });

  describe('replayed through the API on PostgreSQL', () => {
    let testApp: TestApp;
    let team: CaseTeam;
    let api: ApiClient;

    beforeAll(async () => {
      testApp = await startTestApp();
      // the team's department is the type's competent body (none for a generic type)
      team = await createCaseTeam(testApp, {
        departmentKey: rules.administrativeBody?.departmentKey ?? null,
      });
      api = await openApiClient(testApp);
    });
    afterAll(async () => {
      await api.close();
      await testApp.close();
    });

    it.each(paths.map((path, index) => [index + 1, describePath(path), path] as const))(
      'path %i (%s): after every step the API shows the machine’s state, one version on, with a valid chain; every hand-off awaits review',
      async (_index, _description, path) => {
        const registered = await api.call(
          team.mediators.community,
          'POST',
          '/api/v1/cases',
          registration({ type }),
        );
        expect(registered.status).toBe(201);
        expect(registered.body).toMatchObject({ state: 'registered', version: 0 });
        const caseId: string = registered.body.id;
        const verify = () =>
          api.call<{ valid: boolean; events: number }>(
            team.supervisor,
            'GET',
            `/api/v1/cases/${caseId}/verify`,
          );
        expect((await verify()).body).toEqual({ valid: true, events: 1 });

        const expectedSnapshots = replayInMachine(model, path);
        const escalatedFrom = new Map<ModelUnit, ModelUnit>();
        let version = 0;
        let extendedBy = 0;
        for (const [index, step] of path.steps.entries()) {
          const before = index === 0 ? model.initial : expectedSnapshots[index - 1];
          const after = expectedSnapshots[index];
          const label = `step ${index + 1}: ${stepLabel(before, step.event, after)}`;
          const holding = before.context.holdingUnitId as ModelUnit;
          const actor = step.event.type === 'REOPEN' ? team.supervisor : team.mediators[holding];
          const appToday = todayInShanghai(testApp.clock.now());
          if (startsStage.has(step.event.type)) extendedBy = 0;
          if (step.event.type === 'EXTEND_PERIOD') extendedBy += step.event.days;

          const plannedSession =
            step.event.type === 'CANCEL_SESSION'
              ? (
                  await testApp.db.query(
                    `SELECT id FROM appointments WHERE subject_id = $1 AND status = 'planned'
                     AND kind <> 'follow_up' ORDER BY starts_at, id LIMIT 1`,
                    [caseId],
                  )
                )[0]?.id
              : undefined;
          const context = { escalatedFrom, holding, today: appToday, plannedSession };
          if (rules.administrativeBody && toAdministrativeTrack(step.event)) {
            // the same step to a department that is not the type's competent body is refused, and writes nothing
            const wrong = await api.call(actor, 'POST', `/api/v1/cases/${caseId}/events`, {
              expectedVersion: version,
              ...requestBody({ ...step.event, unitId: 'otherDepartment' } as CaseEvent, team, context),
            });
            expect({
              label,
              status: wrong.status,
              code: wrong.body.error?.code,
              fields: wrong.body.error?.details?.map((detail) => detail.field),
            }).toEqual({ label, status: 422, code: 'not_competent_body', fields: ['unitId'] });
          }

          const response = await api.call(actor, 'POST', `/api/v1/cases/${caseId}/events`, {
            expectedVersion: version,
            ...requestBody(step.event, team, context),
          });

          expect({ label, status: response.status, error: response.body.error }).toEqual({
            label,
            status: 200,
            error: undefined,
          });
          expect({ label, ...actualView(response.body) }).toEqual({
            label,
            ...expectedView(after, team, type, { extendedBy, event: step.event }),
          });
          expect({ label, version: response.body.version }).toEqual({ label, version: version + 1 });
          version = response.body.version;
          const verification = await verify();
          expect({ label, ...verification.body }).toEqual({ label, valid: true, events: index + 2 });

          if (step.event.type === 'ESCALATE') {
            escalatedFrom.set(after.context.holdingUnitId as ModelUnit, holding);
          }
        }

        const timeline = await api.call<{
          items: Array<{ type: string; toState: string; payload: Record<string, unknown> }>;
        }>(team.supervisor, 'GET', `/api/v1/cases/${caseId}/events`);
        expect(timeline.body.items.map((event) => event.type)).toEqual([
          'REGISTERED',
          ...path.steps.map((step) => step.event.type),
        ]);
        expect(timeline.body.items.map((event) => event.toState)).toEqual([
          'registered',
          ...expectedSnapshots.map((snapshot) => caseStatePath(snapshot.value)),
        ]);
        // each transfer is named by what it is: 委派调解 from the court, 委托调解 from a department, else 移送
        expect(
          timeline.body.items
            .filter((event) => event.type === 'TRANSFER')
            .map((event) => event.payload.transferKind),
        ).toEqual(
          path.steps.flatMap(({ event }, index) => {
            if (event.type !== 'TRANSFER') return [];
            const before = index === 0 ? model.initial : expectedSnapshots[index - 1];
            return [transferKindOf(before.context.track, event.toTrack)];
          }),
        );

        // every hand-off left a record awaiting review by a supervisor over the receiving unit
        const handOffs = await testApp.db.query(
          `SELECT event_seq AS "eventSeq", kind, from_unit_id AS "from", to_unit_id AS "to", reason, status
           FROM escalations WHERE case_id = $1 ORDER BY event_seq`,
          [caseId],
        );
        expect(handOffs).toEqual(
          path.steps.flatMap(({ event }, index) => {
            if (event.type !== 'ESCALATE' && event.type !== 'RETURN_DOWN' && event.type !== 'TRANSFER')
              return [];
            const before = index === 0 ? model.initial : expectedSnapshots[index - 1];
            const unitOf = (snapshot: CaseSnapshot) =>
              team.units[snapshot.context.holdingUnitId as ModelUnit].id;
            return [
              {
                eventSeq: index + 2,
                kind: event.type,
                from: unitOf(before),
                to: unitOf(expectedSnapshots[index]),
                // a return down gives the instructions sent with it as its reason
                reason: event.type === 'RETURN_DOWN' ? event.instructions : event.reason,
                status: 'pending',
              },
            ];
          }),
        );
      },
    );

    it('after every path, the audit of the chains with the key finds each chain intact and each record copied from an event as the event says', async () => {
      const [{ cases }] = await testApp.db.query('SELECT count(*)::int AS cases FROM cases');
      const { checked, findings } = await testApp.services.chainAudit.audit();
      expect(findings).toEqual([]);
      expect(checked.case).toBe(cases);
    });
  });
}
