import { scoresUrl } from './assignments-grades';

describe('scoresUrl (AGS 2.0 §3.4.1: {lineitem}/scores)', () => {
  it.each([
    ['a plain line item URL', 'https://canvas.example.edu/api/lti/courses/7/line_items/42', 'https://canvas.example.edu/api/lti/courses/7/line_items/42/scores'],
    ["a query string (Moodle's type_id): /scores goes on the path, the query stays", 'https://moodle.example.edu/mod/lti/services.php/2/lineitems/5/lineitem?type_id=1', 'https://moodle.example.edu/mod/lti/services.php/2/lineitems/5/lineitem/scores?type_id=1'],
    ['a trailing slash: no empty path segment', 'https://lms.example.edu/lineitems/5/', 'https://lms.example.edu/lineitems/5/scores'],
    ['a port and an encoded segment, kept as they are', 'http://127.0.0.1:8080/ags/course%20101/lineitems/1/lineitem?a=1&b=2', 'http://127.0.0.1:8080/ags/course%20101/lineitems/1/lineitem/scores?a=1&b=2'],
  ])('%s', (_name, lineitem, expected) => {
    expect(scoresUrl(lineitem)).toBe(expected);
  });
});
