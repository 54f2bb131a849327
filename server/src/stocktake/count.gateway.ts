import { ConnectedSocket, MessageBody, OnGatewayInit, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import { CountSubmitV1, TILL_NAMESPACE } from '@stockfleet/shared';
import { handle } from '../fleet/socket-utils.js';
import { TillHandshake, type TillNamespace, type TillSocket } from '../fleet/till-handshake.js';
import { CountService } from './count.service.js';

/** Count events from tills: the till namespace, behind the same handshake as the till gateway. */
@WebSocketGateway({ namespace: TILL_NAMESPACE })
export class CountGateway implements OnGatewayInit {
  constructor(
    private readonly counts: CountService,
    private readonly handshake: TillHandshake,
  ) {}

  afterInit(ns: TillNamespace) {
    this.handshake.install(ns);
  }

  @SubscribeMessage('count.submit.v1')
  submit(@ConnectedSocket() socket: TillSocket, @MessageBody() body: unknown) {
    return handle(CountSubmitV1, body, (p) => this.counts.submit(socket.data.till, p.stocktakeId, p.entries));
  }
}
