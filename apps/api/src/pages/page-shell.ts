import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Language } from '@tcplab/tcp-core';

/**
 * The playground's files: apps/api/public from the sources (the tests' app), or the copy `nest build` puts in
 * dist/apps/api/public (nest-cli.json's assets), so that dist/ alone serves the pages (npm start, the Docker image).
 * Found by walking up from here, the nearest `public/` with the stylesheet in it.
 */
export function publicDir(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'public');
    if (existsSync(join(candidate, 'app.css'))) return candidate;
    if (dirname(dir) === dir) throw new Error(`the playground's files (public/app.css) are not found above ${from}: run nest build`);
  }
}

/**
 * The pages' content security policy: scripts, styles, images and API calls from this origin only, no inline
 * script or style attribute, never framed (the LTI pages will name their platforms). Stricter than the API's
 * own, which keeps Swagger UI's inline styles working at /docs.
 */
export const PAGE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The modules every view imports: fetched at once with the page's own, instead of one import after another. */
const SHARED_MODULES = ['api.js', 'dom.js', 'i18n.js', 'layout.js', 'storage.js', 'views.js'];
/** What the link page (pages/link.js) imports: the shared modules but the views, which it never draws. */
export const LINK_PAGE_MODULES = SHARED_MODULES.filter((m) => m !== 'views.js');

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * A page: the shell every view shares (header, main, the view's module). The view draws itself from the public
 * API; `meta` passes what the server already knows (a link's token and the page it opens). `preload`: the shared
 * modules the page imports — a page that moves on at once must not preload one it never imports, or the browser
 * aborts that fetch when it leaves.
 */
export function pageShell(options: { page: string; title: string; lang: Language; meta?: Record<string, string>; body?: string; preload?: readonly string[] }): string {
  const meta = Object.entries(options.meta ?? {})
    .map(([name, content]) => `<meta name="${escapeHtml(name)}" content="${escapeHtml(content)}">`)
    .join('\n');
  return `<!doctype html>
<html lang="${options.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)}</title>
<link rel="icon" href="/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/assets/app.css">
${(options.preload ?? SHARED_MODULES).map((m) => `<link rel="modulepreload" href="/assets/js/${m}">`).join('\n')}
${meta}
<script type="module" src="/assets/js/pages/${options.page}.js"></script>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header id="top"></header>
<main id="main" tabindex="-1">${options.body ?? ''}</main>
</body>
</html>
`;
}

/** A page that says what went wrong, drawn by the server: it needs no script and works when nothing else does. */
export function errorPage(lang: Language, heading: Record<Language, string>, detail: Record<Language, string>): string {
  const home = lang === 'zh-CN' ? '返回场景目录' : 'Back to the scenarios';
  return pageShell({
    page: 'error',
    title: `tcplab — ${heading[lang]}`,
    lang,
    body: `<section class="problem" role="alert"><h1>${escapeHtml(heading[lang])}</h1><p>${escapeHtml(detail[lang])}</p><p><a href="/">${home}</a></p></section>`,
  });
}
