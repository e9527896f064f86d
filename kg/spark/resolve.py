"""Entity resolution as Spark aggregations: the rules of kg.graph.resolve, corpus-wide.

kg.graph.resolve groups records with a union-find in memory; here every step is a join or
a group-by over DataFrames, and the functions on names are kg.graph.resolve's own:

1. *Known names*: the distinct (type, normal form) of every name of every record.
2. *Name keys*: a name's key is the first of its `key_candidates` (plural stems, then the
   normal form) that is a known name of its type, else its normal form: the candidates are
   exploded, joined with the known names and the first match kept (`keyed`).
3. *Groups of shared keys*: records sharing a name key are one group, transitively. Each
   record links its keys to its smallest key; the groups are the connected components of
   these links (`components`: smallest-label propagation with pointer jumping, a few
   rounds of joins until no label changes).
4. *Bare acronyms*: a group with no long form joins the one group with a long form whose
   acronym key is one of its keys, when exactly one such group exists (a join and a
   count of distinct targets).
5. *Nodes*: per final group, the most common lexicon name, long form, name, Wikidata id and
   acronym (count per value, the highest count and then the smallest value kept), the
   distinct papers that mention and that propose it, every name, the distinct (lexicon name,
   direction) pairs of its records; the node's name, key and direction follow as in
   kg.graph.resolve, and its attributes are kg.graph.build.entity_attrs.

Nothing is collected to the driver but the number of labels changed in each round.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kg.graph.build import entity_attrs
from kg.graph.direction import node_lower_is_better
from kg.graph.ids import entity_node_id
from kg.graph.resolve import ResolvedEntity, key_candidates
from kg.spark.io import dumps

if TYPE_CHECKING:
    from pyspark.sql import Column, DataFrame

_SEP = "\x1f"
"""Between a type and a key in a component node; keys are normal forms, which may contain
any character, but the type comes first and ends at the first separator."""


def resolve(records: DataFrame) -> tuple[DataFrame, DataFrame]:
    """``(assignments, nodes)``: for each record (paper_id, idx) its node's id and name, and
    each entity node as ``node_id, kind, attrs`` (pickled attribute dict)."""
    from pyspark.sql import functions as F

    records = records.persist()
    known = (records.select("type", F.explode("normals").alias("normal")).distinct().persist())
    record_keys = _record_keys(records, known).persist()
    roots = record_keys.groupBy("paper_id", "idx").agg(F.min("vertex").alias("root"))
    links = record_keys.join(roots, ["paper_id", "idx"]).select(F.col("root").alias("a"), F.col("vertex").alias("b"))
    component = components(links)
    grouped = (records.join(roots, ["paper_id", "idx"])
               .join(component.withColumnRenamed("node", "root"), "root")
               .withColumnRenamed("label", "component"))
    grouped = _join_bare_acronyms(grouped, record_keys, known).persist()
    nodes = _nodes(grouped, known).persist()
    assignments = grouped.join(nodes.select("group", "node_id", F.col("name").alias("node_name")), "group") \
        .select("paper_id", "idx", "node_id", "node_name")
    return assignments, nodes.select("node_id", "kind", "attrs")


def keyed(names: DataFrame, candidates: str, known: DataFrame) -> DataFrame:
    """`names` with a ``key`` column: the first of the `candidates` array (kg.graph.resolve
    key_candidates) that is a known name of the row's type, else the last (the normal form)."""
    from pyspark.sql import functions as F

    distinct = names.select("type", candidates).distinct()
    exploded = distinct.select("type", candidates, F.posexplode(candidates).alias("pos", "candidate"))
    matched = exploded.join(known.withColumnRenamed("normal", "candidate").withColumn("known", F.lit(True)),
                            ["type", "candidate"], "left")
    usable = matched.where(F.col("known") | (F.col("pos") == F.size(candidates) - 1))
    keys = usable.groupBy("type", candidates).agg(F.min(F.struct("pos", "candidate")).alias("first")) \
        .select("type", candidates, F.col("first.candidate").alias("key"))
    return names.join(keys, ["type", candidates])


