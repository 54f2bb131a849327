import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import {
  ErrorCode,
  type EnrolmentCodeDto,
  type EnrolResultDto,
  type TerminalCommandInput,
  type TerminalStatus,
  type TillCatalogDto,
} from '@stockfleet/shared';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import QRCode from 'qrcode';
import { AuditService, fromUser } from '../audit/audit.service.js';
import { readableStoreIds, type UserActor } from '../common/actor.js';
import { randomCode, randomToken, sha256 } from '../common/crypto.js';
import { DomainException, notFound } from '../common/domain-exception.js';
import { CredentialLimits } from '../common/limits/credential-limits.js';
import { enrolLimits } from '../common/limits/limit-policy.js';
import { APP_CONFIG, hubBaseUrl, type AppConfig } from '../config/config.js';
import { FleetEvents } from './fleet.events.js';
import { FleetNotifier } from './fleet-notifier.js';
import { FleetRepository, type TillIdentityRow } from './fleet.repository.js';
import { GroupCommit } from '../common/group-commit.js';
import type { TerminalIdentity } from './fleet.types.js';

const CODE_TTL_MS = 15 * 60_000;

@Injectable()
export class FleetService {
  constructor(
    private readonly em: EntityManager,
    private readonly repo: FleetRepository,
    private readonly events: FleetEvents,
    private readonly notifier: FleetNotifier,
    private readonly audit: AuditService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly http: HttpAdapterHost,
    private readonly limits: CredentialLimits,
  ) {}

  /**
   * Token lookups share one statement while one is in flight: a reconnect storm of 10,000 tills makes a
   * few hundred selects, two at a time, instead of 10,000 queued for the database pool.
   */
  private readonly identities = new GroupCommit<string, TillIdentityRow | undefined>(async (hashes) => {
    const rows = await this.repo.byTokenHashes([...new Set(hashes)]);
    const byHash = new Map(rows.map((r) => [r.token_hash, r]));
    return hashes.map((h) => byHash.get(h));
  }, { maxInFlight: 2, maxItems: 1000, lingerMs: 10 });

  /** The port this hub really listens on (tests listen on a free one, not on PORT). */
  private listeningPort(): number {
    const address = this.http.httpAdapter?.getHttpServer()?.address() as AddressInfo | string | null | undefined;
    return address && typeof address === 'object' ? address.port : this.config.port;
  }

  list(actor: UserActor, storeId?: string): Promise<TerminalStatus[]> {
    return this.repo.list(readableStoreIds(actor), storeId);
  }

  async createCode(input: { storeId: string; terminalName: string }, actor: UserActor): Promise<EnrolmentCodeDto> {
    const em = this.em.fork();
    const code = randomCode(8);
    const expiresAt = new Date(Date.now() + CODE_TTL_MS);
    await em.transactional(async (tem) => {
      const [store] = await tem.getConnection().execute(`select id from store where id = ?`, [input.storeId], 'all', tem.getTransactionContext());
      if (!store) throw new DomainException(ErrorCode.UnknownStore, `Unknown store ${input.storeId}`);
      await tem.getConnection().execute(
        `insert into enrolment_code (code_hash, store_id, terminal_name, created_at, expires_at, created_by) values (?, ?, ?, now(), ?, ?)`,
        [sha256(code), input.storeId, input.terminalName, expiresAt, actor.id], 'run', tem.getTransactionContext(),
      );
      await this.audit.record(tem, { ...fromUser(actor), action: 'fleet.enrolment_code_created', storeId: input.storeId, details: { terminalName: input.terminalName, expiresAt } });
    });
    const pairUrl = `${hubBaseUrl(this.config, this.listeningPort())}/till/?code=${code}`;
    return { code, storeId: input.storeId, terminalName: input.terminalName, expiresAt: expiresAt.toISOString(), pairUrl, qrDataUrl: await QRCode.toDataURL(pairUrl, { margin: 1, width: 240 }) };
  }

  /**
   * Trades a single-use code for a device token. Reuses an unpaired till of that name if the store has one.
   * Counted against the address's enrolment limit (ENROL_RATE_LIMIT) before the code is looked up.
   */
  enrol(code: string, ip: string | null): Promise<EnrolResultDto> {
    const refusal = { actorType: 'terminal' as const, action: 'fleet.enrol_rate_limited', ip };
    return this.limits.check(enrolLimits(ip, this.config.enrolRateLimit), refusal, () => this.redeem(code, ip));
  }

