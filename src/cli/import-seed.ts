/**
 * Turns raw news scrapes into curated corpus files: splits scrapes that hold several articles,
 * cleans them, pulls out headline, outlet and dateline, and writes one Markdown file with
 * front matter per article.
 *
 *   npx tsx src/cli/import-seed.ts <scrape-folder> <corpus-folder> [--force]
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { stringify as stringifyYaml } from 'yaml';
import { parseScrape } from '../corpus/scrape.js';
import { titleSlug } from '../corpus/slug.js';
import { splitScrape } from '../corpus/splitScrape.js';

export interface ImportedArticle {
  id: string;
  title: string;
  outlet: string | null;
  publishedAt: string | null;
  url: string | null;
  originalFile: string;
  /** True when no headline line was found and the title was cut from the first sentence. */
  titleNeedsReview: boolean;
  body: string;
}

/** Articles of every `.txt` scrape in `inputDir` (sorted by file name), with unique ids. */
export async function importScrapes(inputDir: string): Promise<ImportedArticle[]> {
  const names = (await fs.readdir(inputDir)).filter((n) => n.toLowerCase().endsWith('.txt')).sort();
  const articles: ImportedArticle[] = [];
  const used = new Set<string>();
  for (const name of names) {
    const raw = await fs.readFile(path.join(inputDir, name), 'utf8');
    for (const text of splitScrape(raw)) {
      const parsed = parseScrape(text);
      if (parsed.body === '') continue;
      const id = uniqueId(titleSlug(parsed.title) || titleSlug(name.replace(/\.txt$/i, '')), used);
      articles.push({
        id,
        title: parsed.title,
        outlet: parsed.outlet,
        publishedAt: parsed.publishedAt,
        url: null,
        originalFile: `${path.basename(path.resolve(inputDir))}/${name}`,
        titleNeedsReview: !parsed.titleFromHeadline,
        body: parsed.body,
      });
    }
  }
  return articles;
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base || 'article';
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

/** Markdown with YAML front matter, in the format `loadCorpus` reads. */
export function toMarkdown(article: ImportedArticle): string {
  const frontMatter = stringifyYaml(
    {
      id: article.id,
      title: article.title,
      outlet: article.outlet,
      publishedAt: article.publishedAt,
      url: article.url,
      originalFile: article.originalFile,
    },
    { lineWidth: 0 },
  );
  return `---\n${frontMatter}---\n\n${article.body}\n`;
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

async function main(argv: string[]): Promise<number> {
  const force = argv.includes('--force');
  const [inputDir, outputDir, ...extra] = argv.filter((a) => a !== '--force');
  if (!inputDir || !outputDir || extra.length > 0) {
    console.error('usage: npx tsx src/cli/import-seed.ts <scrape-folder> <corpus-folder> [--force]');
    return 2;
  }
  const articles = await importScrapes(inputDir);
  await fs.mkdir(outputDir, { recursive: true });
  const targets = articles.map((a) => path.join(outputDir, `${a.id}.md`));
  if (!force) {
    const existing: string[] = [];
    for (const target of targets) if (await exists(target)) existing.push(target);
    if (existing.length > 0) {
      console.error(`refusing to overwrite ${existing.length} file(s), e.g. ${existing[0]}; run again with --force`);
      return 1;
    }
  }
  for (const [i, article] of articles.entries()) {
    await fs.writeFile(targets[i] ?? '', toMarkdown(article), 'utf8');
    const review = article.titleNeedsReview ? '  (no headline in the scrape: write one by hand)' : '';
    console.log(`${targets[i]}  ← ${article.originalFile}${review}`);
  }
  console.log(`${articles.length} article(s) written to ${outputDir}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
