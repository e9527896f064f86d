"""Corpus readers: every input format becomes the same `Paper`s, with stable ids."""

from __future__ import annotations

import bz2
import csv
import gzip
import json
import lzma
import os
import re
import threading
from importlib.resources import as_file
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.corpus import (
    BUNDLED_LISTING,
    FORMATS,
    MAX_TEXT_CHARS,
    detect_format,
    read_papers,
)
from kg.errors import KgInputError
from kg.model import Paper

DATA = Path(__file__).parent / "data" / "corpus"


def read(*sources: str | Path, fmt: str | None = None, warnings: list[str] | None = None) -> list[Paper]:
    return list(read_papers([Path(s) for s in sources], fmt=fmt,
                            warn=warnings.append if warnings is not None else None))


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def error_of(*sources: Path, fmt: str | None = None) -> str:
    with pytest.raises(KgInputError) as caught:
        read(*sources, fmt=fmt)
    return str(caught.value)


# --- the bundled listing -------------------------------------------------------------

def test_bundled_listing_has_188_papers_without_page_chrome() -> None:
    papers = list(read_papers([]))
    assert len(papers) == 188
    assert papers[0].title.startswith("Point Cloud Network: An Order of Magnitude")
    assert not any("Subscribe" in p.title or "trending papers" in p.title for p in papers)
    assert all(p.title and p.abstract for p in papers)
    assert len({p.id for p in papers}) == 188


def test_bundled_listing_matches_the_reference_jsonl(shared_data: Path) -> None:
    reference = [json.loads(line) for line in (shared_data / "hf_papers_listing.jsonl").open()]
    papers = list(read_papers([]))
    assert [(p.title, p.abstract) for p in papers] == [(r["title"], r["abstract"]) for r in reference]


def test_bundled_listing_is_package_data_readable_as_a_file() -> None:
    with as_file(BUNDLED_LISTING) as path:
        assert [p.id for p in read(path)] == [p.id for p in read_papers([])]


# --- listing --------------------------------------------------------------------------

def test_listing_skips_chrome_strips_glued_subscribe_and_tolerates_blank_lines() -> None:
    papers = read(DATA / "listing.txt")
    assert [p.title for p in papers] == ["LoRA: Low-Rank Adaptation of Large Language Models",
                                         "QLoRA: Efficient Finetuning of Quantized LLMs"]
    assert papers[1].abstract == "We present QLoRA, which finetunes a 65B model on a single 48GB GPU."
    assert (papers[0].url, papers[0].year, papers[0].authors) == (None, None, ())


def test_listing_recognises_other_chrome_wording(tmp_path: Path) -> None:
    listing = write(tmp_path / "l.txt", "Subscribe to the daily newsletter!\nSubscribe\n\n"
                    "SubscribeGraph Attention Networks\nWe present GATs.\n")
    assert [(p.title, p.abstract) for p in read(listing)] == [("Graph Attention Networks", "We present GATs.")]


def test_listing_keeps_subscribe_that_is_part_of_a_title(tmp_path: Path) -> None:
    listing = write(tmp_path / "l.txt", "Subscribers and Spam\nWe study spam.\n"
                    "SubscribeNet: Routing Messages\nWe route messages.\n")
    assert [p.title for p in read(listing)] == ["Subscribers and Spam", "SubscribeNet: Routing Messages"]


def test_listing_title_without_abstract_names_its_line(tmp_path: Path) -> None:
    listing = write(tmp_path / "l.txt", "A Title\nIts abstract.\n\nA Second Title\n")
    assert error_of(listing).startswith(f"{listing}:4: title has no abstract")


def test_listing_missing_abstract_mid_file_is_found_where_it_is(tmp_path: Path) -> None:
    abstract = "We study things at length. " * 20
    listing = write(tmp_path / "l.txt", f"First Title\n{abstract}\nOrphan Title\nThird Title\n{abstract}\n"
                    f"Fourth Title\n{abstract}\n")
    assert error_of(listing).startswith(f"{listing}:3: title has no abstract")


