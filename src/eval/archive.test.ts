import { describe, expect, it } from 'vitest';
import { topicSwitches, type SetQuestion } from './archive.js';
import type { SeedConversation } from './answers.js';

const question = (id: string, documentId?: string): SetQuestion =>
  documentId === undefined ? { id, question: `Câu ${id}?`, answerable: false } : { id, question: `Câu ${id}?`, documentId, mustContain: id };

const conversation = (id: string, documentId: string): SeedConversation => ({
  id,
  turns: [
    { id: `${id}#1`, question: `Mở đầu ${id}?`, documentId },
    { id: `${id}#2`, question: 'Ông ấy nói gì?', documentId },
  ],
});

describe('topicSwitches', () => {
  const questions = [question('q1', 'a'), question('u1'), question('q2', 'b'), question('q3', 'a'), question('q4', 'c'), question('q5', 'b')];

  it('follows each conversation\'s first question with answerable questions about other articles', () => {
    const switched = topicSwitches(questions, [conversation('c1', 'a'), conversation('c2', 'b')]);
    expect(switched).toHaveLength(4);
    for (const c of switched) {
      expect(c.turns).toHaveLength(2);
      expect(c.turns[1]!.documentId).toBeDefined();
      expect(c.turns[1]!.documentId).not.toBe(c.turns[0]!.documentId);
    }
    expect(switched.map((c) => c.turns[0]!.question)).toEqual(['Mở đầu c1?', 'Mở đầu c1?', 'Mở đầu c2?', 'Mở đầu c2?']);
    // The second turn is asked as the set asks it, judged by its own article and text.
    expect(switched[0]!.turns[1]).toMatchObject({ id: 'q2', question: 'Câu q2?', documentId: 'b', mustContain: 'q2' });
  });

  it('makes none without conversations or without answerable questions about another article', () => {
    expect(topicSwitches(questions, [])).toEqual([]);
    expect(topicSwitches([question('u1')], [conversation('c1', 'a')])).toEqual([]);
    expect(topicSwitches([question('q1', 'a')], [conversation('c1', 'a')])).toEqual([]);
  });
});
