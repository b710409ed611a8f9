// POST /yubls and GET /yubls/{id} as docs/api.md's HTTP section says, one case a rule, in process
// (TEST_MODE=handler) and through the gateway (TEST_MODE=http). Authors come from the users
// service, over HTTP.
import { randomUUID } from 'node:crypto';
import { signToken } from '@yubl/auth';
import { correlated, refused, weCall } from '@yubl/test-harness';
import { aUser, bearer, type TestUser } from '@yubl/test-support';
import { getYubl, postYubl } from '../support/api';

const post = (author: TestUser | undefined, body: unknown, headers: Record<string, string> = {}) => weCall(postYubl, { path: '/yubls', headers: { ...(author ? bearer(author) : {}), ...headers }, body });
const read = (id: string) => weCall(getYubl, { path: `/yubls/${encodeURIComponent(id)}` });

describe('POST /yubls and GET /yubls/{id}', () => {
  let author: TestUser;
  beforeAll(async () => {
    author = await aUser();
  });

  it('posts: 201 with the yubl, which GET /yubls/{id} then answers with 200', async () => {
    const text = `hello ${randomUUID()}`;
    const posted = await post(author, { text });
    expect(posted).toMatchObject(correlated(201));
    expect(posted.body).toEqual({ id: expect.any(String), authorId: author.id, text, postedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const answer = await read(posted.body.id);
    expect(answer).toMatchObject(correlated(200));
    expect(answer.body).toEqual(posted.body);
  });

  it.each([
    ['1 character', 'x'],
    ['500 characters', 'y'.repeat(500)],
    ['lines and an emoji', 'one\ntwo\r\nthree 😀'],
  ])('takes a text of %s', async (_case, text) => {
    expect(await post(author, { text })).toMatchObject({ ...correlated(201), body: { text } });
  });

  it.each([
    ['an empty text', { text: '' }],
    ['a text of 501 characters', { text: 'z'.repeat(501) }],
    ['a text with a NUL', { text: 'a\u0000b' }],
    ['a text with an escape sequence', { text: '\u001b[2Jcleared' }],
    ['a text with a lone surrogate (half an emoji)', { text: 'half \ud83d' }],
    ['no text', {}],
    ['a text that is not a string', { text: 42 }],
    ['no body at all', undefined],
  ])('answers 400 for %s', async (_case, body) => {
    const answer = await post(author, body);
    expect(answer).toMatchObject(refused(400));
  });

  it('answers 401 without a bearer token, or with a forged, alg:none or malformed one, before reading the body', async () => {
    const [header, payload] = author.token.split('.');
    const forged = await signToken(author.id, 'not-the-secret-but-long-enough-to-sign-with');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    for (const authorization of [undefined, `Bearer ${forged}`, `Bearer ${none}`, `Bearer ${header}.${payload}`, 'Basic dXNlcjpwYXNz', author.token]) {
      for (const body of [{ text: 'not mine to post' }, { text: '' }]) {
        expect(await post(undefined, body, authorization ? { authorization } : {})).toMatchObject(refused(401));
      }
    }
  });

  it('answers 415 for a body that is not application/json, 400 for one that does not parse, 413 over 64 KiB', async () => {
    expect(await post(author, 'text=hi', { 'content-type': 'application/x-www-form-urlencoded' })).toMatchObject(refused(415));
    expect(await post(author, '{"text": "hi"', { 'content-type': 'application/json' })).toMatchObject(refused(400));
    expect(await post(author, { text: 'hi', padding: 'p'.repeat(70_000) })).toMatchObject(refused(413));
  });

  it('answers 404 for a well-formed id that names no yubl', async () => {
    const posted = await post(author, { text: 'a real one' });
    expect(await read(`${posted.body.id.slice(0, -1)}${posted.body.id.endsWith('0') ? '1' : '0'}`)).toMatchObject(refused(404));
    expect(await read(randomUUID())).toMatchObject(refused(404));
  });
});
