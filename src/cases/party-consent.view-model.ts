import type { Request } from 'express';
import type { TFunction } from 'i18next';
import { actorOf } from '../access/route-table';
import { formatMoment } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import type { PartyConsent, PartySubject } from './party-consent.repository';
import type { PartyConsentService } from './party-consent.service';

/**
 * The "SMS notices" panel of a case's or petition's page: each applicant and respondent (or
 * petitioner), whether they consent now — since when, or withdrawn when — and, for the staff who
 * act on it, the button recording a withdrawal or a new consent (个人信息保护法 §15).
 */
export class SmsConsentPanel {
  constructor(private readonly consents: PartyConsentService) {}

  async panelFor(req: Request, subject: PartySubject) {
    const { parties, mayChange } = await this.consents.consentsFor(actorOf(req), subject);
    return smsConsentView(subject, parties, mayChange, { t: req.t, locale: req.locale });
  }
}

export function smsConsentView(
  subject: PartySubject,
  parties: PartyConsent[],
  mayChange: boolean,
  { t, locale }: { t: TFunction; locale: Locale },
) {
  const people = subject.type === 'case' ? 'parties' : 'petitioners';
  const base = `/${subject.type === 'case' ? 'cases' : 'petitions'}/${subject.id}/${people}`;
  return {
    rows: parties.map((party) => ({
      id: party.id,
      name: party.name,
      roleLabel: t(`partyRoles.${party.role}`),
      phone: party.phoneMasked,
      status: party.smsConsent
        ? t('smsConsent.given', { at: party.smsConsentAt ? formatMoment(party.smsConsentAt, locale) : '' })
        : party.smsConsentWithdrawnAt
          ? t('smsConsent.withdrawn', { at: formatMoment(party.smsConsentWithdrawnAt, locale) })
          : t('smsConsent.never'),
      consenting: party.smsConsent,
      url: `${base}/${party.id}/sms-consent`,
      // the button: a withdrawal, or a consent given (again) — which needs a phone to send to
      action: !mayChange
        ? null
        : party.smsConsent
          ? { consent: 'false', label: t('smsConsent.recordWithdrawal') }
          : party.hasMobile
            ? { consent: 'true', label: t('smsConsent.recordConsent') }
            : null,
      needsPhone: mayChange && !party.smsConsent && !party.hasMobile,
    })),
  };
}
