import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type ApiKeyRole = 'admin' | 'tenant';

/** An API key, stored only as the SHA-256 of its secret; `prefix` lets people tell their keys apart. */
@Entity('api_keys')
@Index('api_keys_tenant_id', ['tenant_id', 'created_at'])
export class ApiKeyEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** Null for an admin key. */
  @Column('uuid', { nullable: true })
  tenant_id!: string | null;

  @Column('text')
  role!: ApiKeyRole;

  @Column('text')
  name!: string;

  @Column('text')
  prefix!: string;

  @Column('text', { unique: true })
  hash!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @Column('timestamptz', { nullable: true })
  revoked_at!: Date | null;
}
