import { mayChooseContent, roleOf } from './roles';

const MEMBERSHIP = 'http://purl.imsglobal.org/vocab/lis/v2/membership';

describe('roleOf (LTI 1.3 Core §5.3.7, appendix A.2)', () => {
  it.each<[string, string[], 'learner' | 'instructor']>([
    ['a context Learner', [`${MEMBERSHIP}#Learner`], 'learner'],
    ['a context Instructor', [`${MEMBERSHIP}#Instructor`], 'instructor'],
    ['a context Administrator', [`${MEMBERSHIP}#Administrator`], 'instructor'],
    ['a ContentDeveloper', [`${MEMBERSHIP}#ContentDeveloper`], 'instructor'],
    ['a TeachingAssistant (a sub-role of Instructor)', [`${MEMBERSHIP}/Instructor#TeachingAssistant`], 'instructor'],
    ['the deprecated short name Instructor', ['Instructor'], 'instructor'],
    ['a Mentor', [`${MEMBERSHIP}#Mentor`], 'learner'],
    ['institution Faculty taking a course as a Learner', ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty', `${MEMBERSHIP}#Learner`], 'learner'],
    ['a system Administrator without a context role', ['http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator'], 'learner'],
    ['no roles at all', [], 'learner'],
  ])('%s → %s', (_name, roles, role) => {
    expect(roleOf(roles)).toBe(role);
  });
});

describe('mayChooseContent (who may answer a deep linking request)', () => {
  it.each<[string, string[], boolean]>([
    ['a context Instructor', [`${MEMBERSHIP}#Instructor`], true],
    ['a TeachingAssistant', [`${MEMBERSHIP}/Instructor#TeachingAssistant`], true],
    ['a system Administrator without a context role', ['http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator'], true],
    ['an institution Administrator', ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator'], true],
    ['a context Learner', [`${MEMBERSHIP}#Learner`], false],
    ['institution Faculty enrolled as a Learner', ['http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty', `${MEMBERSHIP}#Learner`], false],
    ['no roles at all', [], false],
  ])('%s → %s', (_name, roles, may) => {
    expect(mayChooseContent(roles)).toBe(may);
  });
});
