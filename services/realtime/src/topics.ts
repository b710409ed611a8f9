// The one place that names a user's real-time topic (docs/api.md "Real-time feed updates").

/** The topic a user's app subscribes to: every new item of that user's feed is published there. */
export const feedTopic = (stage: string, userId: string): string => `yubl/${stage}/users/${userId}/feed`;