def _record_keys(records: DataFrame, known: DataFrame) -> DataFrame:
    """``paper_id, idx, type, key, vertex``: each record's name keys (kg.graph.resolve key_names),
    without the keys that records of two lexicon entries share, on those records, except
    each one's own lexicon name's key (kg.graph.resolve._unambiguous)."""
    from pyspark.sql import functions as F

    record = ["paper_id", "idx", "type"]
    names = records.select(*record, F.explode("key_candidates").alias("candidates"))
    keys = keyed(names, "candidates", known).select(*record, "key").distinct()
    lexicons = keyed(records.where(F.col("lexicon").isNotNull())
                     .select(*record, "lexicon", F.col("lexicon_candidates").alias("candidates")),
                     "candidates", known).select(*record, "lexicon", F.col("key").alias("own"))
    tagged = keys.join(lexicons, record, "left")
    shared = tagged.where(F.col("lexicon").isNotNull()).groupBy("type", "key") \
        .agg(F.countDistinct("lexicon").alias("entries")).where(F.col("entries") > 1) \
        .select("type", "key", F.lit(True).alias("shared"))
    kept = tagged.join(shared, ["type", "key"], "left") \
        .where(F.col("shared").isNull() | F.col("lexicon").isNull() | (F.col("key") == F.col("own")))
    return kept.select(*record, "key").withColumn("vertex", _vertex(F.col("type"), F.col("key")))


def _vertex(type_: Column, key: Column) -> Column:
    from pyspark.sql import functions as F

    return F.concat(type_, F.lit(_SEP), key)


def components(links: DataFrame) -> DataFrame:
    """``node, label``: the connected components of the undirected `links` (a, b), each
    labelled by its smallest node.

    Each round a node takes the smallest label among itself and its neighbours, then the
    label of its label (pointer jumping, which halves long chains); labels only decrease
    and stay within the component, so when a round changes none, each component's nodes
    all hold its smallest node.
    """
    from pyspark.sql import functions as F

    edges = links.union(links.select(F.col("b").alias("a"), F.col("a").alias("b"))).distinct().persist()
    labels = _cut(edges.groupBy("a").agg(F.min("b").alias("m"))
                  .select(F.col("a").alias("node"), F.least("a", "m").alias("label")))
    while True:
        smallest = edges.join(labels.select(F.col("node").alias("b"), F.col("label").alias("seen")), "b") \
            .groupBy("a").agg(F.min("seen").alias("seen"))
        step = labels.join(smallest.withColumnRenamed("a", "node"), "node") \
            .select("node", F.least("label", "seen").alias("label"))
        their = step.select(F.col("node").alias("label"), F.col("label").alias("jump"))
        jumped = _cut(step.join(their, "label", "left")
                      .select("node", F.least("label", F.coalesce("jump", "label")).alias("label")))
        changed = jumped.join(labels.withColumnRenamed("label", "before"), "node") \
            .where(F.col("label") != F.col("before")).count()
        labels = jumped
        if not changed:
            edges.unpersist()
            return labels


def _cut(frame: DataFrame) -> DataFrame:
    """`frame` computed and its lineage cut, so each round's plan stays small: a reliable
    checkpoint when the context has a checkpoint directory (set one on clusters that may
    lose executors), else a local one (executor storage)."""
    if frame.sparkSession.sparkContext.getCheckpointDir():
        return frame.checkpoint()
    return frame.localCheckpoint()


def _truthy(column: str) -> Column:
    from pyspark.sql import functions as F

    return F.coalesce(F.length(column) > 0, F.lit(False))


