import { nextPage } from './names-roles';

describe('nextPage (RFC 8288 Link header)', () => {
  const base = 'https://lms.example/nrps/course-101?page=1';

  it('finds rel="next" among other relations, resolved against the page', () => {
    expect(nextPage('<https://lms.example/nrps/course-101?page=1>; rel="first", </nrps/course-101?page=2>; rel="next"', base)).toBe('https://lms.example/nrps/course-101?page=2');
  });

  it('takes next among several relation types in one rel, and unquoted', () => {
    expect(nextPage('<?page=3>; rel="last next"', base)).toBe('https://lms.example/nrps/course-101?page=3');
    expect(nextPage('<?page=4>; rel=next', base)).toBe('https://lms.example/nrps/course-101?page=4');
  });

  it('is null on the last page, and for a target that is not http(s)', () => {
    expect(nextPage(null, base)).toBeNull();
    expect(nextPage('<?page=1>; rel="first", <?page=9>; rel="differences"', base)).toBeNull();
    expect(nextPage('<file:///etc/passwd>; rel="next"', base)).toBeNull();
  });
});
