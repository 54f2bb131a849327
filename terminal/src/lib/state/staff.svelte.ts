import { KV, type KvStore } from '../storage/db.js';
import type { SignInPayload, TillEmitter } from '../realtime/till-socket.js';

export interface StaffMember {
  id: string;
  name: string;
  signedInAt: number;
}

export type SignInError = 'offline' | 'invalid' | 'failed';

/**
 * Who is at the till. Sign-in needs the hub (the till holds no PINs), so offline sign-in is refused;
 * someone already signed in stays signed in through an outage and a reboot.
 */
export class StaffState {
  current = $state<StaffMember | null>(null);
  busy = $state(false);
  error = $state<SignInError | null>(null);
  errorMessage = $state<string | null>(null);

  constructor(
    private readonly kv: KvStore,
    private readonly emitter: () => TillEmitter | null,
  ) {}

  async load(): Promise<void> {
    this.current = (await this.kv.get<StaffMember>(KV.staff)) ?? null;
  }

  async signIn(payload: SignInPayload): Promise<boolean> {
    if (this.busy) return false;
    this.error = null;
    this.errorMessage = null;
    const emitter = this.emitter();
    if (!emitter?.connected) {
      this.error = 'offline';
      return false;
    }
    this.busy = true;
    try {
      const ack = await emitter.signIn(payload);
      if (!ack.ok) {
        const invalid = ['STAFF_PIN_INVALID', 'INVALID_CREDENTIALS', 'NOT_FOUND', 'VALIDATION_FAILED'].includes(ack.error.code);
        this.error = invalid ? 'invalid' : 'failed';
        this.errorMessage = ack.error.message;
        return false;
      }
      const member: StaffMember = { id: ack.data.staff.id, name: ack.data.staff.name, signedInAt: Date.now() };
      await this.kv.set(KV.staff, member);
      this.current = member;
      return true;
    } catch (err) {
      this.error = 'offline';
      this.errorMessage = err instanceof Error ? err.message : String(err);
      return false;
    } finally {
      this.busy = false;
    }
  }

  async signOut(): Promise<void> {
    this.current = null;
    await this.kv.delete(KV.staff);
  }
}
