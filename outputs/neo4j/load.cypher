CREATE CONSTRAINT kg_paper_id IF NOT EXISTS FOR (n:Paper) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT kg_method_id IF NOT EXISTS FOR (n:Method) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT kg_dataset_id IF NOT EXISTS FOR (n:Dataset) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT kg_hardware_id IF NOT EXISTS FOR (n:Hardware) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT kg_metric_id IF NOT EXISTS FOR (n:Metric) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT kg_task_id IF NOT EXISTS FOR (n:Task) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT kg_result_id IF NOT EXISTS FOR (n:Result) REQUIRE n.id IS UNIQUE;
LOAD CSV WITH HEADERS FROM 'file:///nodes_Paper.csv' AS row
CALL {
  WITH row
  MERGE (n:Paper {id: row.`id:ID(kg)`})
  SET n.`label` = row.`label:string`,
      n.`paper_id` = row.`paper_id:string`,
      n.`title` = row.`title:string`
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///nodes_Method.csv' AS row
CALL {
  WITH row
  MERGE (n:Method {id: row.`id:ID(kg)`})
  SET n.`acronym` = row.`acronym:string`,
      n.`aliases` = split(row.`aliases:string[]`, '\u001F'),
      n.`label` = row.`label:string`,
      n.`lexicon` = toBoolean(row.`lexicon:boolean`),
      n.`long_form` = row.`long_form:string`,
      n.`name` = row.`name:string`,
      n.`proposed_in` = toInteger(row.`proposed_in:long`),
      n.`support` = toInteger(row.`support:long`),
      n.`wikidata` = row.`wikidata:string`
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///nodes_Dataset.csv' AS row
CALL {
  WITH row
  MERGE (n:Dataset {id: row.`id:ID(kg)`})
  SET n.`acronym` = row.`acronym:string`,
      n.`aliases` = split(row.`aliases:string[]`, '\u001F'),
      n.`label` = row.`label:string`,
      n.`lexicon` = toBoolean(row.`lexicon:boolean`),
      n.`long_form` = row.`long_form:string`,
      n.`name` = row.`name:string`,
      n.`proposed_in` = toInteger(row.`proposed_in:long`),
      n.`support` = toInteger(row.`support:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///nodes_Hardware.csv' AS row
CALL {
  WITH row
  MERGE (n:Hardware {id: row.`id:ID(kg)`})
  SET n.`acronym` = row.`acronym:string`,
      n.`aliases` = split(row.`aliases:string[]`, '\u001F'),
      n.`label` = row.`label:string`,
      n.`lexicon` = toBoolean(row.`lexicon:boolean`),
      n.`long_form` = row.`long_form:string`,
      n.`name` = row.`name:string`,
      n.`proposed_in` = toInteger(row.`proposed_in:long`),
      n.`support` = toInteger(row.`support:long`),
      n.`wikidata` = row.`wikidata:string`
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///nodes_Metric.csv' AS row
CALL {
  WITH row
  MERGE (n:Metric {id: row.`id:ID(kg)`})
  SET n.`acronym` = row.`acronym:string`,
      n.`aliases` = split(row.`aliases:string[]`, '\u001F'),
      n.`label` = row.`label:string`,
      n.`lexicon` = toBoolean(row.`lexicon:boolean`),
      n.`long_form` = row.`long_form:string`,
      n.`lower_is_better` = toBoolean(row.`lower_is_better:boolean`),
      n.`name` = row.`name:string`,
      n.`proposed_in` = toInteger(row.`proposed_in:long`),
      n.`support` = toInteger(row.`support:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///nodes_Task.csv' AS row
CALL {
  WITH row
  MERGE (n:Task {id: row.`id:ID(kg)`})
  SET n.`acronym` = row.`acronym:string`,
      n.`aliases` = split(row.`aliases:string[]`, '\u001F'),
      n.`label` = row.`label:string`,
      n.`lexicon` = toBoolean(row.`lexicon:boolean`),
      n.`long_form` = row.`long_form:string`,
      n.`name` = row.`name:string`,
      n.`proposed_in` = toInteger(row.`proposed_in:long`),
      n.`support` = toInteger(row.`support:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///nodes_Result.csv' AS row
CALL {
  WITH row
  MERGE (n:Result {id: row.`id:ID(kg)`})
  SET n.`dataset` = row.`dataset:string`,
      n.`end` = toInteger(row.`end:long`),
      n.`label` = row.`label:string`,
      n.`method` = row.`method:string`,
      n.`metric` = row.`metric:string`,
      n.`paper_id` = row.`paper_id:string`,
      n.`relative` = toBoolean(row.`relative:boolean`),
      n.`sentence` = row.`sentence:string`,
      n.`start` = toInteger(row.`start:long`),
      n.`unit` = row.`unit:string`,
      n.`value` = toFloat(row.`value:double`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_proposes.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Method {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:proposes]->(b)
  SET r.`end` = toInteger(row.`end:long`),
      r.`mentions` = toInteger(row.`mentions:long`),
      r.`rule` = row.`rule:string`,
      r.`sentence` = row.`sentence:string`,
      r.`start` = toInteger(row.`start:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_proposes.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Dataset {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:proposes]->(b)
  SET r.`end` = toInteger(row.`end:long`),
      r.`mentions` = toInteger(row.`mentions:long`),
      r.`rule` = row.`rule:string`,
      r.`sentence` = row.`sentence:string`,
      r.`start` = toInteger(row.`start:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_proposes.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Hardware {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:proposes]->(b)
  SET r.`end` = toInteger(row.`end:long`),
      r.`mentions` = toInteger(row.`mentions:long`),
      r.`rule` = row.`rule:string`,
      r.`sentence` = row.`sentence:string`,
      r.`start` = toInteger(row.`start:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_usesMethod.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Method {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:usesMethod]->(b)
  SET r.`end` = toInteger(row.`end:long`),
      r.`mentions` = toInteger(row.`mentions:long`),
      r.`rule` = row.`rule:string`,
      r.`sentence` = row.`sentence:string`,
      r.`start` = toInteger(row.`start:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_evaluatesOn.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Dataset {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:evaluatesOn]->(b)
  SET r.`end` = toInteger(row.`end:long`),
      r.`mentions` = toInteger(row.`mentions:long`),
      r.`rule` = row.`rule:string`,
      r.`sentence` = row.`sentence:string`,
      r.`start` = toInteger(row.`start:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_runsOn.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Hardware {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:runsOn]->(b)
  SET r.`end` = toInteger(row.`end:long`),
      r.`mentions` = toInteger(row.`mentions:long`),
      r.`rule` = row.`rule:string`,
      r.`sentence` = row.`sentence:string`,
      r.`start` = toInteger(row.`start:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_measures.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Metric {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:measures]->(b)
  SET r.`end` = toInteger(row.`end:long`),
      r.`mentions` = toInteger(row.`mentions:long`),
      r.`rule` = row.`rule:string`,
      r.`sentence` = row.`sentence:string`,
      r.`start` = toInteger(row.`start:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_addresses.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Task {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:addresses]->(b)
  SET r.`end` = toInteger(row.`end:long`),
      r.`mentions` = toInteger(row.`mentions:long`),
      r.`rule` = row.`rule:string`,
      r.`sentence` = row.`sentence:string`,
      r.`start` = toInteger(row.`start:long`)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_reportsResult.csv' AS row
CALL {
  WITH row
  MATCH (a:Paper {id: row.`:START_ID(kg)`})
  MATCH (b:Result {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:reportsResult]->(b)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_ofMetric.csv' AS row
CALL {
  WITH row
  MATCH (a:Result {id: row.`:START_ID(kg)`})
  MATCH (b:Metric {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:ofMetric]->(b)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_onDataset.csv' AS row
CALL {
  WITH row
  MATCH (a:Result {id: row.`:START_ID(kg)`})
  MATCH (b:Dataset {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:onDataset]->(b)
} IN TRANSACTIONS OF 1000 ROWS;
LOAD CSV WITH HEADERS FROM 'file:///relationships_forMethod.csv' AS row
CALL {
  WITH row
  MATCH (a:Result {id: row.`:START_ID(kg)`})
  MATCH (b:Method {id: row.`:END_ID(kg)`})
  MERGE (a)-[r:forMethod]->(b)
} IN TRANSACTIONS OF 1000 ROWS;
