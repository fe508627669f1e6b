import { MailRenderer } from '../../src/notifications/mail-renderer';
import { createI18n } from '../../src/shared/i18n/i18n';

/** Issue 16: the deadline mails say when a date is provisional, and the moved-deadline mail gives both dates. */
describe('the deadline mails', () => {
  let renderer: MailRenderer;
  const subject = {
    type: 'case' as const,
    id: 'c0ffee00-0000-4000-8000-000000000001',
    number: 'MH-2026-000042',
    title: '术后感染赔偿争议',
  };
  const source = {
    zh: '医疗纠纷预防和处理条例 第三十八条',
    en: 'Regulations on the Prevention and Handling of Medical Disputes, Art. 38',
  };

  beforeAll(async () => {
    renderer = new MailRenderer(await createI18n('zh-CN'), 'http://mediation.test');
  });

  it('when a warning is for a deadline across 2027 (no notice), then the mail says in one line why it may move', () => {
    const mail = renderer.renderNotice(
      {
        kind: 'deadline.warning',
        recipientName: '张丽',
        subject,
        payload: {
          due: '2027-01-15',
          warningOn: '2027-01-07',
          provisional: true,
          yearsWithoutNotice: [2027],
          source,
        },
      },
      'zh-CN',
    );

    expect(mail.text).toContain('2027 年节假日安排尚未录入，期限暂按法定节假日计算');
    expect(mail.html).toContain('2027 年节假日安排尚未录入，期限暂按法定节假日计算');
  });

  it('when a deadline is not provisional, then the mail has no such line', () => {
    const mail = renderer.renderNotice(
      {
        kind: 'deadline.overdue',
        recipientName: '张丽',
        subject,
        payload: { due: '2026-11-30', provisional: false, yearsWithoutNotice: [], source },
      },
      'zh-CN',
    );

    expect(mail.text).not.toContain('尚未录入');
  });

  it('when a holiday notice moved a due date, then the mail gives the old and the new date, in the reader’s language', () => {
    const payload = {
      from: '2027-02-11',
      due: '2027-02-17',
      provisional: false,
      yearsWithoutNotice: [],
      source,
    };
    const zh = renderer.renderNotice(
      { kind: 'deadline.moved', recipientName: '张丽', subject, payload },
      'zh-CN',
    );
    const en = renderer.renderNotice(
      { kind: 'deadline.moved', recipientName: 'Zhang Li', subject, payload },
      'en',
    );

    expect(zh.subject).toBe('【MH-2026-000042】期限调整：2027-02-11 改为 2027-02-17');
    expect(zh.text).toContain(
      '根据新录入的节假日安排，纠纷案件 MH-2026-000042 的期限由 2027-02-11 改为 2027-02-17。',
    );
    expect(zh.text).toContain('原届满日: 2027-02-11');
    expect(en.subject).toBe('[MH-2026-000042] Deadline moved: 2027-02-11 → 2027-02-17');
    expect(en.text).toContain('Was due: 2027-02-11');
    expect(en.html).toContain('<html lang="en">');
  });
});
