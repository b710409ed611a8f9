export { aUser, bearer, follows, posts, type TestUser } from './users';
