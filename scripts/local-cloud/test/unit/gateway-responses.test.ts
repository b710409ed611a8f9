import { declaredGatewayResponses, refusalType, renderRefusal } from '../../src/gateway-responses';

const config = {
  resources: {
    Resources: {
      Key: {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: {
          ResponseType: 'INVALID_API_KEY',
          StatusCode: '403',
          ResponseParameters: { 'gatewayresponse.header.x-correlation-id': 'method.request.header.x-correlation-id', 'gatewayresponse.header.x-served-by': "'gateway'" },
          ResponseTemplates: { 'application/json': '{"error":{"code":"Forbidden","message":"Missing or invalid API key","requestId":"$context.requestId"}}' },
        },
      },
      Default: {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: { ResponseType: 'DEFAULT_4XX', ResponseTemplates: { 'application/json': '{"error":{"code":"Forbidden","message":$context.error.messageString,"type":"$context.error.responseType"}}' } },
      },
      Route: {
        Type: 'AWS::ApiGateway::GatewayResponse',
        Properties: { ResponseType: 'MISSING_AUTHENTICATION_TOKEN', StatusCode: '404', ResponseTemplates: { 'application/json': '{"error":{"code":"NotFound","message":"No such route"}}' } },
      },
      Table: { Type: 'AWS::DynamoDB::Table', Properties: {} },
    },
  },
};

describe('the declared gateway responses', () => {
  const declared = declaredGatewayResponses(config);

  it('are read from the resolved config, nothing else', () => {
    expect([...declared.keys()]).toEqual(['INVALID_API_KEY', 'DEFAULT_4XX', 'MISSING_AUTHENTICATION_TOKEN']);
  });

  it("render the declaration: its status, its literal code, the client's correlation id, the request id", () => {
    const answer = renderRefusal(declared, 'INVALID_API_KEY', { requestHeaders: { 'x-correlation-id': 'client-id' }, message: 'Forbidden' });
    expect(answer.status).toBe(403);
    expect(answer.headers).toMatchObject({ 'x-correlation-id': 'client-id', 'x-served-by': 'gateway', 'content-type': 'application/json' });
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'Forbidden', message: 'Missing or invalid API key', requestId: answer.headers['x-amzn-requestid'] } });
  });

  it('take the status the declaration sets over API Gateway’s own (a missing route: 404, not 403)', () => {
    expect(renderRefusal(declared, 'MISSING_AUTHENTICATION_TOKEN')).toMatchObject({ status: 404, body: '{"error":{"code":"NotFound","message":"No such route"}}' });
  });

  it("fall back to DEFAULT_4XX with the type's own status, substituting $context as API Gateway does", () => {
    const answer = renderRefusal(declared, 'UNAUTHORIZED', { message: 'Unauthorized' });
    expect(answer.status).toBe(401);
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'Forbidden', message: 'Unauthorized', type: 'UNAUTHORIZED' } });
    expect(answer.headers['x-correlation-id']).toBe(answer.headers['x-amzn-requestid']);
  });

  it("answer as API Gateway does undeclared: {message}, the type's status", () => {
    expect(renderRefusal(new Map(), 'MISSING_AUTHENTICATION_TOKEN')).toMatchObject({ status: 403, body: '{"message":"Missing Authentication Token"}' });
  });

  it("tell serverless-offline's refusals apart: its API-key check, its authorizer's no and Deny", () => {
    expect(refusalType(403, { 'x-amzn-errortype': 'ForbiddenException' }, 'Forbidden')).toBe('INVALID_API_KEY');
    expect(refusalType(401, {}, 'Unauthorized')).toBe('UNAUTHORIZED');
    expect(refusalType(403, {}, 'User is not authorized to access this resource')).toBe('ACCESS_DENIED');
    expect(refusalType(418, {}, undefined)).toBe('DEFAULT_4XX');
  });
});
