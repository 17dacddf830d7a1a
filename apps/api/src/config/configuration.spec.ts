import { configuration } from './configuration';

describe('TRUST_PROXY', () => {
  const saved = process.env['TRUST_PROXY'];
  afterEach(() => {
    if (saved === undefined) delete process.env['TRUST_PROXY'];
    else process.env['TRUST_PROXY'] = saved;
  });

  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['true', true],
    ['2', 2],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
  ])('%p trusts %p', (setting, trusted) => {
    if (setting === undefined) delete process.env['TRUST_PROXY'];
    else process.env['TRUST_PROXY'] = setting;
    expect(configuration().trustProxy).toEqual(trusted);
  });
});
