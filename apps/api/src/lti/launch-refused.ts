/**
 * The checks a login or a launch can fail, as the 1EdTech Security Framework (§5.1.1, §5.1.3) and LTI 1.3 Core
 * (§5.3, §5.4) and Deep Linking 2.0 (§4.4) name what they check. A refusal names exactly one, so that whoever connects an LMS knows which field
 * of the registration, or of the platform's message, to look at.
 */
export type LaunchCheck =
  | 'request'
  | 'iss'
  | 'client_id'
  | 'login_hint'
  | 'target_link_uri'
  | 'alg'
  | 'aud'
  | 'azp'
  | 'jwks'
  | 'kid'
  | 'signature'
  | 'exp'
  | 'iat'
  | 'state'
  | 'nonce'
  | 'deployment_id'
  | 'message_type'
  | 'version'
  | 'resource_link'
  | 'deep_linking_settings'
  | 'sub'
  | 'roles';

/** A login or launch the tool will not accept; nothing is stored for it. */
export class LaunchRefused extends Error {
  constructor(
    readonly check: LaunchCheck,
    readonly detail: string,
  ) {
    super(`${check}: ${detail}`);
  }
}
