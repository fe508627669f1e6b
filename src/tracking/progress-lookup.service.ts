import type { AuditService, RequestOrigin } from '../audit/audit.service';
import { todayInShanghai, type WorkingCalendar } from '../deadlines/working-calendar';
import type { Clock } from '../shared/clock';
import { NotFoundError } from '../shared/errors';
import type { LookupCodeHasher } from './lookup-code';
import { LookupThrottle, lookupAttemptOf } from './lookup-throttle';
import type { LookupThrottleRepository } from './lookup-throttle.repository';
import type { ProgressLookupQueries, ProgressRecord } from './progress-lookup.queries';
import type { TrackRequest } from './tracking.schemas';

/** What a found lookup answers: the record, read today, on today's calendar. */
export interface FoundProgress {
  record: ProgressRecord;
  today: string;
  calendar: WorkingCalendar;
}

/**
 * 进度查询 (progress lookup): a party with no account types the number and the 查询码 and
 * learns where the matter stands. An unknown number, a wrong code and a lookup turned off are
 * one answer (404 `not_found`), reached by the same work: one read that answers one row either
 * way, one keyed hash compared in constant time, one failure counted, one audit entry. Too many
 * failures from an address or for a number answer 429 before the code is looked at. Every
 * attempt is audited (`track.lookup`: found, not_found or throttled, the number as typed, the
 * address) — never the code.
 */
export class ProgressLookupService {
  private readonly throttle: LookupThrottle;

  constructor(
    private readonly deps: {
      queries: ProgressLookupQueries;
      hasher: LookupCodeHasher;
      failures: LookupThrottleRepository;
      audit: AuditService;
      clock: Clock;
      calendar: () => WorkingCalendar;
    },
  ) {
    this.throttle = new LookupThrottle(deps.failures);
  }

  async lookup(input: TrackRequest, origin: RequestOrigin): Promise<FoundProgress> {
    const now = this.deps.clock.now();
    const attempt = lookupAttemptOf(input.number, origin.ip);
    const admission = await this.throttle.admit(attempt, now);
    if ('refused' in admission) {
      // a flood of refused attempts is audited once per window, when the limit is first passed
      if (admission.refused.firstInWindow)
        await this.deps.audit.record(origin, {
          action: 'track.lookup',
          details: { outcome: 'throttled', number: input.number },
        });
      throw admission.refused.error;
    }
    const { record, codeHash } = await this.deps.queries.findByNumber(input.number);
    const found = this.deps.hasher.matches(input.code, codeHash) && record !== null;
    if (found) await this.throttle.succeeded(admission.admitted);
    await this.deps.audit.record(origin, {
      action: 'track.lookup',
      // staff reading the log see which case someone tried; the visitor is told nothing
      ...(record ? { target: { type: record.subjectType, id: record.id } } : {}),
      details: { outcome: found ? 'found' : 'not_found', number: input.number },
    });
    if (!found || !record) throw new NotFoundError();
    return { record, today: todayInShanghai(now), calendar: this.deps.calendar() };
  }
}
