export class RegistrationUrlDto {
  /** @example "5b0e7c2a-1f3d-4c8e-9a6b-2d4f6e8a0c1e" */
  id!: string;
  /** @example "2026-12-13T10:00:00.000Z" */
  expires_at!: string;
  /** When an LMS registered with it (it registers one platform, once). */
  used_at!: string | null;
  revoked_at!: string | null;
  /** The platform it registered. */
  platform_id!: string | null;
  /** @example "2026-12-06T10:00:00.000Z" */
  created_at!: string;
}

export class CreatedRegistrationUrlDto extends RegistrationUrlDto {
  /**
   * The URL to paste into the LMS's dynamic registration field ("Tool URL" in Moodle 4.x). Shown in this answer only.
   * @example "https://tcplab.example.edu/lti/register?token=treg_3q2-…"
   */
  url!: string;
}

export class RegistrationUrlListDto {
  items!: RegistrationUrlDto[];
}