def _join_bare_acronyms(grouped: DataFrame, record_keys: DataFrame, known: DataFrame) -> DataFrame:
    """`grouped` with a ``group`` column: a component without a long form whose keys meet
    the acronym key of exactly one component with a long form becomes part of that one."""
    from pyspark.sql import functions as F

    with_long_form = grouped.where(_truthy("long_form")).select("component").distinct()
    paired = grouped.where(_truthy("long_form") & _truthy("acronym") & F.col("acronym_candidates").isNotNull())
    expansions = keyed(paired.select("type", "acronym_candidates", F.col("component").alias("target")),
                       "acronym_candidates", known).select("type", "key", "target").distinct()
    bare = grouped.join(with_long_form, "component", "left_anti").select("paper_id", "idx", "component")
    bare_keys = bare.join(record_keys, ["paper_id", "idx"]).select("component", "type", "key").distinct()
    joins = bare_keys.join(expansions, ["type", "key"]).select("component", "target").distinct() \
        .groupBy("component").agg(F.count("target").alias("targets"), F.min("target").alias("target")) \
        .where(F.col("targets") == 1).select("component", "target")
    return grouped.join(joins, "component", "left") \
        .withColumn("group", F.coalesce("target", "component")).drop("target")


MOST_COMMON = ("lexicon", "long_form", "name", "wikidata", "acronym")


def _most_common(grouped: DataFrame) -> DataFrame:
    """``group`` and a column per MOST_COMMON field: kg.graph.resolve.most_common of the
    field's values in the group (the acronym's only where the record has a long form), in
    one aggregation: count per (group, field, value), keep the highest count, then the
    smallest value."""
    from pyspark.sql import functions as F

    value = {field: F.col(field) for field in MOST_COMMON}
    value["acronym"] = F.when(_truthy("long_form"), F.col("acronym"))
    pairs = grouped.select("group", F.explode(F.array(*(
        F.struct(F.lit(field).alias("field"), value[field].alias("value")) for field in MOST_COMMON))).alias("p"))
    counted = pairs.select("group", "p.field", "p.value").where(_truthy("value")) \
        .groupBy("group", "field", "value").count()
    best = counted.groupBy("group", "field").agg(
        F.min(F.struct((-F.col("count")).alias("n"), F.col("value").alias("v"))).alias("m"))
    return best.groupBy("group").pivot("field", list(MOST_COMMON)).agg(F.first("m.v"))


def _nodes(grouped: DataFrame, known: DataFrame) -> DataFrame:
    from pyspark.sql import functions as F
    from pyspark.sql.types import ArrayType, StringType

    totals = grouped.groupBy("group").agg(
        F.first("type").alias("type"),
        F.countDistinct("paper_id").alias("support"),
        F.countDistinct(F.when(F.col("proposed"), F.col("paper_id"))).alias("proposed_in"),
        F.array_distinct(F.flatten(F.collect_list("all_names"))).alias("names"),
        F.collect_set(F.when(F.col("lower_is_better").isNotNull(),
                             F.struct("lexicon", "lower_is_better"))).alias("directions"))
    totals = totals.join(_most_common(grouped), "group", "left")
    candidates = F.udf(lambda name: list(key_candidates(name)), ArrayType(StringType()), useArrow=False)
    named = totals.withColumn("name", F.coalesce(F.col("lexicon"), F.col("long_form"), F.col("name"), F.lit(""))) \
        .withColumn("name_candidates", candidates("name"))
    rows = keyed(named, "name_candidates", known)
    return rows.rdd.map(_node_row).toDF("group string, node_id string, kind string, name string, attrs binary")


def _node_row(row) -> tuple[str, str, str, str, bytes]:
    node = ResolvedEntity(type=row.type, key=row.key, name=row.name,
                          aliases=tuple(sorted(set(row.names) - {row.name})),
                          support=row.support, proposed_in=row.proposed_in,
                          lexicon=row.lexicon is not None, wikidata=row.wikidata,
                          acronym=row.acronym, long_form=row.long_form,
                          lower_is_better=node_lower_is_better(row.type, row.name, row.lexicon, row.directions))
    return row.group, entity_node_id(node.type, node.key), node.type, node.name, dumps(entity_attrs(node))
