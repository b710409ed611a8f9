import { created, httpHandler } from '/work/main/libs/lambda/src';
import { post } from '/work/main/bench/wrapper/handler-logic';
export const handler = httpHandler<{ text: string }>(async (request) => created(post(request.body.text)));
