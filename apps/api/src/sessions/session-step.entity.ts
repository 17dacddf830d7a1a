import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';
import type { Input, Segment, TcpEvent } from '@tcplab/tcp-core';

/**
 * The append-only history: one row per accepted step, keyed by (tenant_id, session_id, n),
 * holding the input (for replay) and what it produced (events, segments). One
 * row per step keeps a change to three statements: lock, insert, update.
 */
@Entity('session_steps')
export class SessionStepEntity {
  @PrimaryColumn('uuid')
  tenant_id!: string;

  @PrimaryColumn('uuid')
  session_id!: string;

  @PrimaryColumn('integer')
  n!: number;

  @Column('jsonb')
  input!: Input;

  @Column('jsonb')
  events!: TcpEvent[];

  @Column('jsonb')
  segments!: Segment[];

  /** Index of this step's first event in the session's whole event list (0-based). */
  @Column('integer')
  first_event!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  created_at!: Date;
}
