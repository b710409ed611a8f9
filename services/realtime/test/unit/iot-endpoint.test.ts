import { answerEndpointRequest, type CustomResourceRequest } from '../../src/iot-endpoint';

const request = (RequestType: CustomResourceRequest['RequestType'], PhysicalResourceId?: string): CustomResourceRequest => ({
  RequestType,
  ResponseURL: 'https://cloudformation-answers.example/presigned',
  StackId: 'stack-1',
  RequestId: 'request-1',
  LogicalResourceId: 'IotDataEndpoint',
  PhysicalResourceId,
});

async function answered(req: CustomResourceRequest, describeEndpoint: () => Promise<string>) {
  const answers: [string, Record<string, unknown>][] = [];
  await answerEndpointRequest(req, { describeEndpoint, respond: async (url, body) => void answers.push([url, JSON.parse(body)]) });
  return answers;
}

describe('the IoT data endpoint custom resource', () => {
  it.each(['Create', 'Update'] as const)('answers %s with the ATS endpoint as Address, to the request`s URL', async (type) => {
    expect(await answered(request(type), async () => 'abc123-ats.iot.eu-west-1.amazonaws.com')).toEqual([
      ['https://cloudformation-answers.example/presigned', {
        Status: 'SUCCESS', StackId: 'stack-1', RequestId: 'request-1', LogicalResourceId: 'IotDataEndpoint', PhysicalResourceId: 'iot-data-ats-endpoint',
        Data: { Address: 'abc123-ats.iot.eu-west-1.amazonaws.com' },
      }],
    ]);
  });

  it('answers Delete without looking anything up, keeping the physical id', async () => {
    const describe = jest.fn();
    expect(await answered(request('Delete', 'kept-id'), describe)).toEqual([[expect.any(String), expect.objectContaining({ Status: 'SUCCESS', PhysicalResourceId: 'kept-id' })]]);
    expect(describe).not.toHaveBeenCalled();
  });

  it('answers FAILED with the reason when the lookup fails, so that the stack does not wait for an hour', async () => {
    const answers = await answered(request('Create'), async () => Promise.reject(new Error('AccessDenied')));
    expect(answers).toHaveLength(1);
    const answer = answers[0]![1];
    expect(answer).toMatchObject({ Status: 'FAILED', Reason: 'DescribeEndpoint failed: AccessDenied' });
    expect(answer.Data).toBeUndefined();
  });
});
