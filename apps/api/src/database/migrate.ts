import { MigrationExecutor, type DataSource } from 'typeorm';

/**
 * The pending migrations, in one transaction that first takes a transaction-level advisory lock: replicas started
 * at once on a new database migrate one after the other, and the later ones find nothing left to do. (TypeORM's
 * runMigrations takes no lock: three replicas started together on an empty database failed with "relation already
 * exists". A session-level lock, pg_advisory_lock, would not hold behind PgBouncer in transaction pooling.)
 */
export async function migrate(dataSource: DataSource): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    await runner.startTransaction();
    await runner.query(`SELECT pg_advisory_xact_lock(hashtextextended('tcplab:migrations', 0))`);
    const executor = new MigrationExecutor(dataSource, runner);
    // Inside the transaction begun above: the executor neither begins nor commits one of its own.
    executor.transaction = 'all';
    await executor.executePendingMigrations();
    await runner.commitTransaction();
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}
