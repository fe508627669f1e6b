import type { Request } from 'express';
import type { Actor } from '../access/actor';
import type { RouteSpec } from '../access/route-table';
import { actorOf, apiRoute, originOf } from '../access/route-table';
import { parseOrThrow } from '../shared/http/validate';
import type { PartySubject } from './party-consent.repository';
import { smsConsentChangeSchema, smsConsentFormSchema, smsConsentStateSchema } from './party-consent.schemas';
import type { PartyConsentService, SmsConsentState } from './party-consent.service';

export interface PartyConsentDeps {
  consents: PartyConsentService;
  /** Reads a case or petition for the guard (404 when the caller may not see it). */
  visible: Record<PartySubject['type'], (actor: Actor, id: string) => Promise<unknown>>;
}

const answerOf = (state: SmsConsentState) => ({
  partyId: state.partyId,
  smsConsent: state.smsConsent,
  smsConsentAt: state.smsConsentAt?.toISOString() ?? null,
  smsConsentWithdrawnAt: state.smsConsentWithdrawnAt?.toISOString() ?? null,
});

/**
 * A party's consent to SMS notices given again or withdrawn (个人信息保护法 §15), recorded by the
 * staff who act on the case or petition: the API and the page's small form, for cases' parties
 * and petitions' petitioners alike.
 */
function consentRoutes(type: PartySubject['type'], deps: PartyConsentDeps): RouteSpec[] {
  const plural = type === 'case' ? 'cases' : 'petitions';
  const people = type === 'case' ? 'parties' : 'petitioners';
  const Name = type === 'case' ? 'CaseParty' : 'Petitioner';
  const action = type === 'case' ? 'case.sms_consent' : 'petition.sms_consent';
  const record = { param: 'id', kind: type, authorize: deps.visible[type] };
  const subjectOf = (req: Request): PartySubject => ({ type, id: String(req.params.id) });
  return [
    apiRoute({
      method: 'put',
      path: `/api/v1/${plural}/:id/${people}/:partyId/sms-consent`,
      access: { action },
      record,
      api: {
        operationId: `set${Name}SmsConsent`,
        tag: plural,
        summary: `Record that a ${type === 'case' ? 'party' : 'petitioner'} consents to SMS notices, or withdraws consent (个人信息保护法 §15; audited). Consent needs a phone (422 naming \`consent\`)`,
        body: smsConsentChangeSchema,
        response: smsConsentStateSchema,
        errors: [422],
      },
      handler: async (req, res) => {
        const state = await deps.consents.setSmsConsent(
          actorOf(req),
          subjectOf(req),
          String(req.params.partyId),
          req.input.body.consent,
          originOf(req),
        );
        res.json(answerOf(state));
      },
    }),
    {
      method: 'post',
      path: `/${plural}/:id/${people}/:partyId/sms-consent`,
      access: { action },
      record,
      handler: async (req, res) => {
        const { consent } = parseOrThrow(smsConsentFormSchema, req.body ?? {});
        const subject = subjectOf(req);
        await deps.consents.setSmsConsent(
          actorOf(req),
          subject,
          String(req.params.partyId),
          consent === 'true',
          originOf(req),
        );
        res.redirect(303, `/${plural}/${subject.id}#sms-consent`);
      },
    },
  ];
}

export function partyConsentRoutes(deps: PartyConsentDeps): RouteSpec[] {
  return [...consentRoutes('case', deps), ...consentRoutes('petition', deps)];
}
