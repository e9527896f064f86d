"""Hostile corpora for the robustness tests: Hypothesis strategies and the settings they run under.

Extraction only finds entities where text reads like ML prose, so hostile fragments are mixed
INTO realistic sentences: into a coined method name that opens the title ("Name: ..."),
a proposal ("We propose Foo<script>Net (FN)"), a long form and its acronym, a dataset with
context ("trained on Bar]]>-10"), results ("93.1% accuracy on ImageNet"), and into the id,
url and authors. That way hostile text reaches entity names, aliases, evidence sentences,
results and titles: what every exporter must survive.

Runs are reproducible: every test uses the settings of the ``kg-robustness`` profile
(derandomized, no example database, no deadline) with its own example count.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

PROFILE = "kg-robustness"
settings.register_profile(PROFILE, derandomize=True, database=None, deadline=None, print_blob=True)


@pytest.fixture(scope="module")
def one_extractor() -> Iterator[None]:
    """`kg build` loads its pipeline once per call (1-2 s); a build's extraction depends on
    nothing but its papers and that pipeline, so the examples share one."""
    from kg.extract import Extractor

    extractor = Extractor()
    with mock.patch("kg.extract.Extractor", lambda model=None: extractor):
        yield


def robust(max_examples: int, *, slow_examples: bool = False) -> settings:
    """The profile's settings with `max_examples`. `slow_examples` suppresses the too_slow
    health check, for tests whose every example is a whole `kg build` (a second or so)."""
    return settings(settings.get_profile(PROFILE), max_examples=max_examples,
                    suppress_health_check=[HealthCheck.too_slow] if slow_examples else [])


FRAGMENTS: dict[str, tuple[str, ...]] = {
    "html": ("<script>window.__pwned=1</script>", "</script><script>window.__pwned=2</script>",
             "<img src=x onerror=window.__pwned=3>", "<svg onload=window.__pwned=4>", "<!--", "-->",
             "javascript:window.__pwned=5", "${window.__pwned=6}", "&lt;b&gt;", "&#60;script&#62;",
             "<style>*{display:none}</style>", "\" onmouseover=\"window.__pwned=7"),
    "xml": ("]]>", "<![CDATA[x", "<?xml version='1.0'?>", "&amp;", "&bogus;", "<!DOCTYPE x>"),
    "rdf": ('"""', "'''", '" ; <http://evil.example/> "x" .', "^^xsd:integer", "@prefix x: <y> .",
            "_:b0", "<>", "#", "\\u0022", "@en"),
    "cypher": ("'}) MATCH (n) DETACH DELETE n //", "`", "\\", "\\'", "$param", "/*", "*/", ";\n", "};",
               "'; DROP GRAPH kg; '", "\\u0027"),
    "csv": ('","', '"\n"', "\r\n", "\x1f", "|", "\\|"),
    "iri": ("%41", "%", "%zz", "/", "?q=1#f", " ", "a b", "%2F", "%00"),
    "unicode": ("\u2028", "\u2029", "\x85", "\ufeff", "\ufffe", "\uffff", "\u202e", "\u200b", "\x7f",
                "\U0001f600", "\U0010ffff", "e\u0301", "\u0130", "\ufb01"),
    "surrogates": ("\ud800", "\udfff", "\ud83d", "x\udc00y"),  # lone: JSON Lines escapes only
}
"""Fragments by the format they attack."""

_CONTROL = st.text(st.characters(min_codepoint=0, max_codepoint=0x1F), min_size=1, max_size=4)
_ANY_UNICODE = st.text(st.characters(exclude_categories=()), min_size=1, max_size=8)  # surrogates too
_LONG_TOKEN = st.builds(lambda letter, n: letter * n, st.sampled_from("AZx9"), st.integers(100, 2000))


def hostile_text(kinds: tuple[str, ...] = tuple(FRAGMENTS)) -> st.SearchStrategy[str]:
    """One to three hostile pieces run together: fragments of `kinds`, control characters,
    any Unicode (lone surrogates included when "surrogates" is in `kinds`), a long token."""
    fragments = st.sampled_from([fragment for kind in kinds for fragment in FRAGMENTS[kind]])
    unicode = _ANY_UNICODE if "surrogates" in kinds else st.text(min_size=1, max_size=8)
    piece = st.one_of(fragments, fragments, fragments, _CONTROL, unicode, fragments, _LONG_TOKEN)
    return st.lists(piece, min_size=1, max_size=3).map("".join)


PREFIXES = ("Foo", "Flash", "Mega", "Deep", "Hyper")
SUFFIXES = ("Net", "Former", "GAN", "-2", "NAS")
DATASET_STEMS = ("Bar", "Quux", "Zeta")
TEMPLATES = (
    "We propose {name} ({acronym}), a {hostile} method for image classification.",
    "We propose {long_form} ({acronym}), a new architecture for {hostile} detection.",
    "{name} is trained on {dataset} with {value}% error on {gpus} A100 GPUs.",
    "{acronym} improves the top-1 accuracy by {value}% on ImageNet{hostile} over ResNet-50.",
    "We introduce {dataset}, a benchmark dataset of {hostile} images.",
    "Experiments on CIFAR-10 show that {name} reaches {value} BLEU on WMT14 {hostile}.",
    "{hostile}",
)


