#!/usr/bin/env bash
# Submits the Cdp.Lakehouse jobs to an Apache Spark cluster.
#
# Not available yet: the scale-out path (SQL models compiled to Spark SQL over the same Delta tables on ADLS, run
# through Spark Connect or spark-submit) lands after the embedded path (DuckDB) is complete. Until then every job
# runs with the `cdp` CLI on one machine; see README.md.
echo "spark-submit.sh: the Spark scale-out path is not implemented yet; run the jobs with 'cdp' (see README.md)." >&2
exit 64
