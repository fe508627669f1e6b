import fs from 'node:fs';
import path from 'node:path';
import Handlebars from 'handlebars';
import type { i18n as I18n, TFunction } from 'i18next';
import { provisionalText } from '../deadlines/provisional.presenter';
import { formatMoment } from '../shared/format';
import { viewHelpers } from '../shared/http/view-helpers';
import type { Locale } from '../shared/i18n/i18n';
import { templatesDir } from '../shared/paths';
import { kindRules, type NotificationKind } from './notification-kinds';
import type { SubjectSummary } from './outbox.repository';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** One notice as a mail shows it; built by the dispatcher from the outbox row, read at send time. */
export interface NoticeModel {
  kind: NotificationKind;
  recipientName: string;
  subject: SubjectSummary | null;
  payload: Record<string, unknown>;
}

export interface DigestModel {
  recipientName: string;
  date: string;
  items: Array<{ kind: NotificationKind; subject: SubjectSummary | null }>;
}

type Part = 'html' | 'text';
const emailDir = path.join(templatesDir, 'email');

/** The templates of one part (HTML, escaped; or plain text, not escaped), compiled once. */
class TemplateSet {
  private readonly env = Handlebars.create();
  private readonly compiled = new Map<string, HandlebarsTemplateDelegate>();

  constructor(private readonly part: Part) {
    this.env.registerHelper(viewHelpers);
    const partialsDir = path.join(emailDir, 'partials');
    for (const file of fs.readdirSync(partialsDir)) {
      const match = file.match(/^(.+)\.(html|text)\.hbs$/);
      if (match?.[2] === part) this.env.registerPartial(match[1], this.compile(path.join(partialsDir, file)));
    }
  }

  private compile(file: string): HandlebarsTemplateDelegate {
    return this.env.compile(fs.readFileSync(file, 'utf8'), { noEscape: this.part === 'text', strict: false });
  }

  render(name: string, context: object): string {
    let template = this.compiled.get(name);
    if (!template) {
      template = this.compile(path.join(emailDir, `${name}.${this.part}.hbs`));
      this.compiled.set(name, template);
    }
    return template(context);
  }
}

/**
 * Renders notices and digests from `templates/email/` in the recipient's language
 * (every string from the locale files, `email.*`): a subject line, a text part and an
 * HTML part, each with a link into the app and one to the notification settings.
 */
export class MailRenderer {
  private readonly parts: Record<Part, TemplateSet> = {
    html: new TemplateSet('html'),
    text: new TemplateSet('text'),
  };

  constructor(
    private readonly i18n: I18n,
    private readonly publicUrl: string,
  ) {}

  /** Where a case or petition opens in the app (a checkpoint: the supervisors' chain check). */
  linkTo(subject: Pick<SubjectSummary, 'type' | 'id'>): string {
    if (subject.type === 'checkpoint') return `${this.publicUrl}/supervision/verify`;
    if (subject.type === 'screening') return `${this.publicUrl}/screenings/overview`;
    return `${this.publicUrl}/${subject.type === 'case' ? 'cases' : 'petitions'}/${subject.id}`;
  }

  renderNotice(model: NoticeModel, locale: Locale): RenderedMail {
    const t = this.i18n.getFixedT(locale);
    const subject = model.subject && this.describe(model.subject, t);
    const source = model.payload.source as { zh?: string; en?: string } | undefined;
    const yearsWithoutNotice = model.payload.yearsWithoutNotice as number[] | undefined;
    const context = {
      ...this.common(model.recipientName, locale, t),
      subject,
      payload: model.payload,
      sourceLabel: source ? (locale === 'en' ? source.en : source.zh) : undefined,
      // a deadline across a year whose holiday notice is not entered: said in one line
      provisional: model.payload.provisional ? provisionalText(yearsWithoutNotice ?? [], t, locale) : null,
      // a transfer by what it is (委派调解 / 委托调解 / 移送), where the notice says it
      handOff: t(
        `email.handOffs.${String(model.payload.transferKind ?? model.payload.event ?? 'TRANSFER')}`,
        {
          defaultValue: t('email.handOffs.TRANSFER'),
        },
      ),
      link: subject && {
        url: subject.url,
        label: t('email.open', { what: subject.what, number: subject.number }),
      },
      appointment: appointmentOf(model.payload, t, locale),
    };
    const mailSubject = oneLine(
      t(`email.${model.kind}.subject`, {
        number: subject?.number ?? '',
        title: subject?.title ?? '',
        due: model.payload.due ?? '',
        from: model.payload.from ?? '',
        at: context.appointment?.atText ?? '',
        kind: context.appointment?.kindLabel ?? '',
      }),
    );
    return this.wrap(`kinds/${kindRules[model.kind].template}`, { ...context, mailSubject });
  }

  renderDigest(model: DigestModel, locale: Locale): RenderedMail {
    const t = this.i18n.getFixedT(locale);
    const items = model.items.map((item) => {
      const subject = item.subject && this.describe(item.subject, t);
      return {
        kindLabel: t(`notifications.kinds.${item.kind}`),
        summary: t(`email.${item.kind}.summary`, {
          number: subject?.number ?? '',
          title: subject?.title ?? '',
        }),
        url: subject?.url ?? this.publicUrl,
      };
    });
    const mailSubject = oneLine(t('email.digest.subject', { date: model.date, count: items.length }));
    return this.wrap('digest', {
      ...this.common(model.recipientName, locale, t),
      date: model.date,
      count: items.length,
      items,
      mailSubject,
    });
  }

  private common(recipientName: string, locale: Locale, t: TFunction) {
    return { _t: t, locale, recipientName, preferencesUrl: `${this.publicUrl}/account/notifications` };
  }

  private describe(subject: SubjectSummary, t: TFunction) {
    return {
      ...subject,
      url: this.linkTo(subject),
      typeLabel: t(`email.subjectTypes.${subject.type}`),
      what: t(`email.what.${subject.type}`),
    };
  }

  private wrap(bodyTemplate: string, context: { mailSubject: string; [key: string]: unknown }): RenderedMail {
    const rendered = (part: Part) =>
      this.parts[part].render('layouts/notification', {
        ...context,
        body: this.parts[part].render(bodyTemplate, context).trim(),
      });
    return { subject: context.mailSubject, html: rendered('html'), text: `${rendered('text').trim()}\n` };
  }
}

/** A header value on one line (a title may hold line breaks). */
function oneLine(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/** A planned appointment's reminder (src/schedule): which one, its kind and moment in the reader's words. */
function appointmentOf(payload: Record<string, unknown>, t: TFunction, locale: Locale) {
  if (typeof payload.at !== 'string' || typeof payload.appointmentKind !== 'string') return undefined;
  return {
    headlineKey: `email.appointment.reminder.${payload.reminder === 'morning' ? 'morning' : 'dayBefore'}`,
    kindLabel: t(`schedule.kinds.${payload.appointmentKind}`),
    atText: formatMoment(new Date(payload.at), locale),
  };
}
