/** Tests only: a feed the test pushes wire messages into by hand, in place of Redis or the demo. */
import type { FeedSink, FeedSource } from '../engine'

export class ManualFeed implements FeedSource {
  sink: FeedSink | null = null
  start(sink: FeedSink): void {
    this.sink = sink
  }
  queueDepth(): number {
    return 0
  }
  async stop(): Promise<void> {
    this.sink = null
  }
  send(channel: string, message: object): void {
    this.sink!.messages([channel], [JSON.stringify(message)])
  }
}
