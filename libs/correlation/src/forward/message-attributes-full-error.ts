/**
 * An SNS message whose own attributes leave no room for the loop guard's two (x-correlation-id and
 * call-chain-length): publishing it without them would let a loop through the topic run forever.
 */
export class MessageAttributesFullError extends Error {
  constructor(readonly own: number, readonly max: number) {
    super(`an SNS message with ${own} attributes of its own leaves no room for x-correlation-id and call-chain-length (SNS takes ${max})`);
    this.name = 'MessageAttributesFullError';
  }
}
