import { PAGE_CSP } from '../pages/page-shell';
import { pageCspWith } from './page-csp';

describe('pageCspWith (the LTI pages that name a platform)', () => {
  it('replaces the named directives and keeps every other one of the pages\' CSP as it is', () => {
    const csp = pageCspWith({ 'form-action': 'https://lms.example.edu', 'frame-ancestors': 'https://lms.example.edu' });
    const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d]));
    expect(directives['form-action']).toBe('form-action https://lms.example.edu');
    expect(directives['frame-ancestors']).toBe('frame-ancestors https://lms.example.edu');
    const untouched = PAGE_CSP.split('; ').filter((d) => !/^(form-action|frame-ancestors) /.test(d));
    expect(csp.split('; ').filter((d) => !/^(form-action|frame-ancestors) /.test(d))).toEqual(untouched);
    expect(untouched).toContain("script-src 'self'");
  });
});
