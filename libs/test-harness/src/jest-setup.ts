import { logMatchers } from './matchers';

expect.extend(logMatchers);
