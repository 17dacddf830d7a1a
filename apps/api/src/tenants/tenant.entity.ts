import { CreateDateColumn, Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A school or an integration: it owns sessions and API keys. */
@Entity('tenants')
@Index('tenants_created_at_id', ['created_at', 'id'])
export class TenantEntity {
  @PrimaryColumn('uuid')
  id!: string;

  @Column('text')
  name!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;
}
