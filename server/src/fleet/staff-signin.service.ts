import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { ErrorCode } from '@stockfleet/shared';
import { AuditService } from '../audit/audit.service.js';
import { hmac } from '../common/crypto.js';
import { DomainException } from '../common/domain-exception.js';
import { CredentialLimits } from '../common/limits/credential-limits.js';
import { pinLimits } from '../common/limits/limit-policy.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { FleetRepository, type StaffRow } from './fleet.repository.js';
import type { TerminalIdentity } from './fleet.types.js';

export type StaffCredential = { pin: string } | { badge: string };

/** Staff identify on a till by PIN or badge, only among their own store's staff. */
@Injectable()
export class StaffSignInService {
  constructor(
    private readonly repo: FleetRepository,
    private readonly audit: AuditService,
    private readonly limits: CredentialLimits,
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Counted against the till's and the store's PIN limits before the hash is looked up (limit-policy.ts):
   * a 4-digit PIN is only safe if guesses are few, whatever number of tills or hub nodes they arrive on.
   */
  signIn(till: TerminalIdentity, credential: StaffCredential, ip: string | null): Promise<{ staff: StaffRow }> {
    const refusal = {
      actorType: 'terminal' as const, actorId: till.terminalId, actorName: till.name, storeId: till.storeId, action: 'staff.signin_rate_limited', ip,
    };
    return this.limits.check(pinLimits(till), refusal, () => this.verify(till, credential, ip));
  }

  private async verify(till: TerminalIdentity, credential: StaffCredential, ip: string | null): Promise<{ staff: StaffRow }> {
    const secret = this.config.sessionSecret;
    const staff = 'pin' in credential
      ? await this.repo.staffByCredential(till.storeId, 'pin', hmac(secret, `pin:${till.storeId}:${credential.pin}`))
      : await this.repo.staffByCredential(till.storeId, 'badge', hmac(secret, `badge:${credential.badge}`));
    await this.audit.record(this.em.fork(), {
      actorType: 'terminal', actorId: till.terminalId, actorName: till.name, storeId: till.storeId,
      action: staff ? 'staff.signed_in' : 'staff.signin_failed', subject: staff?.id ?? null, ip,
    });
    if (!staff) throw new DomainException(ErrorCode.StaffPinInvalid, 'PIN or badge not recognised');
    return { staff: { id: staff.id, name: staff.name } };
  }
}
