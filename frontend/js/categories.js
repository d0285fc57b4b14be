// The categories the app offers (the node's catalog.categories default; `general` always exists).
export const CATEGORIES = ['general', 'music', 'education', 'gaming', 'sports', 'news', 'comedy', 'film', 'tech'];