@st.composite
def hostile_record(draw: Callable[..., Any], index: int) -> dict[str, Any]:
    """One JSON Lines record: a realistic title and abstract with hostile pieces inside."""
    hostile = hostile_text()
    name = draw(st.sampled_from(PREFIXES)) + draw(hostile) + draw(st.sampled_from(SUFFIXES))
    first, second = draw(st.sampled_from(PREFIXES)), draw(st.sampled_from(("Pooling", "Attention")))
    slots = {
        "name": name,
        "long_form": f"{first}{draw(hostile)} {second} Network",
        "acronym": f"{first[0]}{second[0]}N",
        "dataset": draw(st.sampled_from(DATASET_STEMS)) + draw(hostile) + "-10",
        "value": draw(st.sampled_from(("3.1", "93.1", "0.5", "42"))),
        "gpus": draw(st.integers(1, 64)),
    }
    sentences = draw(st.lists(st.sampled_from(TEMPLATES), max_size=5))
    abstract = " ".join(template.format(hostile=draw(hostile), **slots) for template in sentences)
    record: dict[str, Any] = {
        "id": draw(st.one_of(st.just(f"p{index}"), hostile.map(lambda text: f"{text}-{index}"))),
        "title": f"{draw(st.sampled_from((name, slots['long_form'], draw(hostile))))}: "
                 f"{draw(hostile)} Learning for Image Classification",
        "abstract": abstract,
    }
    if draw(st.booleans()):
        record["url"] = draw(st.sampled_from(("https://arxiv.org/abs/2401.0000", "javascript:", "http://x/")))
        record["url"] += draw(hostile)
    if draw(st.booleans()):
        record["authors"] = draw(st.lists(hostile, max_size=3))
    return record


def hostile_corpus(max_papers: int = 4) -> st.SearchStrategy[list[dict[str, Any]]]:
    """One to `max_papers` records (ids unique by construction unless blank)."""
    return st.integers(1, max_papers).flatmap(
        lambda n: st.tuples(*(hostile_record(index) for index in range(n))).map(list))


def write_corpus(records: list[dict[str, Any]], folder: Path, fmt: str) -> Path:
    """Records as a corpus file of `fmt`, "jsonl" or "csv", in `folder`.

    CSV cannot carry a lone surrogate (UTF-8 has no encoding for one): it is written as
    U+FFFD, which is what the JSON Lines reader makes of one. Authors are joined by "; "."""
    if fmt == "jsonl":
        return write_jsonl(records, folder / "corpus.jsonl")
    path = folder / "corpus.csv"
    columns = ("id", "title", "abstract", "url", "authors")
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(columns)
        for record in records:
            row = [record.get(column) or "" for column in columns]
            row[-1] = "; ".join(row[-1]) if isinstance(row[-1], list) else row[-1]
            writer.writerow([_SURROGATE.sub("\ufffd", cell) for cell in row])
    return path


def write_jsonl(records: list[dict[str, Any]], path: Path) -> Path:
    """Records as JSON Lines: raw UTF-8 where possible, ``\\uXXXX`` escapes for a record with a
    lone surrogate (the only way the format carries one)."""
    lines = []
    for record in records:
        line = json.dumps(record, ensure_ascii=False)
        if _SURROGATE.search(line):
            line = json.dumps(record, ensure_ascii=True)
        lines.append(line + "\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


_SURROGATE = re.compile("[\ud800-\udfff]")


# ------------------------------------------------------------------ pathological abstracts

_REAL_SENTENCES = ("We propose Foo Bar Network (FBN), trained on CIFAR-10 with 3.1% error on 4 A100 GPUs. "
                   "FBN improves top-1 accuracy by 2.5% on ImageNet over ResNet-50. ")
PATHOLOGICAL_UNITS: dict[str, str] = {
    "prose": _REAL_SENTENCES,  # the linear reference: ordinary sentences
    "digits-brackets": "12[3(45)]6{7}8(9[0])",
    "open-brackets": "((([[[{{{1",
    "acronym-definitions": "We train a Foo Bar Network (FBN). ",
    "long-token": "Ab1",
    "hyphen-chain": "A1-",
    "capitalised-run": "Alpha Beta Gamma ",
    "numbers-units": "93.1% 4.2x 3 GPUs 7e-3 ± 0.5 dB ",
    "no-full-stop": "the model of the data with the method ",
    "whitespace": "we propose  \t ",
    "dots": "e.g. i.e. et al. v1.2.3. ",
    "lowercase-sentences": "it works. then ",
}
"""Repeated units of abstracts that stress the extractor's regular expressions and rules."""


def pathological_text(shape: str, chars: int) -> str:
    """About `chars` characters of `shape` (a key of PATHOLOGICAL_UNITS), cut at a unit's end."""
    unit = PATHOLOGICAL_UNITS[shape]
    return unit * max(1, chars // len(unit))
