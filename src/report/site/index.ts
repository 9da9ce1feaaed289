export { renderSite } from './render.js';
export { targetSlugs } from './model.js';
export type { SiteModel, SiteTarget } from './model.js';
