// The account's IoT data endpoint, learnt at deploy time by a CloudFormation custom resource
// (IoT Core has no resource attribute for it, and packaging must work without AWS credentials).
// CloudFormation waits for an answer PUT to the request's presigned ResponseURL, failure included:
// a custom resource that never answers holds the stack for an hour.

export interface CustomResourceRequest {
  RequestType: 'Create' | 'Update' | 'Delete';
  ResponseURL: string;
  StackId: string;
  RequestId: string;
  LogicalResourceId: string;
  PhysicalResourceId?: string;
}

export interface EndpointParts {
  /** the ATS data endpoint's host name (iot:DescribeEndpoint, endpointType iot:Data-ATS) */
  describeEndpoint: () => Promise<string>;
  /** PUTs the answer to CloudFormation */
  respond: (url: string, body: string) => Promise<void>;
}

/** Answers one request: Address is the host name; Delete has nothing to undo. */
export async function answerEndpointRequest(request: CustomResourceRequest, { describeEndpoint, respond }: EndpointParts): Promise<void> {
  const base = { StackId: request.StackId, RequestId: request.RequestId, LogicalResourceId: request.LogicalResourceId, PhysicalResourceId: request.PhysicalResourceId ?? 'iot-data-ats-endpoint' };
  let answer: Record<string, unknown>;
  try {
    answer = request.RequestType === 'Delete' ? { ...base, Status: 'SUCCESS' } : { ...base, Status: 'SUCCESS', Data: { Address: await describeEndpoint() } };
  } catch (error) {
    answer = { ...base, Status: 'FAILED', Reason: `DescribeEndpoint failed: ${(error as Error).message}` };
  }
  await respond(request.ResponseURL, JSON.stringify(answer));
}
