-- Distribute the tables when this database is a Citus coordinator; on plain
-- PostgreSQL (local mode, tests) this migration does nothing, so the same
-- history runs everywhere. It comes after the tables are created and before
-- any foreign key points at a distributed table (0002), as Citus requires.
DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'citus') THEN
    RAISE NOTICE 'citus extension not installed: tables stay local';
    RETURN;
  END IF;
  -- All migrations run in one transaction: later DDL in it fails after a
  -- parallel multi-shard statement unless Citus works shard by shard.
  PERFORM set_config('citus.multi_shard_modify_mode', 'sequential', true);

  PERFORM create_reference_table('tenants');
  PERFORM create_reference_table('api_keys');
  PERFORM create_reference_table('rollup_state');

  PERFORM create_distributed_table('links', 'tenant_id');
  PERFORM create_distributed_table('clicks', 'tenant_id', colocate_with => 'links');
  PERFORM create_distributed_table('click_rollups', 'tenant_id', colocate_with => 'links');
  PERFORM create_distributed_table('link_routes', 'code', colocate_with => 'none');
END
$$;
