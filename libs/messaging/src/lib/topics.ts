/**
 * Topics per bounded context, in one place. A topic carries the streams of the categories its
 * context owns; in embedded mode a topic is a view of those categories in the event store's log.
 */
export const TOPICS = {
  goals: { name: 'okr.goals.v1', source: 'okr/goals', categories: ['cycle', 'objective', 'team'] },
  checkIns: { name: 'okr.checkins.v1', source: 'okr/check-ins', categories: ['checkins', 'learning', 'question'] },
  insights: { name: 'okr.insights.v1', source: 'okr/insights', categories: ['insight'] },
} as const;

export type TopicName = (typeof TOPICS)[keyof typeof TOPICS]['name'];

/** The dead-letter destination of a topic. */
export const deadLetterTopic = (topic: string): string => `${topic}.dlq`;

export function topicByName(name: string): (typeof TOPICS)[keyof typeof TOPICS] {
  const topic = Object.values(TOPICS).find((t) => t.name === name);
  if (!topic) throw new Error(`Unknown topic ${name}; known: ${Object.values(TOPICS).map((t) => t.name).join(', ')}`);
  return topic;
}