  private async redeem(code: string, ip: string | null): Promise<EnrolResultDto> {
    const em = this.em.fork();
    const token = randomToken();
    return em.transactional(async (tem) => {
      const conn = tem.getConnection();
      const ctx = tem.getTransactionContext();
      const [row] = await conn.execute(
        `update enrolment_code set used_at = now() where code_hash = ? and used_at is null and expires_at > now()
         returning store_id, terminal_name`, [sha256(code)], 'all', ctx);
      if (!row) throw new DomainException(ErrorCode.EnrolmentCodeInvalid, 'This code is unknown, used or expired; ask for a new one');
      const [existing] = await conn.execute(
        `select id from terminal where store_id = ? and name = ? and token_hash is null and revoked_at is null limit 1 for update`,
        [row.store_id, row.terminal_name], 'all', ctx);
      const terminalId = existing?.id ?? randomUUID();
      if (existing) {
        await conn.execute(`update terminal set token_hash = ?, paired_at = now() where id = ?`, [sha256(token), terminalId], 'run', ctx);
      } else {
        await conn.execute(
          `insert into terminal (id, store_id, name, token_hash, created_at, paired_at, desired_mode, desired_epoch, desired_reason, desired_since, remote_locked, online)
           values (?, ?, ?, ?, now(), now(), 'selling', 0, ?::jsonb, now(), false, false)`,
          [terminalId, row.store_id, row.terminal_name, sha256(token), JSON.stringify({ kind: 'none', stocktakeId: null, practice: false, by: null, message: null })], 'run', ctx);
      }
      await conn.execute(`update enrolment_code set terminal_id = ? where code_hash = ?`, [terminalId, sha256(code)], 'run', ctx);
      const [store] = await conn.execute(`select name from store where id = ?`, [row.store_id], 'all', ctx);
      await this.audit.record(tem, { actorType: 'terminal', actorId: terminalId, actorName: row.terminal_name, action: 'fleet.terminal_enrolled', storeId: row.store_id, subject: terminalId, ip });
      return { terminalId, storeId: row.store_id, storeName: store.name, terminalName: row.terminal_name, token };
    });
  }

  /**
   * Resolves a device token; unknown or revoked tokens are refused with a typed error. Takes `unknown`:
   * a socket handshake's `auth.token` is whatever the client sent (an object, a number…).
   */
  async identify(token: unknown): Promise<TerminalIdentity> {
    if (typeof token !== 'string' || !token || token.length > 200) throw new DomainException(ErrorCode.DeviceTokenInvalid, 'This till is not paired');
    const row = await this.identities.push(sha256(token)).catch(() => {
      // The database is away: nothing is known about the token yet; the till tries again (never "unpaired").
      throw new DomainException(ErrorCode.Unavailable, 'The hub cannot check this till now; try again');
    });
    if (!row) throw new DomainException(ErrorCode.DeviceTokenInvalid, 'This till is not paired');
    if (row.revoked_at) throw new DomainException(ErrorCode.TerminalRevoked, 'This till was revoked; pair it again');
    return { terminalId: row.id, storeId: row.store_id, name: row.name };
  }

  async revoke(id: string, actor: UserActor): Promise<void> {
    const em = this.em.fork();
    await em.transactional(async (tem) => {
      const row = await this.repo.get(tem, id, true);
      if (!row) throw notFound('Terminal', id);
      await tem.getConnection().execute(`update terminal set revoked_at = coalesce(revoked_at, now()), online = false where id = ?`, [id], 'run', tem.getTransactionContext());
      await this.audit.record(tem, { ...fromUser(actor), action: 'fleet.terminal_revoked', storeId: row.store_id, subject: id });
    });
    this.events.revoke(id);
    this.notifier.changed(id);
  }

  async command(id: string, input: TerminalCommandInput, actor: UserActor): Promise<{ delivered: boolean }> {
    const em = this.em.fork();
    const row = await this.repo.get(em, id);
    if (!row) throw notFound('Terminal', id);
    if (input.kind === 'lock' || input.kind === 'unlock') {
      const states = await em.transactional(async (tem) => {
        const locked = input.kind === 'lock';
        const reason = locked
          ? { kind: 'remote_lock' as const, stocktakeId: null, practice: false, by: actor.name, message: input.text ?? null }
          : { kind: 'none' as const, stocktakeId: null, practice: false, by: null, message: null };
        const s = await this.repo.setDesired(tem, [id], locked ? 'locked' : 'selling', reason, locked);
        await this.audit.record(tem, { ...fromUser(actor), action: `fleet.terminal_${input.kind}ed`, storeId: row.store_id, subject: id, details: { text: input.text ?? null } });
        return s;
      });
      this.events.pushDesired(states);
      this.notifier.changed(id);
      return { delivered: true };
    }
    const cmd = { id: randomUUID(), kind: input.kind, text: input.text ?? null, by: actor.name };
    await this.audit.record(em, { ...fromUser(actor), action: `fleet.command_${input.kind}`, storeId: row.store_id, subject: id, details: cmd });
    const delivered = await this.events.command(id, cmd);
    await this.audit.record(em, { ...fromUser(actor), action: `fleet.command_${delivered ? 'acknowledged' : 'unacknowledged'}`, storeId: row.store_id, subject: id, details: { commandId: cmd.id } });
    return { delivered };
  }

  async storeName(storeId: string): Promise<string> {
    const [row] = await this.em.getConnection().execute(`select name from store where id = ?`, [storeId]);
    return row?.name ?? '';
  }

  async catalog(storeId: string): Promise<TillCatalogDto> {
    const conn = this.em.getConnection();
    const [products, barcodes, staff, zones, [ver]] = await Promise.all([
      conn.execute(`select id, sku, name, category, unit_price_cents as "unitPriceCents", uom from product order by sku`),
      conn.execute(`select code, product_id as "productId", multiplier from barcode`),
      conn.execute(`select id, name from staff_member where store_id = ? and disabled_at is null order by name`, [storeId]),
      conn.execute(`select id, code, name from zone where store_id = ? order by code`, [storeId]),
      conn.execute(`select coalesce(max(updated_at), now())::text as v, count(*)::text as n from product`),
    ]);
    return { version: sha256(`${ver.v}|${ver.n}`).slice(0, 16), products: products as any, barcodes: barcodes as any, staff: staff as any, zones: zones as any };
  }
}
