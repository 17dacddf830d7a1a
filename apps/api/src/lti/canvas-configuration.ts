import { TOOL_SCOPES } from './dynamic-registration';

/**
 * The JSON a Canvas administrator pastes (or points to by URL) when making an LTI 1.3 developer key ("Enter URL" or
 * "Paste JSON"), in the format Canvas documents for LTI tool configurations: the OIDC login, the default launch URL,
 * the tool's JWKS, the LTI Advantage scopes, and Canvas's extension with its placements. Link and assignment
 * selection open a deep linking request (the picker); course navigation is left out: tcplab has no course-wide page.
 */
export function canvasConfiguration(toolOrigin: string): Record<string, unknown> {
  const deepLinking = `${toolOrigin}/lti/deep-linking`;
  return {
    title: 'tcplab',
    description: 'Learn TCP by playing it: scenarios, exercises and quizzes computed by an RFC 9293 simulator, graded back to Canvas.',
    oidc_initiation_url: `${toolOrigin}/lti/login`,
    target_link_uri: `${toolOrigin}/`,
    public_jwk_url: `${toolOrigin}/lti/jwks`,
    scopes: TOOL_SCOPES,
    extensions: [
      {
        domain: new URL(toolOrigin).host,
        tool_id: 'tcplab',
        platform: 'canvas.instructure.com',
        // public: Canvas sends the person's name, which the results view shows; tcplab asks for no e-mail.
        privacy_level: 'public',
        settings: {
          text: 'tcplab',
          icon_url: `${toolOrigin}/assets/favicon.svg`,
          placements: [
            { placement: 'link_selection', message_type: 'LtiDeepLinkingRequest', target_link_uri: deepLinking, text: 'tcplab' },
            { placement: 'assignment_selection', message_type: 'LtiDeepLinkingRequest', target_link_uri: deepLinking, text: 'tcplab' },
          ],
        },
      },
    ],
    custom_fields: {},
  };
}