# --- JSON Lines ----------------------------------------------------------------------

def test_jsonl_reads_fields_and_keeps_the_rest_as_metadata() -> None:
    attention, bert, resnet, no_source = read(DATA / "papers.jsonl")
    assert attention == Paper(id="seed-001", title="Attention Is All You Need",
                              abstract="We propose the Transformer, based solely on attention mechanisms.",
                              url="https://arxiv.org/abs/1706.03762", year=2017,
                              authors=("Ashish Vaswani", "Noam Shazeer"))
    assert attention.metadata == {"venue": "NeurIPS"}
    assert bert.title == "BERT: Pre-training of Deep Bidirectional Transformers"
    assert bert.abstract == "We introduce BERT. It obtains new state-of-the-art results on GLUE."  # hard-wrapped
    assert bert.id == "1810.04805"  # no id: the arXiv id of its url, version dropped
    assert (bert.year, bert.authors) == (2018, ("Jacob Devlin", "Ming-Wei Chang", "Kenton Lee"))
    assert resnet.id == "42"
    assert resnet.abstract.startswith("We present a residual learning framework")  # from "summary"
    assert (no_source.abstract, no_source.authors) == ("", ("Jane Roe",))


def test_jsonl_is_streamed_papers_come_before_a_later_bad_line(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.jsonl", '{"title": "T", "abstract": "A"}\n{not json\n')
    papers = read_papers([corpus])
    assert next(papers).title == "T"
    with pytest.raises(KgInputError, match=r"c\.jsonl:2: malformed JSON"):
        next(papers)


def test_jsonl_semicolon_authors_are_last_name_first(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.jsonl", '{"title": "T", "abstract": "A", "authors": "Doe, Jane; Roe, Rick"}\n')
    assert read(corpus)[0].authors == ("Doe, Jane", "Roe, Rick")


@pytest.mark.parametrize("line, message", [
    ('{"title": "T", "abstract": "A", "year": "soon"}', "'year' must be a four-digit year or a date, got 'soon'"),
    ('{"title": "T", "abstract": "A", "authors": 3}', "'authors' must be a list or a string, got a number"),
    ('{"title": "T", "abstract": 7}', "'abstract' must be a string, got a number"),
    ('{"title": "T", "abstract": "A", "id": ["x"]}', "'id' must be a string or an integer, got an array"),
    ('{"title": "T", "abstract": "A", "url": 7}', "'url' must be a string, got a number"),
])
def test_jsonl_badly_typed_fields_name_file_and_line(tmp_path: Path, line: str, message: str) -> None:
    corpus = write(tmp_path / "c.jsonl", '{"title": "Fine", "abstract": "Fine."}\n' + line + "\n")
    assert error_of(corpus) == f"{corpus}:2: {message}"


def title_abstract_pairs(excluded: str = "") -> st.SearchStrategy[list[tuple[str, str]]]:
    """Up to five (title, abstract) pairs of any encodable text."""
    text = st.characters(blacklist_categories=("Cs",), blacklist_characters=excluded)
    return st.lists(st.tuples(st.text(alphabet=text, min_size=1), st.text(alphabet=text)), min_size=1, max_size=5)


@settings(max_examples=60, deadline=None)
@given(title_abstract_pairs())
def test_jsonl_round_trips_any_text(tmp_path_factory: pytest.TempPathFactory,
                                    rows: list[tuple[str, str]]) -> None:
    corpus = tmp_path_factory.mktemp("rt") / "c.jsonl"
    rows = [(title, abstract) for title, abstract in rows if title.strip()]
    corpus.write_text("".join(json.dumps({"id": f"p{i}", "title": t, "abstract": a}, ensure_ascii=False) + "\n"
                              for i, (t, a) in enumerate(rows)), encoding="utf-8")
    if not rows:
        return
    assert [(p.title, p.abstract) for p in read(corpus)] == [(_clean(t), _clean(a)) for t, a in rows]


def _clean(text: str) -> str:
    """What readers promise to do to text: strip it, and make each line break, with the white
    space around it, one space; nothing else."""
    return re.sub(r"[ \t]*(?:\r\n?|\n)\s*", " ", text.strip())


# --- CSV / TSV -----------------------------------------------------------------------

def test_csv_matches_header_loosely_and_reads_multiline_quoted_abstracts() -> None:
    adam, dropout = read(DATA / "papers.csv")
    assert adam == Paper(id="c-1", title="Adam: A Method for Stochastic Optimization",
                         abstract="We introduce Adam, an algorithm for first-order optimization. "
                                  "It is straightforward to implement.",
                         year=2014, authors=("Diederik P. Kingma", "Jimmy Ba"))
    assert adam.metadata == {"venue": "ICLR"}
    assert dropout.title.startswith("Dropout") and dropout.id.startswith("dropout-a-simple-way-to-")
    assert dropout.metadata == {}


def test_tsv_reads_tab_separated_rows_and_arxiv_urls_give_ids() -> None:
    layer_norm, group_norm = read(DATA / "papers.tsv")
    assert (layer_norm.id, layer_norm.url) == ("1607.06450", "https://arxiv.org/abs/1607.06450")
    assert group_norm.abstract == "GN divides channels into groups, 10.6% lower error than BN on ResNet-50."
    assert group_norm.url is None


def test_csv_delimiter_comes_from_the_header(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.csv", "title;abstract\nSemi, Colon;Semicolons delimit, commas do not.\n")
    assert [(p.title, p.abstract) for p in read(corpus)] == [("Semi, Colon", "Semicolons delimit, commas do not.")]


def test_csv_line_numbers_count_physical_lines(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.csv", 'title,abstract\nA,"two\nlines"\n\nB,"x",extra\n')
    assert error_of(corpus) == f"{corpus}:5: row has 3 fields, the header has 2"


def test_csv_unclosed_quote_is_an_error_not_a_swallowed_file(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.csv", 'title,abstract\nA,"never closed\nB,b\nC,c\n')
    assert error_of(corpus) == f"{corpus}:2: malformed CSV (a quoted field opened in this row is never closed)"


def test_tsv_reads_quoted_fields_and_fields_that_only_start_with_a_quote(tmp_path: Path) -> None:
    """Tab-separated files come with CSV's quoting (pandas, spreadsheets) and without (psql,
    scripts): a title that starts with a quoted word is the title as written, not an error."""
    corpus = write(tmp_path / "c.tsv", 'title\tabstract\n'
                   '"Attention" is all you need\tWe propose the "Transformer".\n'
                   '"""Pandas"" quoted"\t"two\nlines"\n'
                   'C\tc\n')
    assert [(p.title, p.abstract) for p in read(corpus)] == [
        ('"Attention" is all you need', 'We propose the "Transformer".'),
        ('"Pandas" quoted', "two lines"),
        ("C", "c"),
    ]


def test_tsv_quote_that_opens_a_field_over_several_lines_is_an_error(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.tsv", 'title\tabstract\nA\t"never closed\nB\tb\n')
    assert error_of(corpus) == f"{corpus}:2: malformed TSV (a quoted field opened in this row is never closed)"


def test_csv_field_that_only_starts_with_a_quote_is_still_an_error(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.csv", 'title,abstract\n"Attention" is all you need,We propose it.\n')
    assert error_of(corpus).startswith(f"{corpus}:2: malformed CSV (")


def test_csv_years_as_pandas_writes_them(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.csv", "title,abstract,year\nA,a,2014.0\nB,b,\n")
    assert [p.year for p in read(corpus)] == [2014, None]


def test_csv_fields_longer_than_csv_default_limit_are_read(tmp_path: Path) -> None:
    abstract = "word " * 60_000  # 300,000 characters: over csv's 131,072 default, under ours
    corpus = write(tmp_path / "c.csv", f'title,abstract\nLong,"{abstract}"\n')
    assert len(read(corpus)[0].abstract) == len(abstract.strip())


@settings(max_examples=60, deadline=None)
@given(title_abstract_pairs(excluded="\x00"))
def test_csv_round_trips_any_text(tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str]]) -> None:
    rows = [(title, abstract) for title, abstract in rows if title.strip()]
    if not rows:
        return
    corpus = tmp_path_factory.mktemp("rt") / "c.csv"
    with corpus.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["id", "title", "abstract"])
        writer.writerows([f"p{i}", t, a] for i, (t, a) in enumerate(rows))
    assert [(p.title, p.abstract) for p in read(corpus)] == [(_clean(t), _clean(a)) for t, a in rows]


# --- arXiv Atom ----------------------------------------------------------------------

def test_arxiv_feed_gives_ids_without_version_collapsed_text_year_authors_url() -> None:
    moe, strings, registers = read(DATA / "arxiv_query.xml")
    assert moe == Paper(id="2101.00001", title="Sparse Mixture of Experts for Efficient Language Modeling",
                        abstract="We train a sparse mixture-of-experts Transformer on C4 and reach a perplexity "
                                 "of 12.3 on WikiText-103 using 64 TPU v3 cores. Our model outperforms GPT-2 "
                                 "by 2.1 points.",
                        url="http://arxiv.org/abs/2101.00001v2", year=2021,
                        authors=("Ada Lovelace", "Alan Turing"))
    assert moe.metadata["categories"] == ["cs.CL", "cs.LG"]
    assert moe.metadata["primary_category"] == "cs.CL"
    assert (moe.metadata["doi"], moe.metadata["version"]) == ("10.1000/xyz123", 2)
    assert (strings.id, strings.year, strings.abstract) == (
        "hep-th/9901001", 1999, "We put strings on a lattice & measure their tension.")
    assert registers.id == "2312.12345"


def test_arxiv_api_error_feed_is_reported(tmp_path: Path) -> None:
    feed = write(tmp_path / "f.xml", '<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n'
                 "<id>http://arxiv.org/api/errors#incorrect_id_format_for_1234</id>\n<title>Error</title>\n"
                 "<summary>incorrect id format for 1234</summary>\n</entry>\n</feed>\n")
    assert error_of(feed) == f"{feed}:2: the arXiv API returned an error: incorrect id format for 1234"


@pytest.mark.parametrize("xml, message", [
    ('<rss version="2.0"><channel/></rss>', "1: not an Atom feed (the root element is <rss>)"),
    ('<feed xmlns="http://www.w3.org/2005/Atom">\n<entry><id>x</id><title>T</title></entry></feed>',
     "2: entry has no <summary>"),
    ('<?xml version="1.0"?>\n<!DOCTYPE feed [<!ENTITY lol "lol">]>\n<feed xmlns="http://www.w3.org/2005/Atom"/>',
     "2: declares the XML entity 'lol'; an arXiv feed has no entities"),
    ('<feed xmlns="http://www.w3.org/2005/Atom">\n<entry>\n</feed>',
     "3: malformed XML (mismatched tag at column 3)"),
])
def test_arxiv_bad_feeds_name_file_and_line(tmp_path: Path, xml: str, message: str) -> None:
    feed = write(tmp_path / "f.xml", xml)
    assert error_of(feed) == f"{feed}:{message}"


# --- format detection ----------------------------------------------------------------

@pytest.mark.parametrize("name, fmt", [
    ("a.txt", "listing"), ("a.jsonl", "jsonl"), ("a.ndjson", "jsonl"), ("a.json-lines", "jsonl"),
    ("a.CSV", "csv"), ("a.tsv", "tsv"), ("a.xml", "arxiv"), ("a.atom", "arxiv"),
])
def test_format_from_extension(tmp_path: Path, name: str, fmt: str) -> None:
    assert detect_format(write(tmp_path / name, "A title\nIts abstract.\n")) == fmt


@pytest.mark.parametrize("fixture, fmt, prefix", [
    ("listing.txt", "listing", b"\xef\xbb\xbf\n"), ("papers.jsonl", "jsonl", b"\xef\xbb\xbf\n"),
    ("papers.csv", "csv", b"\xef\xbb\xbf\n"), ("papers.tsv", "tsv", b"\xef\xbb\xbf\n"),
    ("arxiv_query.xml", "arxiv", b"\xef\xbb\xbf"),  # XML allows no blank line before its declaration
])
def test_format_from_content_when_extension_says_nothing(tmp_path: Path, fixture: str, fmt: str,
                                                         prefix: bytes) -> None:
    anonymous = tmp_path / "download"
    anonymous.write_bytes(prefix + (DATA / fixture).read_bytes())
    assert detect_format(anonymous) == fmt
    assert read(anonymous) == read(DATA / fixture)


def test_format_argument_overrides_extension(tmp_path: Path) -> None:
    corpus = write(tmp_path / "papers.jsonl", "A title\nIts abstract.\n")
    assert [(p.title, p.abstract) for p in read(corpus, fmt="listing")] == [("A title", "Its abstract.")]
    with pytest.raises(KgInputError, match="malformed JSON"):
        read(corpus)


def test_a_bare_path_is_one_source_not_a_sequence_of_characters() -> None:
    assert list(read_papers(str(DATA / "papers.tsv"))) == read(DATA / "papers.tsv")


def test_unknown_format_is_an_input_error() -> None:
    assert FORMATS == ("listing", "jsonl", "csv", "tsv", "arxiv")
    with pytest.raises(KgInputError, match="unknown format 'pdf'"):
        read(DATA / "listing.txt", fmt="pdf")


# --- text handling -------------------------------------------------------------------

def test_directory_is_an_input_error(tmp_path: Path) -> None:
    assert error_of(tmp_path) == f"{tmp_path}: is a directory, not a file"


def test_bom_and_crlf_are_normalised(tmp_path: Path) -> None:
    listing = tmp_path / "l.txt"
    listing.write_bytes(b"\xef\xbb\xbfFirst Title\r\nFirst abstract.\r\rSecond Title\rSecond abstract.")
    assert [(p.title, p.abstract) for p in read(listing)] == [
        ("First Title", "First abstract."), ("Second Title", "Second abstract.")]


def test_not_utf8_names_line_and_byte(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes(b'{"title": "T", "abstract": "A"}\n\n{"title": "caf\xe9"}\n')
    assert error_of(corpus) == (f"{corpus}:3: not UTF-8 at byte 15 of the line "
                                f"(0xe9; byte 48 of the file)")


def test_utf16_file_is_named_as_such(tmp_path: Path) -> None:
    corpus = tmp_path / "c.jsonl"
    corpus.write_bytes('{"title": "T", "abstract": "A"}\n'.encode("utf-16"))
    assert error_of(corpus) == f"{corpus}:1: not UTF-8 (the file is UTF-16; save it as UTF-8)"


def test_abstract_limit_is_in_characters(tmp_path: Path) -> None:
    at_limit = write(tmp_path / "ok.jsonl", json.dumps({"title": "T", "abstract": "é" * MAX_TEXT_CHARS}) + "\n")
    assert len(read(at_limit)[0].abstract) == MAX_TEXT_CHARS  # 2,000,000 bytes of UTF-8 is fine
    over = write(tmp_path / "over.jsonl",
                 json.dumps({"title": "T", "abstract": "a" * (MAX_TEXT_CHARS + 1)}) + "\n")
    assert error_of(over) == f"{over}:1: abstract too long: 1,000,001 characters (limit 1,000,000)"


# --- ids, duplicates, empty records --------------------------------------------------

def test_derived_ids_are_pinned_slug_plus_title_hash() -> None:
    first = next(iter(read_papers([])))
    assert first.id == "point-cloud-network-an-order-e2c5a768"  # same on every machine and run


def test_ids_are_stable_across_runs_and_file_order(tmp_path: Path) -> None:
    jsonl = write(tmp_path / "a.jsonl", '{"title": "Only Title", "abstract": "Abstract one."}\n')
    ids = {p.title: p.id for p in read(DATA / "listing.txt", jsonl, DATA / "papers.csv")}
    again = {p.title: p.id for p in read(DATA / "papers.csv", jsonl, DATA / "listing.txt")}
    assert ids == again


def test_derived_id_follows_the_title_not_the_abstract_or_its_spacing(tmp_path: Path) -> None:
    one = write(tmp_path / "one.jsonl", '{"title": "Deep  Nets", "abstract": "First version."}\n')
    two = write(tmp_path / "two.jsonl", '{"title": "deep nets", "abstract": "Typo fixed."}\n'
                                        '{"title": "Deeper Nets", "abstract": "First version."}\n')
    (a,), (b, c) = read(one), read(two)
    assert a.id == b.id != c.id
    assert a.id.startswith("deep-nets-")


def test_untitled_paper_is_named_by_its_abstract(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.jsonl", '{"title": "", "abstract": "Only an abstract here."}\n')
    assert read(corpus)[0].id.startswith("only-an-abstract-here-")


def test_duplicate_ids_keep_the_first_and_warn_once_at_the_end(tmp_path: Path) -> None:
    first = write(tmp_path / "a.jsonl", '{"id": "p1", "title": "First", "abstract": "A"}\n'
                                        '{"id": "p2", "title": "Second", "abstract": "B"}\n')
    second = write(tmp_path / "b.jsonl", '{"id": "p1", "title": "Again", "abstract": "C"}\n'
                                         '{"id": " p2 ", "title": "Again", "abstract": "D"}\n'
                                         '{"id": "p3", "title": "Third", "abstract": "E"}\n')
    warnings: list[str] = []
    papers = read_papers([first, second], warn=warnings.append)
    assert [p.title for p in papers] == ["First", "Second", "Third"]
    assert warnings == ["2 duplicate ids skipped (first kept): p1, p2"]


def test_records_with_neither_title_nor_abstract_are_skipped_with_one_warning(tmp_path: Path) -> None:
    corpus = write(tmp_path / "c.jsonl", '{"title": " ", "abstract": ""}\n{"title": "Kept", "abstract": ""}\n'
                                         '{"title": "", "abstract": "\\n"}\n')
    warnings: list[str] = []
    assert [p.title for p in read(corpus, warnings=warnings)] == ["Kept"]
    assert warnings == [f"2 records with neither title nor abstract skipped: {corpus}:1, {corpus}:3"]


def test_empty_corpus_is_an_error_after_every_input_is_read(tmp_path: Path) -> None:
    empty = write(tmp_path / "empty.jsonl", "\n\n")
    header_only = write(tmp_path / "h.csv", "title,abstract\n")
    assert error_of(empty, header_only) == f"no papers found in {empty}, {header_only}"


# --- compressed files ---------------------------------------------------------------------


@pytest.mark.parametrize(("suffix", "compress"), [
    (".gz", gzip.compress), (".bz2", bz2.compress), (".xz", lzma.compress)])
@pytest.mark.parametrize("name", ["papers.jsonl", "papers.tsv", "arxiv_query.xml", "listing.txt"])
def test_a_compressed_file_reads_as_what_it_holds(tmp_path: Path, name: str, suffix: str, compress) -> None:
    """By the suffix before the compression's (papers.jsonl.gz is JSON Lines), and without any
    suffix by its content, decompressed."""
    compressed = tmp_path / (name + suffix)
    compressed.write_bytes(compress((DATA / name).read_bytes()))
    unnamed = tmp_path / "download"
    unnamed.write_bytes(compressed.read_bytes())
    assert read(compressed) == read(unnamed) == read(DATA / name) != []


def test_damaged_compressed_data_is_one_line_naming_the_file(tmp_path: Path) -> None:
    corpus = tmp_path / "papers.jsonl.gz"
    corpus.write_bytes(gzip.compress((DATA / "papers.jsonl").read_bytes())[:60])
    assert error_of(corpus).startswith(f"{corpus}: damaged gzip data (")


def test_errors_in_a_compressed_file_name_the_line_of_its_text(tmp_path: Path) -> None:
    corpus = tmp_path / "papers.jsonl.gz"
    corpus.write_bytes(gzip.compress(b'{"title": "A", "abstract": "a"}\n{"title": \n'))
    assert error_of(corpus).startswith(f"{corpus}:2: malformed JSON")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
@pytest.mark.parametrize("compress", [gzip.compress, lambda data: data], ids=["gzip", "plain"])
def test_a_named_pipe_is_read_once(tmp_path: Path, compress) -> None:
    """`kg build --format jsonl <(zcat ...)`: a pipe's first bytes are looked at, not consumed."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    data = compress((DATA / "papers.jsonl").read_bytes())
    writer = threading.Thread(target=fifo.write_bytes, args=(data,))
    writer.start()
    try:
        papers = read(fifo, fmt="jsonl")
    finally:
        writer.join(timeout=10)
    assert [p.title for p in papers] == [p.title for p in read(DATA / "papers.jsonl")]


def test_hard_wrapped_text_reads_as_one_line_and_null_is_empty(tmp_path: Path) -> None:
    """As the arXiv metadata dump writes abstracts; the title's own line break would otherwise
    move where `Paper.text` says the abstract starts."""
    corpus = write(tmp_path / "c.jsonl", json.dumps({
        "id": "w", "title": "EfficientNet: Rethinking Model Scaling for Convolutional\n  Neural Networks",
        "abstract": "We train a convolutional\r\nneural network on ImageNet \n\n and reach 84.3% top-1\naccuracy."})
        + "\n" + json.dumps({"id": "n", "title": "Title only", "abstract": None}) + "\n")
    wrapped, title_only = read(corpus)
    assert wrapped.title == "EfficientNet: Rethinking Model Scaling for Convolutional Neural Networks"
    assert wrapped.abstract == "We train a convolutional neural network on ImageNet and reach 84.3% top-1 accuracy."
    assert wrapped.text.count("\n") == 1
    assert (title_only.title, title_only.abstract) == ("Title only", "")


def test_a_txt_file_holding_a_table_or_json_lines_is_read_as_such(tmp_path: Path) -> None:
    """Spreadsheets save "Text (Tab delimited)" as .txt; a listing stays a listing."""
    table = write(tmp_path / "export.txt", "Title\tAbstract\nResNet Paper\tWe train ResNet-50.\n")
    lines = write(tmp_path / "lines.txt", '{"title": "T", "abstract": "A"}\n')
    listing = write(tmp_path / "listing.txt", "[Submitted today] Title\nAbstract of it.\n")
    assert [(p.title, p.abstract) for p in read(table)] == [("ResNet Paper", "We train ResNet-50.")]
    assert [(p.title, p.abstract) for p in read(lines)] == [("T", "A")]
    assert [(p.title, p.abstract) for p in read(listing)] == [("[Submitted today] Title", "Abstract of it.")]


def test_a_format_without_input_files_is_refused() -> None:
    assert read(fmt="listing")  # the bundled listing is one
    with pytest.raises(KgInputError, match="format 'csv' given, but no input file"):
        read(fmt="csv")
