import { routeMatcher } from '../../src/gateway';

describe('gateway route matching', () => {
  it('matches path parameters one segment at a time and greedy parameters across segments', () => {
    expect(routeMatcher('/users/{id}').regex.test('/users/42')).toBe(true);
    expect(routeMatcher('/users/{id}').regex.test('/users/42/following')).toBe(false);
    expect(routeMatcher('/files/{proxy+}').regex.test('/files/a/b/c')).toBe(true);
  });

  it('ranks literal segments above parameters above greedy ones', () => {
    const literal = routeMatcher('/users/me').score;
    const parameter = routeMatcher('/users/{id}').score;
    const greedy = routeMatcher('/users/{proxy+}').score;
    expect(literal).toBeGreaterThan(parameter);
    expect(parameter).toBeGreaterThan(greedy);
  });

  it('names each parameter and captures its value, for a served service`s pathParameters', () => {
    const route = routeMatcher('/users/{id}/files/{proxy+}');
    expect(route.names).toEqual(['id', 'proxy']);
    expect(route.regex.exec('/users/42/files/a/b')?.slice(1)).toEqual(['42', 'a/b']);
  });

  it('treats regular-expression characters in paths literally', () => {
    expect(routeMatcher('/a.b').regex.test('/axb')).toBe(false);
  });
});
