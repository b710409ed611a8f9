// POST /users, POST /sessions and GET /users/{id} as docs/api.md's HTTP section says, one case a rule,
// in process (TEST_MODE=handler) and through the gateway (TEST_MODE=http).
import { randomUUID } from 'node:crypto';
import { correlated, refused, weCall } from '@yubl/test-harness';
import { posts } from '@yubl/test-support';
import { aSignUp, getUser, postSessions, postUsers, type SignUp } from '../support/api';

const join = (body: unknown, headers?: Record<string, string>) => weCall(postUsers, { path: '/users', body, headers });
const signIn = (body: unknown) => weCall(postSessions, { path: '/sessions', body });
const userOf = ({ username, firstName, lastName }: SignUp) => ({ id: expect.any(String), username, firstName, lastName, joinedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });

describe('POST /users', () => {
  it('answers 201 with the user and a token that works, and the client`s correlation id', async () => {
    const signUp = aSignUp();
    const correlationId = `users-${randomUUID()}`;
    const answer = await join(signUp, { 'x-correlation-id': correlationId });
    expect(answer).toMatchObject({ status: 201, headers: { 'x-correlation-id': correlationId } });
    expect(answer.body).toEqual({ user: userOf(signUp), token: expect.any(String) });
    // the token is a bearer the other services take
    const yubl = await posts({ ...answer.body.user, token: answer.body.token }, 'my first yubl');
    expect(yubl.authorId).toBe(answer.body.user.id);
  });

  it('answers 409 for a username that is taken', async () => {
    const signUp = aSignUp();
    expect(await join(signUp)).toMatchObject(correlated(201));
    expect(await join({ ...signUp, firstName: 'Other', password: 'another-password' })).toMatchObject(refused(409));
  });

  it.each([
    ['a username of 2 characters', { username: 'ab' }],
    ['a username of 31 characters', { username: 'a'.repeat(31) }],
    ['a username with a capital', { username: 'Abc_def' }],
    ['a username with a hyphen', { username: 'abc-def' }],
    ['a username with a space', { username: 'abc def' }],
    ['no username', { username: undefined }],
    ['a username that is a number', { username: 12345 }],
    ['an empty first name', { firstName: '' }],
    ['a first name of 51 characters', { firstName: 'f'.repeat(51) }],
    ['an empty last name', { lastName: '' }],
    ['a last name of 51 characters', { lastName: 'l'.repeat(51) }],
    ['a first name with a NUL', { firstName: 'An\u0000n' }],
    ['a last name with a line break', { lastName: 'Le\ne' }],
    ['a first name with a lone surrogate', { firstName: 'Ann \udc00' }],
    ['no last name', { lastName: undefined }],
    ['a password of 7 characters', { password: 'seven77' }],
    ['a password of 129 characters', { password: 'p'.repeat(129) }],
    ['no password', { password: undefined }],
  ])('answers 400 for %s, and keeps nothing of it', async (_case, change) => {
    const valid = aSignUp();
    const answer = await join({ ...valid, ...change });
    expect(answer).toMatchObject(refused(400));
    expect(answer.body.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: expect.stringMatching(/^body/) })]));
    // validation comes before anything is stored: a refused body's username is still free
    if (!('username' in change)) expect((await join(valid)).status).toBe(201);
  });

  it.each([
    ['a username of 3 and names of 1', { username: `a${randomUUID().slice(0, 2)}`.replace(/-/g, '_'), firstName: 'A', lastName: 'B' }],
    ['a username of 30, names of 50 and a password of 128', { username: `u${randomUUID().replace(/-/g, '')}`.slice(0, 30), firstName: 'f'.repeat(50), lastName: 'l'.repeat(50), password: 'p'.repeat(128) }],
    ['a password of 8', { password: 'eight888' }],
  ])('takes the bounds: %s', async (_case, change) => {
    const signUp = aSignUp(change);
    expect(await join(signUp)).toMatchObject({ status: 201, body: { user: userOf(signUp) } });
  });

  it('answers 415 for a body that is not application/json, 400 for one that does not parse, 413 over 64 KiB', async () => {
    expect(await weCall(postUsers, { path: '/users', body: JSON.stringify(aSignUp()), headers: { 'content-type': 'text/plain' } })).toMatchObject(refused(415));
    expect(await weCall(postUsers, { path: '/users', body: '{"username": ', headers: { 'content-type': 'application/json' } })).toMatchObject(refused(400));
    expect(await join({ ...aSignUp(), padding: 'x'.repeat(70_000) })).toMatchObject(refused(413));
  });
});

describe('POST /sessions', () => {
  let signUp: SignUp;
  beforeAll(async () => {
    signUp = aSignUp();
    expect((await join(signUp)).status).toBe(201);
  });

  it('answers 200 with the user and a token for the right password', async () => {
    const answer = await signIn({ username: signUp.username, password: signUp.password });
    expect(answer).toMatchObject(correlated(200));
    expect(answer.body).toEqual({ user: userOf(signUp), token: expect.any(String) });
    expect((await posts({ ...answer.body.user, token: answer.body.token }, 'signed in')).authorId).toBe(answer.body.user.id);
  });

  it('answers 401 for a wrong password and for an unknown user, with the same body', async () => {
    const wrongPassword = await signIn({ username: signUp.username, password: `${signUp.password}-not` });
    const unknownUser = await signIn({ username: aSignUp().username, password: signUp.password });
    expect(wrongPassword).toMatchObject(refused(401));
    expect(unknownUser).toMatchObject(refused(401));
    expect(unknownUser.body).toEqual(wrongPassword.body);
  });

  it('answers 400 for a body without a username and password, 415 for one that is not JSON', async () => {
    expect(await signIn({ username: signUp.username })).toMatchObject(refused(400));
    expect(await weCall(postSessions, { path: '/sessions', body: 'username=x&password=y', headers: { 'content-type': 'application/x-www-form-urlencoded' } })).toMatchObject(refused(415));
  });
});

describe('GET /users/{id}', () => {
  it('answers 200 with the user, never the password or its hash', async () => {
    const signUp = aSignUp();
    const joined = (await join(signUp)).body.user;
    const answer = await weCall(getUser, { path: `/users/${joined.id}` });
    expect(answer).toMatchObject(correlated(200));
    expect(answer.body).toEqual({ ...userOf(signUp), id: joined.id, joinedAt: joined.joinedAt });
    expect(JSON.stringify(answer.body)).not.toMatch(/scrypt|password/i);
  });

  it('answers 404 for a well-formed id that names no user', async () => {
    expect(await weCall(getUser, { path: `/users/${randomUUID()}` })).toMatchObject(refused(404));
  });
});
