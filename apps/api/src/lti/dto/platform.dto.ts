import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsOptional, IsString, IsUrl, Length, Matches } from 'class-validator';

const PRINTABLE = /^[^\p{Cc}]*$/u;
// An LMS on a campus network is often reached by a bare host name or an address, without a public TLD.
const URL_OPTIONS = { protocols: ['http', 'https'], require_protocol: true, require_tld: false };

/** A platform (an LMS) as its administrator's tool registration page shows it. */
export class PlatformRegistrationDto {
  /**
   * The platform's issuer (`iss` of its id_tokens), exactly as it sends it.
   * @example "https://moodle.example.edu"
   */
  @IsUrl(URL_OPTIONS)
  @Length(1, 500)
  issuer!: string;

  /**
   * The client id the platform gave tcplab (the `aud` of its id_tokens).
   * @example "tcplab-7f3a"
   */
  @IsString()
  @Length(1, 200)
  @Matches(PRINTABLE, { message: 'client_id must not hold control characters' })
  client_id!: string;

  /**
   * The deployments of tcplab on this platform whose launches are accepted (`deployment_id` of the id_tokens).
   * @example ["1"]
   */
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ArrayUnique()
  @IsString({ each: true })
  @Length(1, 200, { each: true })
  @Matches(PRINTABLE, { each: true, message: 'deployment_ids must not hold control characters' })
  deployment_ids!: string[];

  /**
   * The platform's OIDC authentication request URL, where a login is redirected.
   * @example "https://moodle.example.edu/mod/lti/auth.php"
   */
  @IsUrl(URL_OPTIONS)
  @Length(1, 500)
  auth_url!: string;

  /**
   * The platform's OAuth 2 token URL (for grade passback).
   * @example "https://moodle.example.edu/mod/lti/token.php"
   */
  @IsUrl(URL_OPTIONS)
  @Length(1, 500)
  token_url!: string;

  /**
   * The platform's public key set (JWKS), which its id_tokens are checked against.
   * @example "https://moodle.example.edu/mod/lti/certs.php"
   */
  @IsUrl(URL_OPTIONS)
  @Length(1, 500)
  jwks_url!: string;

  /**
   * More origins that may frame the pages a launch from this platform opens, besides its issuer's and its
   * authorization endpoint's: where its course pages are when that is another host (Canvas: the school's own).
   * Answered back as `[]` when none.
   * @example ["https://school.instructure.com"]
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsUrl(URL_OPTIONS, { each: true })
  @Matches(/^https?:\/\/[^/?#\s]+$/, { each: true, message: 'each of frame_origins must be an origin: scheme and host (and port), no path' })
  frame_origins?: string[];
}

export class PlatformDto extends PlatformRegistrationDto {
  /** @example "5a0c2f7e-3b1d-4c6a-9e8f-1d2c3b4a5f60" */
  id!: string;
  /** @example "2026-12-06T10:00:00.000Z" */
  created_at!: string;
  /** @example "2026-12-06T10:00:00.000Z" */
  updated_at!: string;
}

export class PlatformListDto {
  items!: PlatformDto[];
}
