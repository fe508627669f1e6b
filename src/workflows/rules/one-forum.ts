import type { OneForumRule } from './dispute-rules.types';
import { peopleMediationProvisions } from './shared-rules';

/**
 * 人民调解工作若干规定 §22(2): a people's mediation committee does not take a dispute that a
 * people's court, the police or another administrative organ has accepted or settled.
 *
 * - A case of the same matter in mediation or under an agreement (accepted by a committee,
 *   a department or a court in this system) is that forum: a new one is refused.
 * - A case closed by referral to a court or to arbitration says where the matter went, not
 *   that it was accepted there: the mediator is warned, checks with that forum and
 *   acknowledges before accepting (`forumAcknowledged` on ACCEPT). Referrals elsewhere
 *   (police, reconsideration, other) are not a forum for the civil dispute itself.
 */
export const generalOneForum: OneForumRule = {
  source: peopleMediationProvisions.article(22),
  afterReferral: [
    { agency: 'court', effect: 'warn', source: peopleMediationProvisions.article(22) },
    { agency: 'arbitration', effect: 'warn', source: peopleMediationProvisions.article(22) },
  ],
};
