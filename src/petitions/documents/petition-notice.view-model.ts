import { formatPlainDate } from '../../shared/format';
import { inLocale } from '../../shared/i18n/bilingual';
import { unitPhone } from '../../units/unit.presenter';
import type { PetitionDocument } from './petition-document.service';
import { type DocumentContext, petitionDocumentFrame } from './petition-document.view-model';
import { petitionDocumentLaw } from './petition-documents';

/**
 * 信访事项受理告知书 (templates/documents/petition-acceptance.hbs): accepted, on which day, what
 * kind of matter it is (§31) and, for a claim, by when it is concluded (§34); told in writing
 * within the 15 days (§22, §23). With the lookup code (信访事项查询码) when the caller has it —
 * a code is shown once, when issued — else a line saying where a new one is to be had.
 */
export function acceptanceNoticeView(
  document: PetitionDocument,
  context: DocumentContext,
  options: { lookupCode?: string } = {},
) {
  const { t, locale } = context;
  const { row, rules } = document;
  const law = petitionDocumentLaw(rules);
  const frame = petitionDocumentFrame(document, t('petitionDocs.acceptance.title'), context);
  const category = t(`petitions.categories.${row.category}`);
  const dueOn = document.issued.payload.conclusionDueOn;
  const claim = rules.concludeApplies.categories.includes(row.category);
  return {
    ...frame,
    body: t('petitionDocs.acceptance.body', {
      receivedOn: frame.receivedOn,
      subject: row.subject,
      acceptedOn: frame.issuedOn,
    }),
    category: t('petitionDocs.acceptance.category', { category, source: inLocale(locale, law.category) }),
    period: claim
      ? t(
          typeof dueOn === 'string' ? 'petitionDocs.acceptance.periodDue' : 'petitionDocs.acceptance.period',
          {
            days: rules.conclude.days,
            extension: rules.extension.maxDays,
            due: typeof dueOn === 'string' ? formatPlainDate(dueOn, locale) : '',
            source: inLocale(locale, law.conclusion),
          },
        )
      : t('petitionDocs.acceptance.noPeriod', { category, source: inLocale(locale, law.conclusionApplies) }),
    basis: t('petitionDocs.basis', {
      source: inLocale(locale, law.decision),
      days: rules.decideAndNotify.days,
    }),
    // the issuing unit's public number, where the petitioner may ask about the matter; none when it has none
    contact: document.issuer.phone
      ? t('petitionDocs.acceptance.contact', { unit: frame.issuer, phone: unitPhone(document.issuer) })
      : null,
    lookupCode: options.lookupCode ?? null,
    lookupHint: t('petitionDocs.lookup.hint', { number: row.number }),
    lookupMissing: t('petitionDocs.lookup.missing'),
  };
}

/**
 * 信访事项不予受理告知书 (templates/documents/petition-refusal.hbs): not accepted, why, and where the
 * petitioner may take the matter instead — the body with the power to handle it (§23), a court,
 * arbitration or administrative reconsideration where the law sends a claim there (§31).
 */
export function refusalNoticeView(document: PetitionDocument, context: DocumentContext) {
  const { t, locale } = context;
  const { row, rules } = document;
  const law = petitionDocumentLaw(rules);
  const frame = petitionDocumentFrame(document, t('petitionDocs.refusal.title'), context);
  return {
    ...frame,
    body: t('petitionDocs.refusal.body', {
      receivedOn: frame.receivedOn,
      subject: row.subject,
      decidedOn: frame.issuedOn,
    }),
    reason: typeof document.issued.payload.reason === 'string' ? document.issued.payload.reason : '',
    routes: (['competentBody', 'court', 'arbitration', 'reconsideration'] as const).map((route) =>
      t(`petitionDocs.refusal.routes.${route}`),
    ),
    routesSource: t('petitionDocs.refusal.routesSource', { source: inLocale(locale, law.otherRoutes) }),
    basis: t('petitionDocs.basis', {
      source: inLocale(locale, law.decision),
      days: rules.decideAndNotify.days,
    }),
  };
}
