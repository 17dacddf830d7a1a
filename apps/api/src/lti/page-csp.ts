import { PAGE_CSP } from '../pages/page-shell';

/**
 * The pages' CSP with some directives replaced, for the LTI pages that must name a platform: the picker posts to its
 * return URL and is framed by it, the registration page is framed by the registering LMS. Every other directive stays
 * the pages' own, whatever they become.
 */
export function pageCspWith(directives: Record<string, string>): string {
  return PAGE_CSP.split('; ')
    .map((directive) => {
      const name = directive.split(' ')[0]!;
      return name in directives ? `${name} ${directives[name]}` : directive;
    })
    .join('; ');
}
