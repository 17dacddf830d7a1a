import { Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import type { Connection, ConnectionOptions, State } from '@tcplab/tcp-core';

/** One simulated connection: its latest snapshot and how to rebuild it (options + the steps' inputs). */
@Entity('sessions')
@Index('sessions_tenant_created_at_id', ['tenant_id', 'created_at', 'id'])
export class SessionEntity {
  @PrimaryColumn('uuid')
  id!: string;

  /** The tenant that owns the session: no other tenant can see or change it. First in every key. */
  @PrimaryColumn('uuid')
  tenant_id!: string;

  /** Bumped by every change; the ETag. */
  @Column('integer')
  version!: number;

  @Column('text')
  mode!: string;

  /** Denormalised from the snapshot so that the list can filter by state. */
  @Column('text')
  client_state!: State;

  @Column('text')
  server_state!: State;

  /** What the session was created with: createConnection(options) is where a replay starts. */
  @Column('jsonb')
  options!: ConnectionOptions;

  @Column('jsonb')
  snapshot!: Connection;

  /** The catalogue scenario the session was created from, if any, and the index of its next step. */
  @Column('text', { nullable: true })
  scenario_id!: string | null;

  @Column('integer')
  scenario_step!: number;

  /** The share link the session was made through (a scenario played from a link), and the learner it names. */
  @Column('uuid', { nullable: true })
  link_id!: string | null;

  @Column('text', { nullable: true })
  learner_id!: string | null;

  @Column('integer')
  step_count!: number;

  @Column('integer')
  event_count!: number;

  @Column('integer')
  segment_count!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updated_at!: Date;
}
