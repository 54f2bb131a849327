import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CountSubmitV1, TILL_NAMESPACE } from '@stockfleet/shared';
import type { Socket } from 'socket.io';
import { handle } from '../fleet/socket-utils.js';
import type { TerminalIdentity } from '../fleet/fleet.types.js';
import { CountService } from './count.service.js';

/** Count events from tills (same namespace and handshake auth as the till gateway). */
@WebSocketGateway({ namespace: TILL_NAMESPACE })
export class CountGateway {
  constructor(private readonly counts: CountService) {}

  @SubscribeMessage('count.submit.v1')
  submit(@ConnectedSocket() socket: Socket, @MessageBody() body: unknown) {
    const till = socket.data.till as TerminalIdentity;
    return handle(CountSubmitV1, body, (p) => this.counts.submit(till, p.stocktakeId, p.entries));
  }
}
