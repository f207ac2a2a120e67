// check.mjs reads a pcapflow Parquet dataset with DuckDB, an independent
// reader, and prints what the Go end-to-end test compares with tshark's
// truth: one JSON object per DIR, keyed by DIR, on stdout.
//
//   node check.mjs DIR...
//
// The DuckDB Node module is looked up in $PCAPFLOW_DUCKDB_DIR (a folder
// where `npm install @duckdb/node-api@1.5.6-r.1` was run). Integers are
// returned as strings so that 64-bit values survive JSON.
import { createRequire } from 'node:module';
import path from 'node:path';

const dirs = process.argv.slice(2);
if (dirs.length === 0 || !process.env.PCAPFLOW_DUCKDB_DIR) {
  console.error('usage: PCAPFLOW_DUCKDB_DIR=FOLDER node check.mjs DIR...');
  process.exit(2);
}
const require = createRequire(path.join(process.env.PCAPFLOW_DUCKDB_DIR, 'package.json'));
const { DuckDBInstance } = require('@duckdb/node-api');

const inst = await DuckDBInstance.create(':memory:');
const con = await inst.connect();
const rows = async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson();
// A query over a table the run did not write answers null.
const absent = (e) => { if (/No files found/.test(e.message)) return null; throw e; };

async function check(dir) {
  const files = (table) => `read_parquet('${path.join(dir, table).replaceAll("'", "''")}/**/*.parquet', hive_partitioning = true, union_by_name = true)`;
  const out = {};
  out.version = (await rows('SELECT version() AS v'))[0].v;
  // The type DuckDB gives the ts column: nanoseconds must not become micros.
  out.ts_type = (await rows(`SELECT typeof(ts) AS t FROM ${files('packets')} LIMIT 1`))[0]?.t ?? null;
  out.packets = await rows(`
    SELECT source_file, count(*)::VARCHAR AS n,
           epoch_ns(min(ts))::VARCHAR AS min_ts, epoch_ns(max(ts))::VARCHAR AS max_ts
    FROM ${files('packets')} GROUP BY source_file ORDER BY source_file`);
  // Every frame's timestamp, to compare with the capture itself.
  out.frames = (await rows(`
    SELECT frame_no::VARCHAR AS f, epoch_ns(ts)::VARCHAR AS ts
    FROM ${files('packets')} ORDER BY source_file, frame_no`)).map((r) => [r.f, r.ts]);
  // Flow totals per directed tuple; the test folds them into tshark's
  // conversations (endpoint A the lower address).
  out.flows = await rows(`
    SELECT CASE proto WHEN 6 THEN 'tcp' WHEN 17 THEN 'udp' ELSE proto::VARCHAR END AS proto,
           orig_ip, orig_port::VARCHAR AS orig_port, resp_ip, resp_port::VARCHAR AS resp_port,
           sum(orig_pkts)::VARCHAR AS orig_pkts, sum(resp_pkts)::VARCHAR AS resp_pkts,
           sum(orig_frame_bytes)::VARCHAR AS orig_bytes, sum(resp_frame_bytes)::VARCHAR AS resp_bytes
    FROM ${files('flows')} GROUP BY ALL ORDER BY ALL`).catch(absent);
  // Packets joined to their flow: every packet with a flow id finds it, and
  // so does every tunnelled packet with an inner flow id, whose flow's
  // tunnel_parent is then the packet's flow.
  out.orphans = (await rows(`
    SELECT count(*)::VARCHAR AS n FROM ${files('packets')} p
    LEFT JOIN ${files('flows')} f USING (flow_id)
    WHERE p.flow_id IS NOT NULL AND f.flow_id IS NULL`).catch(absent))?.[0].n ?? null;
  out.inner_orphans = (await rows(`
    SELECT count(*)::VARCHAR AS n FROM ${files('packets')} p
    LEFT JOIN ${files('flows')} f ON f.flow_id = p.inner_flow_id
    WHERE p.inner_flow_id IS NOT NULL AND f.flow_id IS NULL`).catch(absent))?.[0].n ?? null;
  out.tunnelled = (await rows(`
    SELECT count(*)::VARCHAR AS n, count(*) FILTER (WHERE f.tunnel_parent = p.flow_id)::VARCHAR AS parent_is_outer
    FROM ${files('packets')} p JOIN ${files('flows')} f ON f.flow_id = p.inner_flow_id
    WHERE p.frame_no = f.first_frame AND p.source_file = f.first_source_file`).catch(absent))?.[0] ?? null;
  // HTTP exchanges, each with whether its flow_id names a flows row.
  out.http = await rows(`
    SELECT h.stream_id::VARCHAR AS stream, h.request_frame::VARCHAR AS request_frame,
           h.response_frame::VARCHAR AS response_frame, h.method, h.host, h.uri,
           h.status::VARCHAR AS status, (f.flow_id IS NOT NULL)::VARCHAR AS in_flows
    FROM ${files('http')} h LEFT JOIN ${files('flows')} f USING (flow_id)
    ORDER BY h.stream_id, h.exchange`).catch(absent);
  // Hive partition columns DuckDB derived from the directory names.
  out.partitions = (await rows(`
    SELECT count(DISTINCT date)::VARCHAR AS n FROM ${files('packets')}`).catch(() => null))?.[0].n ?? null;
  return out;
}

const all = {};
for (const dir of dirs) all[dir] = await check(dir);
console.log(JSON.stringify(all));
