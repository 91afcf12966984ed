import fs from 'node:fs/promises';
import path from 'node:path';

/** The prompt files, read once at start-up; editing them needs no code change. */
export interface Prompts {
  answerSystem: string;
  answerUser: string;
  condense: string;
  timelineSystem: string;
  timelineUser: string;
}

export const DEFAULT_PROMPTS_DIR = path.resolve(import.meta.dirname, '../../prompts');

const FILES: Record<keyof Prompts, string> = {
  answerSystem: 'answer.system.vi.md',
  answerUser: 'answer.user.vi.md',
  condense: 'condense.vi.md',
  timelineSystem: 'timeline.system.vi.md',
  timelineUser: 'timeline.user.vi.md',
};

export async function loadPrompts(dir: string = DEFAULT_PROMPTS_DIR): Promise<Prompts> {
  const entries = await Promise.all(
    Object.entries(FILES).map(async ([key, file]) => {
      const full = path.join(dir, file);
      try {
        return [key, (await fs.readFile(full, 'utf8')).trim()] as const;
      } catch (err) {
        throw new Error(`Cannot read prompt file ${full}: ${(err as Error).message}`);
      }
    }),
  );
  return Object.fromEntries(entries) as unknown as Prompts;
}

/**
 * Fills `{name}` slots in one pass, so text inserted for one slot (a source that happens to
 * contain "{question}") is never filled again.
 */
export function fillTemplate(template: string, values: Record<string, string>): string {
  return template.replace(/\{([a-z]+)\}/g, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name]! : whole,
  );
}
