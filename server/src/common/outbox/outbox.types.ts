/** What may leave through the outbox, by topic: the payload each topic's handler receives. */
export interface OutboxTopics {
  /** Queue a report's job(s) and tell admin apps it is queued; `replace` drops its earlier finished jobs first (a retry). */
  'report.enqueue.v1': { reportId: string; replace: boolean };
}
export type OutboxTopic = keyof OutboxTopics;
export type OutboxHandler<T extends OutboxTopic> = (payload: OutboxTopics[T]) => Promise<void>;
