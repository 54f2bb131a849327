import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode, type RateLimitedDetails } from '@stockfleet/shared';
import { AuditService, type AuditInput } from '../../audit/audit.service.js';
import { DomainException } from '../domain-exception.js';
import type { LimitRule } from './limit-policy.js';
import { RateLimiter } from './rate-limiter.js';

/** Who made a refused attempt, as the audit log names them; `details` are filled in here. */
export type RefusalAudit = Omit<AuditInput, 'details'>;

/**
 * Checks credentials (PINs, passwords, enrolment codes) under their limits.
 *
 * The attempt is counted in every limit before the credential is looked at, so concurrent guesses
 * cannot all pass before the first is recorded, and every hub node sees the same count. A refused
 * attempt is never checked: inside the window even the right credential is refused. A successful check
 * gives back its own count and nothing more, so people who get it right never use up the budget, and
 * knowing one credential (your own PIN) buys no extra guesses at others.
 */
@Injectable()
export class CredentialLimits {
  private readonly log = new Logger('CredentialLimits');

  constructor(
    private readonly limiter: RateLimiter,
    private readonly audit: AuditService,
    private readonly em: EntityManager,
  ) {}

  async check<T>(rules: LimitRule[], refusal: RefusalAudit, verify: () => Promise<T>): Promise<T> {
    const verdict = await this.limiter.take(rules);
    if (!verdict.allowed) {
      const details: RateLimitedDetails = { limit: verdict.rule.name, retryAfterSeconds: verdict.retryAfterSeconds };
      // The 1st, 10th, 100th… refusal of a window: a flood of refused guesses is visible in the audit log
      // (with its size) without writing a row per guess for whoever sends them.
      if (isPowerOfTen(verdict.refusedInWindow)) {
        await this.audit
          .record(this.em.fork(), { ...refusal, details: { ...details, refusedInWindow: verdict.refusedInWindow } })
          .catch((e: unknown) => this.log.warn(`could not audit a refusal: ${(e as Error).message}`));
      }
      throw new DomainException(ErrorCode.RateLimited, `Too many attempts; try again in ${verdict.retryAfterSeconds} s`, details);
    }
    const result = await verify();
    // A refund that fails leaves the limit a little stricter than it needs to be, never looser.
    // (Redis gone meanwhile is logged once, as an outage, by DependencyHealth.)
    await this.limiter.refund(rules).catch((e: unknown) => {
      if (e instanceof DomainException && e.code === ErrorCode.Unavailable) this.log.debug(`could not refund an attempt: ${e.message}`);
      else this.log.warn(`could not refund an attempt: ${(e as Error).message}`);
    });
    return result;
  }
}

function isPowerOfTen(n: number): boolean {
  for (let p = 1; p <= n; p *= 10) if (p === n) return true;
  return false;
}
