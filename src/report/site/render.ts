import { indexPage, searchPage, targetPage } from './templates.js';
import { targetSlugs } from './model.js';
import type { SiteModel } from './model.js';

/**
 * The static dashboard: relative path → file content. index.html, search.html and targets/<slug>.html; each page
 * is self-contained (inline CSS/JS under a CSP that allows nothing else), so it opens from file://.
 */
export function renderSite(model: SiteModel): Map<string, string> {
  const slugs = targetSlugs(model.targets.map((target) => target.name));
  const files = new Map<string, string>();
  files.set('index.html', indexPage(model, slugs));
  files.set('search.html', searchPage(model, slugs));
  for (const target of model.targets) {
    files.set(`targets/${slugs.get(target.name) ?? 'target'}.html`, targetPage(target, model.generatedAt));
  }
  return files;
}
