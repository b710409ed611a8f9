import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { aUser } from '../../src';

// aUser against a stand-in for the gateway that answers the sign-ups it is told to: what a fixture
// does when the users service times out under a loaded suite.
describe('aUser', () => {
  const answers: number[] = [];
  const usernames: string[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const { username, firstName, lastName } = JSON.parse(body) as { username: string; firstName: string; lastName: string };
      usernames.push(username);
      const status = answers.shift() ?? 201;
      const payload = status === 201 ? { user: { id: `id-${username}`, username, firstName, lastName }, token: 't' } : { error: { code: status === 400 ? 'ValidationError' : 'GatewayTimeout', message: 'no' } };
      response.writeHead(status, { 'content-type': 'application/json', ...(status === 503 ? { 'retry-after': '1' } : {}) }).end(JSON.stringify(payload));
    });
  });
  const before = process.env.TEST_BASE_URL;
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.TEST_BASE_URL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    if (before === undefined) delete process.env.TEST_BASE_URL;
    else process.env.TEST_BASE_URL = before;
    await new Promise((resolve) => server.close(resolve));
  });
  beforeEach(() => {
    answers.length = 0;
    usernames.length = 0;
  });

  it('signs up again under new names after a 5xx, and gives the user that was made', async () => {
    answers.push(504, 503);
    const user = await aUser();
    expect(usernames).toHaveLength(3);
    expect(new Set(usernames).size).toBe(3); // the first two may be taken by sign-ups that were stored
    expect(user.username).toBe(usernames[2]);
  });

  it('gives up after three 5xx answers, and at once on a 4xx or with a username of its own', async () => {
    answers.push(504, 504, 504);
    await expect(aUser()).rejects.toThrow('POST /users answered 504 (attempt 3)');
    answers.push(400);
    await expect(aUser()).rejects.toThrow('POST /users answered 400');
    answers.push(504);
    await expect(aUser({ username: 'mine' })).rejects.toThrow('POST /users answered 504');
    expect(usernames).toEqual([expect.any(String), expect.any(String), expect.any(String), expect.any(String), 'mine']);
  });
});
