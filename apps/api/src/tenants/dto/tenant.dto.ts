import { IsOptional, IsString, Length, Matches } from 'class-validator';

const PRINTABLE = /^[^\p{Cc}]*$/u;

export class CreateTenantDto {
  /**
   * What the tenant is called: a school, a course, an integration.
   * @example "Lycée Jean Moulin — réseaux"
   */
  @IsString()
  @Length(1, 200)
  @Matches(PRINTABLE, { message: 'name must not hold control characters' })
  name!: string;
}

export class CreateApiKeyDto {
  /**
   * What the key is for, to tell keys apart later.
   * @example "Moodle production"
   */
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @Matches(PRINTABLE, { message: 'name must not hold control characters' })
  name?: string;
}

export class TenantDto {
  /** @example "0b9f4f3e-8a43-4c11-9a55-2f3c8e1d7a60" */
  id!: string;
  /** @example "Lycée Jean Moulin — réseaux" */
  name!: string;
  /** @example "2026-11-27T10:00:00.000Z" */
  created_at!: string;
}

export class TenantPageDto {
  items!: TenantDto[];
  /** Pass as `cursor` to get the next page; null on the last page. */
  next_cursor!: string | null;
}

export class ApiKeyDto {
  /** @example "5d0c7a9e-2a6b-4f0e-8d3c-1e2f3a4b5c6d" */
  id!: string;
  /** @example "0b9f4f3e-8a43-4c11-9a55-2f3c8e1d7a60" */
  tenant_id!: string;
  /** @example "Moodle production" */
  name!: string;
  /**
   * The key's first characters, to recognise it; the rest is never stored.
   * @example "tcpl_Xy3kQ9"
   */
  prefix!: string;
  /** @example "2026-11-27T10:00:00.000Z" */
  created_at!: string;
  /** When the key stopped working; null while it works. */
  revoked_at!: string | null;
}

export class CreatedApiKeyDto extends ApiKeyDto {
  /**
   * The key itself, shown this once: send it as `Authorization: Bearer <key>`. Only its hash is kept.
   * @example "tcpl_Xy3kQ9mZ1b7Vw0rT5uH2eJ8nL4sD6fG3aK9pC1xY7qE"
   */
  key!: string;
}

export class ApiKeyListDto {
  items!: ApiKeyDto[];
}
