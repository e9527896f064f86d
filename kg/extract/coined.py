"""Names the lexicon cannot know: coined shapes, title prefixes and names after proposal cues.

Sources, all untyped here unless the shape of the sentence gives the type; the entity
component types them from context later (`kg.extract.context`):
- shape: a word (or hyphenated word) with an internal capital ("ProxylessNAS", "LLaVA"),
  a letter-digit mix ("M3DeTR", "YOLOv3", "SN40L"), a hyphen part in capitals or with a digit
  ("MIA-DPO", "Mamba-2"), a size code after capitalised words ("Whisper-Lite-S"), the name
  before "-style" / "-like" ("ViTDet-style") -- rule ``coined:shape`` -- or an all-capital word
  of three or more letters ("SMASH") or capitals inside a lower-case word of the abstract
  ("pixelSplat"; "layOuts" in a title or long form spells an acronym) -- rule ``coined:caps``,
  which needs context to be kept; not units ("kHz", "dB") or percentiles ("P99");
- capitalised words joined by hyphens inside an abstract sentence ("Math-Shepherd"; not a
  language pair, "Spanish-English") -- rule ``coined:hyphen`` -- and plain capitalised words
  after a comparison ("than Exphormer.") or inside a list ("ETTh1, Weather, Electricity and
  Traffic") -- rule ``coined:plain``; both need context or a typed neighbour to be kept;
- the title prefix: a name that opens the title before ":" or a dash ("ProxylessNAS: Direct
  ...", "Ada-QPacknet -- adaptive ...", "Urban Architect: ..."; a plain phrase of three or
  four words must recur in the abstract: "Power Hungry Processing: ..." is a slogan) --
  rule ``title-prefix``, typed from the rest of the title ("X: A Benchmark for ...") or
  Method, and proposed (ANNOTATION.md);
- after a proposal cue: the capitalised words right after "we propose / introduce / present",
  "called / named / dubbed / termed" ("we introduce Habitat 2.0 (H2.0)"), or a quoted name
  of one to four words after a naming verb ('we call this network a "rail-only" connection')
  -- rule ``coined:cue``;
- hardware names that context vouches for: GPU architectures ("Hopper", "Ada") in a sentence
  that speaks of GPUs, a name before "supercomputer" ("the Theta supercomputer") -- rules
  ``gpu-architecture``, ``supercomputer``;
- a run of two to five capitalised words inside an abstract sentence (not at its start;
  "of" / "for" may join them): "... with Cosine Power Annealing" -- rule
  ``coined:title-case``, typed by its head noun ("Annealing" -> Method) or context.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.heads import (
    NAMING_VERB,
    PROPOSAL_SUBJECT,
    SIZE_CODES,
    SUBJECT_OPENERS,
    type_from_head,
    type_of_description,
)
from kg.extract.state import BLOCK, NAMES_CACHED, Candidate, DocState, fold, state
from kg.extract.words import WordPattern
from kg.model import EntityType

_PART = r"[A-Za-z0-9\u0391-\u03c9]+(?:\.[0-9]+[A-Za-z]*)?\+?"  # Greek letters name too: "Δ-DiT", "PixArt-α"
NAME = re.compile(rf"(?<![\w.-])(?=[\w.+-]*[A-Z]){_PART}(?:-{_PART})*(?![\w-])")  # has a capital
CAPITAL_RUN = re.compile(r"[A-Z][\w.+-]*")  # a capital and the rest of its run of [\w.+-]
NUMBER_WITH_UNIT = re.compile(r"\d+(?:\.\d+)?(?:[KMBTGDkxX]|st|nd|rd|th|ms|px|fps|GB|MB|TB|dB|bit)?\+?")
VERSION = re.compile(r"[Vv]\d+(?:\.\d+)*")  # "V2.1": a version of something named elsewhere
# Hyphen parts that join setup descriptors ("2D-to-3D", "4-bit-per-weight") rather than name anything.
JOINERS = frozenset({"to", "of", "by", "per", "and", "or", "vs"})
# "layOuts", "semaNTics": capitals inside an ordinary word spell an acronym defined nearby;
# a coined name puts its capitals at the end ("sharpDARTS") or after a short prefix ("mmMamba").
SPELLING_CAPITALS = re.compile(r"[a-z]{3,}[A-Z]+[a-z]{2,}")
# Capitalised adjective tails: "AI-Powered", "LLM-Native", "GPU-Aware" describe, they do not name.
ADJECTIVE_WORDS = frozenset("based powered native driven aware free specific friendly enabled guided "
                            "efficient centric oriented assisted augmented agnostic level scale like wise only "
                            "shaped ready first intensive bound heavy".split())
UPPER = re.compile(r"[A-Z]")
CAMEL = re.compile(r"[a-z][A-Z]|[A-Z]{2,}[a-z]{2,}")
PLURAL_ACRONYM = re.compile(r"[A-Z]{2,}s")
LETTER_DIGIT = re.compile(r"[A-Za-z]\d|\d[A-Za-z]")
ADJECTIVE_TAIL = re.compile(r"-[a-z]{3,}$")
# Units and percentiles look like coined names ("44.1 kHz", "1.4 dB", "P99 latency") but name nothing.
UNIT_NAMES = re.compile(r"[kKMGT]?Hz|dB[mi]?|[Pp]\d{2}(?:\.\d+)?")
# Mixed-case words and acronyms of everyday or platform vocabulary: never names of the five types.
NOT_NAMES = frozenset({"API", "APIs", "SDK", "GUI", "UI", "UX", "OS", "CAD", "PDF", "HTML", "JSON", "XML",
                       "URL", "HTTP", "CLI", "IDE", "EDA", "RTL", "HDL", "QoS", "SLA", "SLO", "SLOs", "KPI",
                       "KPIs", "ROI", "TCO", "FAQ", "USA", "COVID", "COVID-19", "PhDs", "CEO", "R&D", "GDPR",
                       "IoT", "IIoT", "LiDAR", "GitHub", "YouTube", "arXiv", "iPhone", "iOS", "macOS",
                       "LaTeX", "JavaScript", "PhD", "DevOps", "MLOps", "WiFi", "Wi-Fi", "mmWave",
                       "eCommerce", "FinTech", "TeX", "BibTeX", "OpenAI", "DeepMind", "HuggingFace",
                       "McDonald", "iPad", "SoTA", "SOTA",
                       # vendors: makers of hardware and software, not things of the five types
                       "NVIDIA", "Nvidia", "AMD", "Intel", "Google", "Microsoft", "IBM", "Apple", "Qualcomm",
                       "Huawei", "Samsung", "Xilinx", "AMD's", "NVIDIA's"})
# Hyphenated words opening with one of these prefixes are ordinary words ("inter-GPU", "multi-GPU").
WORD_PREFIXES = frozenset({"inter", "intra", "non", "multi", "cross", "pre", "post", "sub", "semi", "co",
                           "anti", "un", "over", "under", "ultra", "single", "dual", "per", "all"})
NAMING_PARTICIPLES = ("called", "named", "dubbed", "termed", "coined")
CUE = WordPattern(rf"\b{PROPOSAL_SUBJECT}\s+(?:also\s+|further\s+|then\s+|first\s+|here\s+)?{NAMING_VERB}"
                  r"(?:\s+(?:the|a|an))?(?:\s+(?:new|novel))?\s+"
                  rf"|\b(?:{'|'.join(NAMING_PARTICIPLES)})\s+(?:as\s+)?[\"'“]?", (*SUBJECT_OPENERS, *NAMING_PARTICIPLES))
# A quoted name after a naming verb, whatever its case: "we call this network a "rail-only"
# connection", "dubbed "slow-fast" attention" (not "others call it "cheap"", "so-called "smart"").
QUOTED_CUE = re.compile(rf"\b{PROPOSAL_SUBJECT}\s+(?:call|term|dub|name)\s+(?:this|it|them|these|our|the)\b"
                        r"[^.\"“”]{0,40}?[\"“]|(?<!so-)\b(?:called|named|dubbed|termed|coined)\s+(?:as\s+)?[\"“]")
QUOTED_NAME = re.compile(r"(\w[\w+/.-]*(?: [\w+/.-]+){0,3})[\"”]")
_CAPITALISED = r"[A-Z0-9](?:[\w+'-]|\.(?=\w))*"
# "called Selective Token and Channel Mixer": a connective joins capitalised words of one name.
CAPITALISED_RUN = re.compile(rf"{_CAPITALISED}(?:(?:[ \t]+(?:of|for|and|to|in))?[ \t]+{_CAPITALISED}){{0,5}}")
TITLE_PREFIX = re.compile(r"([^:\n]{1,60}?)(?::|\s+(?:--|—|–)|\s+-(?=\s))\s")
TITLE_ARTICLE = re.compile(r"\s*(?:An?|The)\s+")
ARTICLES = frozenset({"A", "An", "The", "On", "Towards", "Toward", "Why", "How", "When", "What", "Is",
                      "Are", "Do", "Does", "Can", "Learning", "Beyond", "From", "Rethinking"})


@lru_cache(maxsize=NAMES_CACHED)
def shape(name: str) -> str | None:
    """"shape" (a name by its look), "caps" (an all-capital word), "spelled" (capitals inside a
    lower-case word) or None."""
    if name.isalpha() and name.istitle():
        return None  # "The", "Transformer": most capitalised words, decided at once
    if not UPPER.search(name) or name in NOT_NAMES or NUMBER_WITH_UNIT.fullmatch(name) or UNIT_NAMES.fullmatch(name):
        return None
    if ADJECTIVE_TAIL.search(name) or name[0] in "Vv" and VERSION.fullmatch(name):
        return None
    if name[0].islower() and SPELLING_CAPITALS.fullmatch(name):
        return "spelled"  # "pixelSplat", or "layOuts" spelling an acronym: see `coined_names`
    parts = name.split("-")
    if len(parts) > 1 and (parts[-1].lower() in ADJECTIVE_WORDS or all(
            p in JOINERS or NUMBER_WITH_UNIT.fullmatch(p) for p in parts)):
        return None  # "AI-Powered", "2D-to-3D"
    if len(parts) > 1 and (parts[0].lower() in WORD_PREFIXES or parts[0].isdigit() and (
            len(parts) == 2 or not any(CAMEL.search(p) or sum(c.isupper() for c in p) >= 2 for p in parts))):
        return None  # "multi-GPU", "8-GPU", "2-Stage": a count or prefix before a word
    if CAMEL.search(name) or LETTER_DIGIT.search(name):
        return "shape"
    if len(parts) > 1 and any(sum(c.isupper() for c in p) >= 2 or p.isdigit() for p in parts):
        return "shape"
    if len(parts) > 1 and parts[-1] in SIZE_CODES and all(p[:1].isupper() for p in parts):
        return "shape"
    if len(parts) == 1 and (name.isupper() and len(name) >= 3 or PLURAL_ACRONYM.fullmatch(name)):
        return "caps"
    return None


def names(text: str) -> Iterator[re.Match[str]]:
    r"""`NAME.finditer(text)`, tried only where a match can start: a match has a capital, so it
    lies in a run of [\w.+-] characters that holds one, and starts at the run's start or right
    after a "+" in it (NAME's look-behind rules out the rest). `re` skips straight to capitals,
    which are few, where NAME alone is tried at every character."""
    for capital in CAPITAL_RUN.finditer(text):
        start, end = capital.span()
        while start and (text[start - 1].isalnum() or text[start - 1] in "_.+-"):  # back to the run's start
            start -= 1
        candidate = start
        while candidate >= 0:
            match = NAME.match(text, candidate)
            if match is not None:
                yield match
            plus = text.find("+", candidate, end)
            candidate = plus + 1 if plus >= 0 else -1


def title_tasks(title: str, abstract: str = "") -> list[tuple[int, int]]:
    """Spans of task names in a title: a run of capitalised words between stop words or
    punctuation that ends with a task head noun ("... for Direct 3D Generation",
    "Connecting the Dots: Floorplan Reconstruction Using ..."), less leading quality words
    ("Efficient"; "Graduate-Level" unless the whole run recurs in the abstract, which then uses
    it as a name) and gerunds ("Improving")."""
    spans: list[tuple[int, int]] = []
    run: list[re.Match[str]] = []
    for word in [*TITLE_WORD.finditer(title), None]:
        text = word.group() if word else ""
        if word is not None and text.lower() not in TITLE_STOP and (text[0].isupper() or text[0].isdigit()):
            run.append(word)
            continue
        named = bool(run) and title[run[0].start():run[-1].end()] in abstract
        while run and (run[0].group().lower() in QUALITY or run[0].group().endswith("ing")
                       or not named and run[0].group().rpartition("-")[2].lower() in QUALITY_TAILS):
            run.pop(0)
        if run and type_from_head(run[-1].group()) == "Task" and (len(run) > 1 or _after_for(title, run[0])):
            spans.append((run[0].start(), run[-1].end()))
        run = []
    return spans


def _after_for(title: str, word: re.Match[str]) -> bool:
    """Whether "for" (and quality words) precede `word`: "... for Efficient Recognition"."""
    before = title[:word.start()].lower().split()
    while before and before[-1] in QUALITY:
        before.pop()
    return bool(before) and before[-1] == "for"


def title_prefix(title: str) -> tuple[int, int, EntityType] | None:
    """Span and type of a coined name opening the title before ":", if there is one."""
    match = TITLE_PREFIX.match(title)
    if not match:
        return None
    prefix = match.group(1).strip()
    words = prefix.split()
    if not words or len(words) > 4 or words[0] in ARTICLES:
        return None
    coined = any(shape(w) for w in words)
    title_case = all(w[0].isupper() or w[0].isdigit() for w in words)
    if coined and not title_case and shape(words[0]):  # "QuantNAS for super resolution: ..." names QuantNAS
        prefix = words[0]
    if not coined and not (title_case and len(words) <= 3):
        return None
    article = TITLE_ARTICLE.match(title, match.end())
    type_ = type_of_description(title[article.end():]) if article else None
    if type_ not in ("Dataset", "Hardware"):
        type_ = "Method"
    start = title.index(prefix)
    return start, start + len(prefix), type_


_CAP_WORD = r"[A-Z][a-z][\w'-]*"
# The first capital comes before the look-behind (not preceded by [\w-]) so that `re` can skip
# straight to capitals instead of trying the pattern at every character.
TITLE_CASE_RUN = re.compile(rf"[A-Z](?<![\w-][A-Z])[a-z][\w'-]*(?:[ ](?:(?:of|for)[ ])?{_CAP_WORD}){{1,4}}(?![\w-])")
TITLE_STOP = frozenset("for with using via from in on of through towards toward and to at by the a an "
                       "as into over under beyond without".split())
# Quality words that qualify a task in a title without naming it ("Efficient", "Scalable").
QUALITY = frozenset("efficient energy-efficient memory-efficient scalable robust fast faster accurate more "
                    "practical effective steerable generalizable lightweight improved enhanced unified".split())
# Tails of hyphenated quality words that qualify a task too: "Graduate-Level", "Goodput-Optimal".
QUALITY_TAILS = ADJECTIVE_WORDS | {"optimal", "grade"}
TITLE_WORD = re.compile(r"[\w'-]+|[^\w\s]")
URL = re.compile(r"(?<!\S)[^\s(]*?(?:https?://|\.[a-z]{2,6}/)\S*")
PATH_AFTER_DOMAIN = re.compile(r"\.[a-z]{2,6}/")  # a URL without "://" has this; most texts have neither


# Words that open a sentence: a run ending in one crossed a sentence break the sentencizer missed
# ("... a web agent, Agent-E Our code is ...").
SENTENCE_OPENERS = frozenset("Our We The This These Those It Its In On For To A An Code".split())


def title_case_end(run: str) -> int:
    """Where a run of capitalised words ends as a name, or 0 when it names nothing: less a
    trailing sentence opener, and none for two words ending in a plural ("Language Models",
    "Diffusion Models" speak of a class of things; "Streaming Dataflow Accelerators" names one)."""
    words = run.split(" ")
    while words and words[-1] in SENTENCE_OPENERS:
        words.pop()
    last = words[-1] if words else ""
    if len(words) < 2 or len(words) == 2 and last.endswith("s") and not last.endswith(("ss", "us", "is")):
        return 0
    return len(" ".join(words))


# GPU microarchitectures (NVIDIA, AMD): names of a class of devices only where the sentence
# speaks of GPUs ("Hopper, Ada, and Ampere GPU architectures"; "Ada" alone is a language or a name).
GPU_ARCHITECTURE = re.compile(r"(?<![\w-])(?:Kepler|Maxwell|Pascal|Volta|Turing|Ampere|Ada Lovelace|Ada|Hopper|"
                              r"Blackwell|Rubin|CDNA ?\d?|RDNA ?\d?)(?![\w-])")
GPU_CONTEXT = re.compile(r"\bGPUs?\b")
# "the Theta supercomputer": the capitalised word before "supercomputer" is the machine's name
# (not after "a", "first", "largest": "the world's first Exascale supercomputer" is a description).
SUPERCOMPUTER = re.compile(r"(?<![\w-])(?<!\ba )(?<!\ban )(?<!first )(?<!largest )(?<!fastest )"
                           r"([A-Z][\w-]*(?: [A-Z0-9][\w-]*)?) supercomputers?\b")


def device_names(st: DocState, text: str) -> None:
    """Hardware names that context vouches for: GPU architectures in a sentence about GPUs,
    machines named before "supercomputer"."""
    if "GPU" in text:  # substring tests first: most abstracts have neither cue
        for start, end in st.sentences.bounds:
            if GPU_CONTEXT.search(text, start, end):
                for arch in GPU_ARCHITECTURE.finditer(text, start, end):
                    st.candidates.append(Candidate(arch.start(), arch.end(), "Hardware", "gpu-architecture",
                                                   f"name:{arch.group()}"))
    if "supercomputer" not in text:
        return
    for machine in SUPERCOMPUTER.finditer(text):
        if machine.group(1).split()[0] not in SENTENCE_OPENERS:
            st.candidates.append(Candidate(machine.start(1), machine.end(1), "Hardware", "supercomputer",
                                           f"name:{machine.group(1)}"))


HYPHENATED_TITLE_CASE = re.compile(r"[A-Z][a-z]+(?:-[A-Z][a-z]+)+")
LIKENESS = frozenset({"style", "like"})  # "a ViTDet-style detector", "LLaVA-like models": the head is a name
# Language pairs are settings, not names: "Spanish-English", "English-German".
LANGUAGES = frozenset("English Spanish French German Chinese Japanese Korean Arabic Russian Italian Portuguese "
                      "Hindi Dutch Turkish Vietnamese Indonesian Czech Romanian Finnish Estonian Polish Greek "
                      "Hebrew Persian Thai Swahili Urdu Bengali Ukrainian Swedish".split())


def compound_name(name: str, start: int, inside_sentence: bool) -> tuple[str | None, int]:
    """Kind and end of a name in a word `shape` rejects as a whole: "ViTDet-style" holds the name
    "ViTDet"; capitalised words joined by hyphens inside an abstract sentence ("outperforms
    Math-Shepherd", "Conformer-Transducer models"; not a language pair) may name something, and
    are kept only where context types them (kind "hyphen", like "caps")."""
    head, _, tail = name.rpartition("-")
    if tail in LIKENESS:
        kind = shape(head)
        return (kind, start + len(head)) if kind in ("shape", "caps") else (None, start)
    if inside_sentence and HYPHENATED_TITLE_CASE.fullmatch(name):
        parts = name.split("-")
        if parts[0].lower() not in WORD_PREFIXES and parts[-1].lower() not in ADJECTIVE_WORDS \
                and not LANGUAGES.intersection(parts):
            return "hyphen", start + len(name)
    return None, start


# Plain capitalised words are names where a comparison or a list puts them next to others:
# "5.4x faster than Exphormer.", "ETTh1, Weather, Electricity and Traffic", "the Amazon Beauty,
# Sports and Toys datasets". Such a word is kept only where context or a listed neighbour types
# it. PLAIN_NAME: a capitalised word that ends a noun phrase (punctuation or a function word follows).
PLAIN_NAME = re.compile(r"[A-Z][a-z][a-z0-9]*(?=[.,;:)]|[ \t]+(?:and|or|by|on|in|while|with|across|at|under|for|"
                        r"datasets?|benchmarks?)\b|$)")
COMPARED_BEFORE = tuple(f" {cue} " for cue in "than over versus vs. against outperform outperforms outperforming "
                        "outperformed surpass surpasses surpassing surpassed beat beats".split()) \
    + (" compared with ", " compared to ")
LIST_BEFORE = (", ", " and ", " or ")
LIST_AFTER = re.compile(r"[,.;:)]|[ \t]+(?:and|or|datasets?|benchmarks?)\b")


def plain_names(st: DocState, text: str, title_end: int, sentence_starts: set[int]) -> None:
    """Capitalised words of the abstract after a comparison cue or inside a list (see above); the
    cues are tested as suffixes of the text before each word, which is cheaper than a pattern."""
    for match in PLAIN_NAME.finditer(text, title_end):
        start = match.start()
        if (text.endswith(COMPARED_BEFORE, max(0, start - 16), start)
                or text.endswith(LIST_BEFORE, 0, start) and LIST_AFTER.match(text, match.end())) \
                and match.group() not in NOT_NAMES and start not in sentence_starts:
            st.candidates.append(Candidate(start, match.end(), None, "coined:plain", f"name:{match.group()}"))


@Language.component("kg_coined")
def coined_names(doc: Doc) -> Doc:
    st = state(doc)
    text = st.text
    title_end = text.find("\n") if "\n" in text else len(text)
    sentence_starts = set(st.sentences.starts)
    has_url = "://" in text or PATH_AFTER_DOMAIN.search(text)
    for url in URL.finditer(text) if has_url else ():  # nothing inside a web address is a name or a result
        st.candidates.append(Candidate(url.start(), url.end(), None, "url", f"{BLOCK}url"))
    device_names(st, text)
    for match in names(text):
        start, end = match.span()
        kind = shape(match.group())
        if kind is None and "-" in match.group():
            kind, end = compound_name(match.group(), start, start > title_end and start not in sentence_starts)
        elif kind == "spelled":  # "over pixelSplat" in an abstract, kept where context types it; "layOuts"
            # spells an acronym in a title or long form
            kind = "caps" if start > title_end and not any(p.long_start <= start < p.long_end for p in st.acronyms) \
                else None
        if kind:
            st.candidates.append(Candidate(start, end, None, f"coined:{kind}", f"name:{text[start:end]}"))
    plain_names(st, text, title_end, sentence_starts)
    for run in TITLE_CASE_RUN.finditer(text, title_end):  # "... with Cosine Power Annealing ..."
        end = title_case_end(run.group())
        if run.start() not in sentence_starts and end:
            name = run.group()[:end]
            st.candidates.append(Candidate(run.start(), run.start() + end, type_from_head(name),
                                           "coined:title-case", f"name:{name}"))
    lexical_ends = {c.end for c in st.candidates if c.lexicon is not None and c.type == "Task"
                    and " " in c.lexicon}  # "Roof Segmentation" names more than "segmentation"
    for start, end in title_tasks(text[:title_end], text[title_end:]):  # a known task ending the run is the name
        if end not in lexical_ends:
            st.candidates.append(Candidate(start, end, "Task", "title-task", f"name:{fold(text[start:end])}"))
    prefix = title_prefix(text[:title_end])
    if prefix is not None:
        start, end, type_ = prefix
        name = text[start:end]
        short = shape(name) or len(name.split()) <= 2  # "Urban Architect: ...", "Satellite Sunroof: ..."
        if short or text.find(name, title_end) >= 0:  # a longer plain phrase must recur in the abstract
            st.candidates.append(Candidate(start, end, type_, "title-prefix", f"name:{name}"))
    for cue in CUE.finditer(text):
        run = CAPITALISED_RUN.match(text, cue.end())
        if run is None:
            continue
        name = run.group().rstrip(".,;:'\"”")
        if name.split()[0] in ARTICLES or name.isdigit():
            continue
        st.candidates.append(Candidate(run.start(), run.start() + len(name), None, "coined:cue",
                                       f"name:{name}"))
    for cue in QUOTED_CUE.finditer(text) if '"' in text or "“" in text else ():
        quoted = QUOTED_NAME.match(text, cue.end())
        if quoted is not None:
            st.candidates.append(Candidate(quoted.start(1), quoted.end(1), None, "coined:cue",
                                           f"name:{quoted.group(1)}"))
    return doc
