import type { Request } from 'express';
import type { TFunction } from 'i18next';
import { actorOf } from '../access/route-table';
import type { PersonalDataCipher } from '../shared/crypto/personal-data';
import { formatMoment } from '../shared/format';
import type { Locale } from '../shared/i18n/i18n';
import type { LookupAccess, LookupSubject } from './lookup-code.repository';
import type { LookupCodeService } from './lookup-code.service';

declare module 'express-session' {
  interface SessionData {
    /**
     * A lookup code just issued, to show once on its case's or petition's page: sealed with
     * DATA_KEY (AES-256-GCM), since sessions are rows of the database, and dropped when shown.
     */
    lookupCodeOnce: { subject: string; sealed: string };
  }
}

const keyOf = (subject: LookupSubject) => `${subject.type}:${subject.id}`;
const pathOf = (subject: LookupSubject) =>
  `/${subject.type === 'case' ? 'cases' : 'petitions'}/${subject.id}`;

/**
 * The "party access" panel of a case's or petition's page: whether a lookup code is current
 * (issued when, by whom), whether the lookup is on, the buttons to issue a new code and to turn
 * the lookup off or on — and a code just issued, shown this once with the words that it will
 * not be shown again.
 */
export class PartyAccessPanel {
  constructor(
    private readonly lookupCodes: LookupCodeService,
    private readonly cipher: PersonalDataCipher,
  ) {}

  /**
   * Keeps a newly issued code in the session until the page shows it (once), and saves the session
   * before the caller redirects: a browser follows a redirect as soon as its headers arrive, which
   * express-session sends before its own save has finished — the page could be read first, without
   * the code (the browser test saw it under load).
   */
  async keepToShowOnce(req: Request, subject: LookupSubject, code: string): Promise<void> {
    req.session.lookupCodeOnce = { subject: keyOf(subject), sealed: this.cipher.encrypt(code) };
    await new Promise<void>((resolve, reject) =>
      req.session.save((error) => (error ? reject(error) : resolve())),
    );
  }

  async panelFor(req: Request, subject: LookupSubject) {
    const access = await this.lookupCodes.accessFor(actorOf(req), subject);
    const once = req.session?.lookupCodeOnce;
    let newCode: string | null = null;
    if (once && once.subject === keyOf(subject)) {
      newCode = this.cipher.decrypt(once.sealed);
      delete req.session.lookupCodeOnce;
      // the page with the code in clear is not kept by the browser or a proxy
      req.res?.setHeader('Cache-Control', 'no-store');
    }
    return partyAccessView(subject, access, newCode, { t: req.t, locale: req.locale });
  }
}

export function partyAccessView(
  subject: LookupSubject,
  access: LookupAccess & { mayManage: boolean },
  newCode: string | null,
  { t, locale }: { t: TFunction; locale: Locale },
) {
  const base = pathOf(subject);
  return {
    newCode,
    issued:
      access.hasCode && access.issuedAt
        ? t('tracking.panel.issued', {
            at: formatMoment(access.issuedAt, locale),
            by: access.issuedByName ?? t('tracking.panel.bySystem'),
          })
        : null,
    enabled: access.enabled,
    status: t(access.enabled ? 'tracking.panel.on' : 'tracking.panel.off'),
    mayManage: access.mayManage,
    issueUrl: `${base}/tracking-code`,
    printNoticeUrl: `${base}/documents/acceptance-notice`,
    switchUrl: `${base}/tracking`,
    switchTo: access.enabled ? 'false' : 'true',
    switchLabel: t(access.enabled ? 'tracking.panel.turnOff' : 'tracking.panel.turnOn'),
    issueLabel: t(access.hasCode ? 'tracking.panel.issueNew' : 'tracking.panel.issue'),
  };
}
