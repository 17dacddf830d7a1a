import { ApiProperty } from '@nestjs/swagger';

/** One of the tool's signing keys (its private half never leaves the database). */
export class ToolKeyDto {
  /**
   * The key's id in the JWKS (its RFC 7638 thumbprint).
   * @example "p3hKf1mO9xq0Zl0s2QyH7l7iQm3Yx5Jm1Yk5vXcQ0aA"
   */
  kid!: string;
  /** @example "2026-12-06T10:00:00.000Z" */
  created_at!: string;
  /** When it starts signing: a rotated-in key is published first, and signs from here. */
  signs_from!: string;
  /** When it stops signing (the next key's signs_from); null while it is the newest. */
  signs_until!: string | null;
  /** When it leaves the JWKS, once what it signed has expired; null while it signs. */
  published_until!: string | null;
}

export class ToolKeyListDto {
  /** The keys in the JWKS now, oldest first. */
  items!: ToolKeyDto[];
}

/** An RFC 7517 JSON Web Key Set: the tool's public keys, which platforms check its signatures against. */
export class JwksDto {
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    example: [{ kty: 'RSA', n: '0vx7agoebGcQSuuPiLJXZptN…', e: 'AQAB', kid: 'p3hKf1mO9xq0Zl0s2QyH7l7iQm3Yx5Jm1Yk5vXcQ0aA', alg: 'RS256', use: 'sig' }],
  })
  keys!: Array<Record<string, unknown>>;
}
