/**
 * What a launch's roles make of a person in tcplab. LTI 1.3 Core §5.3.7 and appendix A.2: context (membership)
 * roles say what someone is in the course the link sits in, and they decide here; institution and system roles
 * (a "Faculty" who merely takes a course) do not. Short names ("Instructor") are the deprecated form A.2.3.1 still
 * lets platforms send.
 */
export type LtiRole = 'learner' | 'instructor';

/** The context roles that run a course: they will see its results (the instructor view is later work). */
const TEACHING = ['Instructor', 'Administrator', 'ContentDeveloper'];

export function roleOf(roles: readonly string[]): LtiRole {
  for (const role of roles) {
    // membership#Instructor, a sub-role like membership/Instructor#TeachingAssistant, or the short name.
    const match = /^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/membership(?:#(\w+)|\/(\w+)#\w+)$/.exec(role);
    const principal = match ? (match[1] ?? match[2]) : role.startsWith('http') ? undefined : role;
    if (principal !== undefined && TEACHING.includes(principal)) return 'instructor';
  }
  return 'learner';
}

/** The system and institution roles of an LMS's administrators (LTI 1.3 Core appendix A.2.1–2). */
const ADMINISTRATOR = /^http:\/\/purl\.imsglobal\.org\/vocab\/lis\/v2\/(?:system|institution)\/person#Administrator$/;

/**
 * Who may choose content for a course (a deep linking request): those who teach it, and the LMS's administrators —
 * who set courses up without being enrolled in them, so their launches carry no context role.
 */
export function mayChooseContent(roles: readonly string[]): boolean {
  return roleOf(roles) === 'instructor' || roles.some((role) => ADMINISTRATOR.test(role));
}
