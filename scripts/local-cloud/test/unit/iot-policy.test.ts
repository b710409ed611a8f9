// The local broker's policy evaluation (src/emulators/iot-policy.js): what it allows, what it
// refuses, and the policies it refuses to evaluate rather than guess.
import { isAllowed, statementsOf, UnsupportedPolicy } from '../../src/emulators/iot-policy';

const arn = (resource: string) => `arn:aws:iot:eu-west-1:000000000000:${resource}`;
const policy = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

describe('IoT policy evaluation', () => {
  const statements = statementsOf([
    policy(
      { Effect: 'Allow', Action: 'iot:Connect', Resource: [arn('client/u1'), arn('client/u1-*')] },
      { Effect: 'Allow', Action: ['iot:Subscribe'], Resource: arn('topicfilter/yubl/local/users/u1/feed') },
      { Effect: 'Allow', Action: 'iot:Receive', Resource: arn('topic/yubl/local/users/u1/feed') },
    ),
  ]);

  it('allows what a statement names, with `*` in a resource', () => {
    expect(isAllowed(statements, 'iot:Connect', arn('client/u1'))).toBe(true);
    expect(isAllowed(statements, 'iot:Connect', arn('client/u1-phone'))).toBe(true);
    expect(isAllowed(statements, 'iot:Subscribe', arn('topicfilter/yubl/local/users/u1/feed'))).toBe(true);
    expect(isAllowed(statements, 'IOT:RECEIVE', arn('topic/yubl/local/users/u1/feed'))).toBe(true); // actions ignore case
  });

  it('refuses anything no statement allows: another client id, another user`s topic, a wildcard filter, another action, another account', () => {
    expect(isAllowed(statements, 'iot:Connect', arn('client/u12'))).toBe(false);
    expect(isAllowed(statements, 'iot:Connect', arn('client/u2'))).toBe(false);
    expect(isAllowed(statements, 'iot:Subscribe', arn('topicfilter/yubl/local/users/u2/feed'))).toBe(false);
    expect(isAllowed(statements, 'iot:Subscribe', arn('topicfilter/yubl/local/users/+/feed'))).toBe(false);
    expect(isAllowed(statements, 'iot:Subscribe', arn('topicfilter/yubl/local/users/#'))).toBe(false);
    expect(isAllowed(statements, 'iot:Publish', arn('topic/yubl/local/users/u1/feed'))).toBe(false);
    expect(isAllowed(statements, 'iot:Connect', 'arn:aws:iot:eu-west-1:111111111111:client/u1')).toBe(false);
    expect(isAllowed(statementsOf([]), 'iot:Connect', arn('client/u1'))).toBe(false);
  });

  it('lets an explicit Deny win over any Allow, and `?` match one character', () => {
    const mixed = statementsOf([
      policy({ Effect: 'Allow', Action: 'iot:*', Resource: '*' }),
      policy({ Effect: 'Deny', Action: 'iot:Connect', Resource: arn('client/u?') }),
    ]);
    expect(isAllowed(mixed, 'iot:Connect', arn('client/u1'))).toBe(false);
    expect(isAllowed(mixed, 'iot:Connect', arn('client/u12'))).toBe(true);
    expect(isAllowed(mixed, 'iot:Publish', arn('topic/x'))).toBe(true);
  });

  it('treats regular-expression characters in a resource literally', () => {
    const dotted = statementsOf([policy({ Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client/a.b') })]);
    expect(isAllowed(dotted, 'iot:Connect', arn('client/a.b'))).toBe(true);
    expect(isAllowed(dotted, 'iot:Connect', arn('client/axb'))).toBe(false);
  });

  it('refuses to evaluate Condition, NotAction, NotResource, policy variables and unknown effects', () => {
    for (const statement of [
      { Effect: 'Allow', Action: 'iot:Connect', Resource: '*', Condition: { Bool: { 'iot:Connection.Thing.IsAttached': 'true' } } },
      { Effect: 'Allow', NotAction: 'iot:Publish', Resource: '*' },
      { Effect: 'Allow', Action: 'iot:Connect', NotResource: arn('client/x') },
      { Effect: 'Allow', Action: 'iot:Connect', Resource: arn('client/${iot:ClientId}') },
      { Effect: 'Maybe', Action: 'iot:Connect', Resource: '*' },
    ]) {
      expect(() => statementsOf([policy(statement)])).toThrow(UnsupportedPolicy);
    }
  });
});
