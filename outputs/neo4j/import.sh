#!/bin/sh
# Bulk-import this folder into a new, stopped Neo4j 5 database (default: neo4j).
#   sh import.sh [DATABASE] [more neo4j-admin options, e.g. --overwrite-destination=true]
# Set NEO4J_ADMIN to the neo4j-admin executable if it is not on PATH.
set -eu
cd "$(dirname "$0")"
database="${1:-neo4j}"
[ $# -gt 0 ] && shift
"${NEO4J_ADMIN:-neo4j-admin}" database import full \
  "$database" \
  --id-type=string \
  --array-delimiter=U+001F \
  --multiline-fields=true \
  "$@" \
  --nodes=Paper=nodes_Paper.csv \
  --nodes=Method=nodes_Method.csv \
  --nodes=Dataset=nodes_Dataset.csv \
  --nodes=Hardware=nodes_Hardware.csv \
  --nodes=Metric=nodes_Metric.csv \
  --nodes=Task=nodes_Task.csv \
  --nodes=Result=nodes_Result.csv \
  --relationships=proposes=relationships_proposes.csv \
  --relationships=usesMethod=relationships_usesMethod.csv \
  --relationships=evaluatesOn=relationships_evaluatesOn.csv \
  --relationships=runsOn=relationships_runsOn.csv \
  --relationships=measures=relationships_measures.csv \
  --relationships=addresses=relationships_addresses.csv \
  --relationships=reportsResult=relationships_reportsResult.csv \
  --relationships=ofMetric=relationships_ofMetric.csv \
  --relationships=onDataset=relationships_onDataset.csv \
  --relationships=forMethod=relationships_forMethod.csv
