import fs from 'node:fs/promises';
import path from 'node:path';

/** A reader's rating of one answer. */
export interface FeedbackEntry {
  messageId: string;
  conversationId: string;
  rating: 'up' | 'down';
  comment?: string;
  /** The question and answer rated, so the log can be reviewed without the (volatile) conversations. */
  question: string;
  answer: string;
  mode: string;
  createdAt: string;
  requestId: string;
}

export interface FeedbackStore {
  append(entry: FeedbackEntry): Promise<void>;
}

/**
 * Feedback as JSON lines in one file: append-only, greppable, trivially loaded for evaluation.
 * Appends are chained so concurrent requests never interleave their lines.
 */
export function makeJsonlFeedbackStore(file: string): FeedbackStore {
  let queue: Promise<void> = Promise.resolve();
  let dirReady: Promise<unknown> | undefined;
  return {
    append(entry) {
      const line = `${JSON.stringify(entry)}\n`;
      const write = async () => {
        dirReady ??= fs.mkdir(path.dirname(file), { recursive: true });
        await dirReady;
        await fs.appendFile(file, line, 'utf8');
      };
      const next = queue.then(write, write);
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
