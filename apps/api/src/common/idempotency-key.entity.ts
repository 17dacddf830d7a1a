import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/** A stored answer to a POST sent with an Idempotency-Key, returned again for a retry. */
@Entity('idempotency_keys')
export class IdempotencyKeyEntity {
  /** Keys are per tenant: two tenants may choose the same one. */
  @PrimaryColumn('uuid')
  tenant_id!: string;

  @PrimaryColumn('text')
  key!: string;

  /** SHA-256 of method, path and body: the same key with another request is refused. */
  @Column('text')
  fingerprint!: string;

  @Column('integer')
  status!: number;

  @Column('jsonb')
  headers!: Record<string, string>;

  @Column('jsonb')
  body!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;
}
