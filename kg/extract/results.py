"""Numeric results: a number with a unit, tied to the metric it reports on.

A number is a result only when a Metric entity of the same clause names what it measures
(ANNOTATION.md: a number with no metric is not a result). Recognised:
- values "2.08", "25,000", "10^4", with "+", "~", "approx" before; LaTeX debris
  ("2.08\\%", "6times", "$3.5\\times$", "$\\times$");
- units % (percent), x (times, ×, -fold, \\times), M / B / K (million ...), ms, s, h (hours),
  FPS, dB, GB, or none when the metric follows at once ("6.6 BLEU", "10^4 GPU hours"); "points"
  / "pp" give a difference without unit ("by 6.8 points"), a result only where relative; the
  unit after the last number of a list is the unit of the bare ones before ("by 4.6, 3.8 and
  1.7 points");
- ranges "10-20%", "15x to 31x", "from 36 hours down to 1 hour": both ends are results.
Not results: numbers inside a name ("CIFAR-10", "top-1"), years, numbers glued to a word
("3D", "16K sequences"), magnitudes that size the setup ("8B-parameter", "3.5T tokens") --
an M/B/K count is kept only after "only / just / merely / fewer / less than" or when
a reduction is reported ("reduces parameters by 5M").
Metric: the unit's own name where it is one ("7.5 fps"); after "by" / "of" ("cuts latency by
3x", "a speedup of 2x") the nearest Metric
mention before the number in the clause; else the first one after the number when nothing
but words lies between (≤ 40 chars); else the nearest before, else the nearest after. A
number without unit takes only a metric right after it ("6.6 BLEU") or right before it ("at
framerate 50", "a BLEU of 30", "the error (MAE) to 0.059", "FVD (183.2 ..."); the two ends of a
range share one. A value compared with the one before takes its metric ("6.92, compared with
7.31 for X"); a value in a clause or sentence that names no metric may take the metric of the
clause or sentence before (see `_inherit_metrics`, `_sentence_results`). A metric that cannot be
what the number measures is dropped (see `_drop_misfits`: "3.4x faster" is no memory).
Clauses split sentences at ";" and "while / whilst / whereas". Lists pair up in order:
"17.77%, 2.49x, and 2.32x reductions on latency, energy, and area".
A time, frame-rate, size or level unit only takes a metric of its kind ("36 hours" is not an
accuracy).
Relative: unit x or a leading "+", wherever the number stands ("speedups from 2x to 13x");
else not in "from A to B", which reports two absolute figures ("from 40 ms to 12 ms"); else a
change word after ("better", "faster", "reduction", "fewer", ...) or a change cue before
("by", "up to", "improves", "reduces", ...). The two ends of a range are both relative or neither.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.entities import COORDINATION, DIGIT
from kg.extract.state import DocState, EntityDraft, Sentences, state
from kg.extract.state import fold as fold_name
from kg.model import Result

VALUE = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_NUMBER = rf"(?P<num>{VALUE})(?:\s?\^\s?\{{?(?P<exp>\d{{1,2}})\}}?)?"
NUMBER = re.compile(rf"(?<![\w.,^/+-])(?P<pre>[+~≈]|approx\.?\s?|about\s|around\s|nearly\s)?{_NUMBER}")
RANGE_END = re.compile(_NUMBER)
LONGEST_PRE = len("approx. ")  # a number starts at most this far before its first digit
UNITS: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), u) for p, u in (
    (r"\s?(?:\\?%|percent\b)", "%"),
    (r"\s?(?:percentage points?|points?|pp)\b", "pt"),
    (r"\s?(?:\$\s?\\times\s?\$|\\times\b|×|[xX](?![\w-])|times\b|-?fold\b)", "x"),
    (r"\s?(?:ms|milliseconds?)\b", "ms"),
    (r"\s?(?:FPS|fps|frames per second)\b", "FPS"),
    (r"\s?(?:h|hrs?|hours?)\b", "h"),
    (r"\s?(?:s|secs?|seconds?)\b", "s"),
    (r"\s?dB\b", "dB"),
    (r"\s?(?:GB|gigabytes?)\b", "GB"),
    (r"\s?(?:M|million)\b(?!-)", "M"),
    (r"\s?(?:B|billion)\b(?!-)", "B"),
    (r"\s?(?:K|thousand)\b(?!-)", "K"),
))
MAGNITUDES = frozenset({"M", "B", "K"})
POINTS = "pt"  # "by 6.8 points", "+2.1 pp": a difference in the metric's own unit, written without one
RANGE_JOIN = re.compile(r"\s*(?:-|–|—|to|(?:down|up) to)\s*")
GLUED = re.compile(r"[A-Za-z]")
CLAUSE_BREAK = re.compile(r";|,?\s+(?:while|whilst|whereas)\b")
CLAUSE_WORDS = (";", "whil", "whereas")  # one is in every match of CLAUSE_BREAK
BY_OR_OF = re.compile(r"\b(?:by|of)\s+(?:up to\s+|about\s+|over\s+|nearly\s+|more than\s+|only\s+|"
                      r"less than\s+|at (?:most|least)\s+|roughly\s+|approximately\s+|around\s+|almost\s+|"
                      r"under\s+|below\s+)?[+~$]?$")
BETWEEN_WORDS = re.compile(r"[\w\s().,'-]*")
CHANGE_AFTER = re.compile(r"[\s)]*(?:\w+\s+){0,2}?(?:better|faster|higher|lower|smaller|larger|fewer|less|"
                          r"more|improvements?|improved|reductions?|reduced|increases?|increased|"
                          r"decreases?|gains?|boosts?|speed-?ups?|savings?|cheaper|slower|"
                          r"relative|over|drops?|loss|stronger|smaller)\b")
CHANGE_BEFORE = re.compile(r"(?:\bby|\bup to|\bimprov\w*|\breduc\w*|\bincreas\w*|\bdecreas\w*|\bboost\w*|"
                           r"\bgains?|\boutperform\w*|\bsav\w*|\bspeed\w*|\bexceed\w*)(?:[^.;]|\.(?=\d)){0,25}$")
SETUP_OK = re.compile(r"\b(?:only|just|merely|fewer|less than|reduc\w*|sav\w*)\s+(?:\w+\s+)?$")
YEAR = re.compile(r"(?:19|20)\d\d")
# "a BLEU of 30", "the mean absolute error (MAE) to 0.059", "FVD (183.2 vs. 211.5)", "BLEU from 20.1 to 24.3"
METRIC_THEN_VALUE = re.compile(r"[ \t]*\)?[ \t]*(?:of|=|:|to|from)?[ \t]*\(?[ \t]*")
FROM = re.compile(r"\bfrom\s+$")


@dataclass(slots=True)
class Number:
    value: float
    unit: str
    start: int
    end: int
    pre: str
    digits_end: int  # where the number ends and its unit begins
    range_start: bool = False  # the first end of a range; the next number is the other end


def find_numbers(text: str, start: int, end: int) -> list[Number]:
    """The numbers with their units in text[start:end] (ranges give two)."""
    numbers: list[Number] = []
    pos = start
    while True:
        # NUMBER has no first character to look for, so it is tried at every character; the
        # plain scan for a digit first skips the text that cannot hold a number.
        digit = DIGIT.search(text, pos, end)
        if digit is None:
            return numbers
        match = NUMBER.search(text, max(pos, digit.start() - LONGEST_PRE), end)
        if match is None:
            return numbers
        pos = max(match.end(), pos + 1)
        value = _value(match)
        unit, unit_end = _unit(text, match.end(), end)
        if not unit and unit_end < end and GLUED.match(text, unit_end):
            continue
        found = [Number(value, unit, match.start("num"), unit_end, match.group("pre") or "", match.end())]
        join = RANGE_JOIN.match(text, unit_end, end)
        second = RANGE_END.match(text, join.end(), end) if join else None
        if second is not None:
            unit2, end2 = _unit(text, second.end(), end)
            glued = not unit2 and end2 < end and GLUED.match(text, end2)
            if not glued and (unit2 or not unit):
                found[0].unit = found[0].unit or unit2
                found[0].range_start = True
                found.append(Number(_value(second), unit2 or unit, second.start("num"), end2, "", second.end()))
                pos = end2
        if FROM.search(text, max(start, match.start() - 6), match.start()):
            for number in found:
                number.pre = "from"
        numbers.extend(found)


def _value(match: re.Match[str]) -> float:
    value = float(match.group("num").replace(",", ""))
    return value ** int(match.group("exp")) if match.group("exp") else value


def _unit(text: str, pos: int, end: int) -> tuple[str, int]:
    for pattern, unit in UNITS:
        found = pattern.match(text, pos, end)
        if found:
            return unit, found.end()
    return "", pos


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    if all(text.find(word, start, end) < 0 for word in CLAUSE_WORDS):
        return [(start, end)]  # most sentences: plain searches instead of CLAUSE_BREAK's
    bounds, last = [], start
    for brk in CLAUSE_BREAK.finditer(text, start, end):
        bounds.append((last, brk.start()))
        last = brk.end()
    bounds.append((last, end))
    return bounds


def _is_setup(text: str, number: Number, clause_start: int) -> bool:
    if number.unit in MAGNITUDES:
        return not SETUP_OK.search(text, max(clause_start, number.start - 30), number.start)
    return not number.unit and bool(YEAR.fullmatch(text[number.start:number.end].strip()))


# A time, rate, size or level unit fits only a metric of that kind (any metric takes %, x, none).
UNIT_FITS = {unit: re.compile(pattern, re.I) for unit, pattern in (
    ("ms", r"time|latenc|delay|duration|speed|hours|days|overhead"),
    ("s", r"time|latenc|delay|duration|speed|hours|days|overhead"),
    ("h", r"time|latenc|duration|hours|days|cost|budget"),
    ("FPS", r"fps|frame|throughput|speed|rate"),
    ("GB", r"memory|size|footprint|storage|bandwidth|usage"),
    ("dB", r"psnr|snr|db|noise|gain|loss"),
)}


FRAME_RATE = re.compile(r"fps|frame ?rate|frames per second", re.I)


def _implied_unit(metric: str) -> str:
    """The unit a bare number takes from its metric: a frame rate is in FPS ("at framerate 50")."""
    return "FPS" if FRAME_RATE.search(metric) else ""


def _fits(unit: str, metric: tuple[int, int, str]) -> bool:
    pattern = UNIT_FITS.get(unit)
    return pattern is None or bool(pattern.search(metric[2]))


Span = tuple[int, int, str]  # start, end, surface text of a mention


def _metric_for(text: str, number: Number, metrics: list[Span], starts: list[int],
                clause: tuple[int, int]) -> Span | None:
    """`metrics` are the sentence's Metric mentions (sorted, not overlapping), `starts` theirs."""
    i = bisect_left(starts, number.end)
    j = bisect_right(starts, number.start)
    if j < i:  # the unit is itself a metric's name: "7.5 fps"
        return metrics[j]
    after = next((m for m in metrics[i:i + 8] if m[1] <= clause[1] and _fits(number.unit, m)), None)
    if not number.unit:  # a bare number needs its metric right after it ("6.6 BLEU", "10^4 GPU hours")
        if after is not None and not text[number.end:after[0]].strip():  # or right before it ("at framerate 50")
            return after
        last = metrics[j - 1] if j else None
        return last if last is not None and METRIC_THEN_VALUE.fullmatch(text, last[1], number.start) else None
    before = next((m for m in reversed(metrics[max(0, j - 8):j])
                   if m[0] >= clause[0] and m[1] <= number.start and _fits(number.unit, m)), None)
    if before is not None and BY_OR_OF.search(text, max(clause[0], number.start - 30), number.start):
        return before  # "reduces footprint by up to 19x", "a speedup of 3.7x"
    if after is not None and after[0] - number.end <= 40 and BETWEEN_WORDS.fullmatch(text[number.end:after[0]]) \
            and not NUMBER.search(text, number.end, after[0]):
        return after
    return before if before is not None else after


def _relative(text: str, number: Number, clause: tuple[int, int]) -> bool:
    # A factor is a change against something else wherever it stands: "speedups ranging from
    # 2x to 13x" are two relative figures, not absolute ones as "from 40 ms to 12 ms" are.
    if number.unit == "x" or number.pre == "+":
        return True
    if number.pre == "from":
        return False
    if CHANGE_AFTER.match(text, number.end, min(clause[1], number.end + 40)):
        return True
    return bool(CHANGE_BEFORE.search(text, max(clause[0], number.start - 40), number.start))


def _pair_lists(text: str, numbers: list[Number], metrics: list[Span], starts: list[int]) -> dict[int, Span]:
    """"A%, Bx, and Cx reductions on L, E, and A": the k-th number takes the k-th metric."""
    paired: dict[int, Span] = {}
    runs: list[list[int]] = []
    for i, number in enumerate(numbers):
        if runs and _coordinated(text, numbers[runs[-1][-1]].end, number.start):
            runs[-1].append(i)
        else:
            runs.append([i])
    for run in runs:
        if len(run) < 2:
            continue
        last_end = numbers[run[-1]].end
        first = bisect_left(starts, last_end)
        chain = [m for m in metrics[first:first + 1] if m[0] - last_end <= 60]
        for metric in metrics[first + 1:first + len(run)]:
            if chain and _coordinated(text, chain[-1][1], metric[0]):
                chain.append(metric)
        if len(chain) == len(run):
            paired.update(zip(run, chain))
    return paired


def _coordinated(text: str, end: int, start: int) -> bool:
    gap = text[end:start]
    return len(gap) <= 8 and bool(re.fullmatch(r"\s*(?:,\s*(?:and\s+)?|and\s+|or\s+)", gap))


@dataclass(slots=True)
class _Sentence:
    """The mentions of one sentence by type, sorted by start, for bisect look-ups."""

    start: int
    end: int
    mentions: dict[str, list[tuple[Span, EntityDraft]]]

    def spans(self, type_: str) -> list[Span]:
        return [span for span, _ in self.mentions.get(type_, ())]


def find_results(st: DocState, text: str) -> list[Result]:
    numbers = _numbers_outside_names(st, text)
    if not numbers:
        return []
    sentences = {i: _Sentence(*st.sentences.bounds[i], {}) for i in numbers}
    for draft in st.entities:
        for c in draft.spans:
            sentence = sentences.get(st.sentences.index(c.start))
            if sentence is not None:
                sentence.mentions.setdefault(draft.type or "", []).append(((c.start, c.end, text[c.start:c.end]),
                                                                           draft))
    for sentence in sentences.values():
        for mentions in sentence.mentions.values():
            mentions.sort(key=lambda pair: pair[0])
    main = _main_proposed(st)
    results: list[Result] = []
    carried: dict[str, Span] = {}  # unit -> metric of the last result in that unit of the sentence before
    for i, sentence in sentences.items():  # in text order
        found, metric_by_unit = _sentence_results(text, sentence, numbers[i], main, st.sentences,
                                                  carried if i - 1 in sentences else {})
        results.extend(found)
        carried = metric_by_unit
    return results


def _numbers_outside_names(st: DocState, text: str) -> dict[int, list[Number]]:
    """The numbers of each sentence (by index) that has some outside every kept name; a unit
    may be a metric's name ("7.5 fps"). Most sentences have none, and need no more work."""
    found = {i: numbers for i, (start, end) in enumerate(st.sentences.bounds)
             if (numbers := find_numbers(text, start, end))}
    if not found:
        return found
    named = bytearray(len(text) + 1)  # characters inside any kept name: numbers there are not results
    for c in st.kept:
        named[c.start:c.end] = b"\x01" * c.length
    return {i: outside for i, numbers in found.items()
            if (outside := [n for n in numbers if named.find(1, n.start, n.digits_end) < 0])}


def _sentence_results(text: str, sentence: _Sentence, numbers: list[Number], main: EntityDraft | None,
                      sentences: Sentences, carried: dict[str, Span]) -> tuple[list[Result], dict[str, Span]]:
    """The sentence's results, and the metric of its last result in each unit. In a sentence that
    names a dataset, a %, x or points value in a clause that names no metric reports the metric of
    the sentence before in the same unit ("... 68.9% accuracy on MedQA. It also obtains 61.4% on
    MedMCQA")."""
    metrics = sentence.spans("Metric")
    starts = [m[0] for m in metrics]
    _share_list_units(text, numbers)
    paired = _pair_lists(text, numbers, metrics, starts)
    clauses = _clauses(text, sentence.start, sentence.end)
    clause_starts = [c[0] for c in clauses]
    clause_of = [clauses[max(0, bisect_right(clause_starts, n.start) - 1)] for n in numbers]
    metric_of: list[Span | None] = []
    for i, number in enumerate(numbers):  # a range's ends share the metric either end finds
        metric_of.append(paired.get(i) or _metric_for(text, number, metrics, starts, clause_of[i]))
        if i and numbers[i - 1].range_start:
            metric_of[i - 1] = metric_of[i - 1] or metric_of[i]
            metric_of[i] = metric_of[i - 1]
    _inherit_metrics(text, numbers, metric_of, clause_of, starts, sentence.start)
    _drop_misfits(text, numbers, metric_of, starts, sentence.start)
    if carried and "Dataset" in sentence.mentions:
        for i, number in enumerate(numbers):
            if metric_of[i] is None and number.unit in LIST_UNITS and _names_no_metric(clause_of[i], starts):
                metric_of[i] = carried.get(number.unit)
    relative = [_relative(text, number, clause) for number, clause in zip(numbers, clause_of)]
    for i in range(1, len(numbers)):  # a range's ends are one figure: "by 12.4% to 17.5%" (the cue
        if numbers[i - 1].range_start and relative[i - 1]:  # cannot see past the first end's ".")
            relative[i] = True
    for i in range(len(numbers) - 1, 0, -1):  # "0.8% and 0.9% higher": the cue after the last covers all
        if relative[i] and (numbers[i - 1].range_start or _coordinated(text, numbers[i - 1].end, numbers[i].start)):
            relative[i - 1] = True
    self_reference = bool(SELF_REFERENCE.search(text, sentence.start, sentence.end))
    results = []
    metric_by_unit: dict[str, Span] = {}
    for number, metric, clause, is_relative in zip(numbers, metric_of, clause_of, relative):
        if metric is None or _is_setup(text, number, clause[0]) or number.unit == POINTS and not is_relative:
            continue
        metric_by_unit[number.unit] = metric
        unit = "" if number.unit == POINTS else number.unit or _implied_unit(metric[2])
        results.append(Result(
            metric=metric[2], value=number.value, unit=unit,
            relative=is_relative, sentence=sentences.evidence(number.start, number.end),
            start=number.start, end=number.end,
            dataset=_nearest(sentence.spans("Dataset"), number),
            method=_method(sentence.mentions.get("Method", []), number, main, self_reference, text)))
    return results, metric_by_unit


LIST_UNITS = frozenset({"%", "x", POINTS})


def _share_list_units(text: str, numbers: list[Number]) -> None:
    """"by 4.6, 3.8 and 1.7 points", "76.1 and 77.3%": the unit written after the last number of a
    list is the unit of the bare numbers listed before it."""
    for i in range(len(numbers) - 1, 0, -1):
        earlier, later = numbers[i - 1], numbers[i]
        if not earlier.unit and later.unit in LIST_UNITS and _coordinated(text, earlier.end, later.start):
            earlier.unit = later.unit


# A value compared with the one before it reports the same metric: "a perplexity of 6.92, compared
# with 7.31 for QuaRot and 8.46 for SmoothQuant", "lower FVD (183.2 vs. 211.5)", "3.92 versus 3.48".
COMPARED_GAP = re.compile(r"[^;]{0,60}?(?:\bcompared (?:with|to)|\bversus|\bvs\.?|\bthan|\bagainst|\brelative to)"
                          r"[ \t]*\(?[ \t]*$")
LISTED_GAP = re.compile(r"[^;]{0,40}?(?:,|\band\b|\bor\b)[ \t]*$")
FOR_AFTER = re.compile(r"[ \t]+(?:for|on)\b")
ENDS_VALUE = re.compile(r"[ \t]*(?:for\b|on\b|in\b|of\b|from\b|and\b|or\b|[),;.]|$)")


def _inherit_metrics(text: str, numbers: list[Number], metric_of: list[Span | None],
                     clause_of: list[tuple[int, int]], starts: list[int], sentence_start: int) -> None:
    """Metrics for numbers that found none: a value compared with or listed after the value before
    it ("compared with 7.31 for QuaRot") takes that value's metric; a value alone in a clause that
    names no metric ("..., while human experts achieve 82.6%") takes the metric of the clause before."""
    for i in range(1, len(numbers)):
        number, prev = numbers[i], numbers[i - 1]
        if metric_of[i] is not None or metric_of[i - 1] is None or number.unit != prev.unit:
            continue
        gap = text[prev.end:number.start]
        if NUMBER.search(gap) or not ENDS_VALUE.match(text, number.end):
            continue
        if COMPARED_GAP.match(gap) or LISTED_GAP.match(gap) and FOR_AFTER.match(text, number.end):
            metric_of[i] = metric_of[i - 1]
    for i, number in enumerate(numbers):
        clause = clause_of[i]
        if metric_of[i] is not None or not number.unit or clause[0] == sentence_start \
                or not _names_no_metric(clause, starts):
            continue  # the first clause, or one that names a metric of its own
        earlier = [metric_of[j] for j in range(i) if clause_of[j] != clause and numbers[j].unit == number.unit]
        if earlier and earlier[-1] is not None:
            metric_of[i] = earlier[-1]


def _names_no_metric(clause: tuple[int, int], starts: list[int]) -> bool:
    """Whether no metric mention (`starts`, sorted) starts in the clause."""
    return bisect_left(starts, clause[0]) == bisect_left(starts, clause[1])


FASTER_AFTER = re.compile(r"[\s)]*(?:\w+\s+)?(?:faster|slower|quicker)\b")
# "accelerates X by 2.4x and Y by 2.1x"
SPEED_BEFORE = re.compile(r"\b(?:accelerat\w*|speeds? up|sped up)\b[^;,]{0,80}?\bby\s+(?:up to\s+|about\s+|over\s+)?$")
# "1.9x fewer training tokens" (but "0.1% less on ImageNet" is less of the metric named before)
COUNTED_AFTER = re.compile(r"[ \t]+(?:fewer|less|more)[ \t]+"
                           r"(?!(?:on|in|than|for|with|at|by|while|and|or|of|to)\b)(?=[a-z])")
SPEED_METRIC = re.compile(r"time|latenc|speed|throughput|fps|frame|runtime|hour|duration|delay|second|step|"
                          r"decod|token|wall|converg", re.I)
SHARE_OF = re.compile(r"[ \t]+of[ \t]+(?:the[ \t]+|its[ \t]+|their[ \t]+|all[ \t]+)?")
SHARE_WINDOW = 30
NOT_A_MODIFIER = re.compile(r"[,;]|\b(?:at|on|in|with|for|of|by|than|to|and|or|while)\b")  # between "of" and the metric


def _drop_misfits(text: str, numbers: list[Number], metric_of: list[Span | None], starts: list[int],
                  sentence_start: int) -> None:
    """Metrics a number cannot report: "3.4x faster" or "accelerates X by 2.4x" measures a time or
    speed, not the "GPU memory" named before it; "8% of the frames" is a share of what follows "of",
    and "1.9x fewer training tokens" a count of what follows "fewer", where that is no metric."""
    for i, (number, metric) in enumerate(zip(numbers, metric_of)):
        if metric is None:
            continue
        if (FASTER_AFTER.match(text, number.end) or SPEED_BEFORE.search(text, max(sentence_start, number.start - 100),
                                                                         number.start)) \
                and not SPEED_METRIC.search(metric[2]):
            metric_of[i] = None
            continue
        counted = COUNTED_AFTER.match(text, number.end) or number.unit == "%" and SHARE_OF.match(text, number.end)
        if counted:
            j = bisect_left(starts, counted.end())
            if j == len(starts) or starts[j] - counted.end() > SHARE_WINDOW \
                    or NOT_A_MODIFIER.search(text, counted.end(), starts[j]):
                metric_of[i] = None


def _nearest(spans: list[Span], number: Number) -> str | None:
    i = bisect_left([s[0] for s in spans], number.start)
    near = spans[max(0, i - 1):i + 1]
    return min(near, key=lambda s: abs(s[0] - number.start))[2] if near else None


def _main_proposed(st: DocState) -> EntityDraft | None:
    proposed = [d for d in st.entities if d.proposed and d.type == "Method"]
    return min(proposed, key=lambda d: d.first.start) if proposed else None


SELF_REFERENCE = re.compile(r"\b(?:[Oo]ur|[Ww]e|proposed|[Tt]his (?:method|approach|model|work))\b")


def _method(methods: list[tuple[Span, EntityDraft]], number: Number, main: EntityDraft | None,
            self_reference: bool, text: str) -> str | None:
    """The proposed method named in the sentence, else the paper's main proposed method when
    the sentence speaks of "our / we / the proposed", else the nearest method before the number."""
    own = next((span for span, draft in methods if draft.proposed), None)
    if own is not None:
        return own[2]
    if main is not None and self_reference:
        first = main.first
        return text[first.start:first.end]
    i = bisect_right([s[0] for s, _ in methods], number.start)
    before = [s for s, _ in methods[:i] if s[1] <= number.start]
    return before[-1][2] if before else None


# Metric words that are just as often plain nouns ("the memory hierarchy", "model parameters").
GENERIC_METRICS = frozenset({"memory", "parameter", "parameters", "energy", "power", "size", "area", "cost",
                             "costs", "time", "speed", "runtime", "compute", "storage", "resource",
                             "resources", "precision"})
REPORTED_BEFORE = re.compile(r"\b(?:lower|higher|less|more|fewer|reduc\w*|improv\w*|sav\w*|cut\w*|better|faster|"
                             r"smaller|larger|minimi[sz]\w*|maximi[sz]\w*|optimi[sz]\w*|in terms of|"
                             r"measured by|trade-?off between)\s+(?:[\w-]+\s+)?$")
REPORTED_AFTER = re.compile(r"\s*(?:reductions?|savings?|improvements?|overheads?|by\s+\d|of\s+\d|"
                            r"(?:is|are)\s+(?:reduced|improved|lower|higher)|\(|,\s*(?:and\s+)?[\w-]+\s+"
                            r"(?:accuracy|latency|throughput))")


# Uses of a metric's words that name no measure: "at inference time" (when), "to speed up the
# search" (a verb).
WHEN_BEFORE = re.compile(r"\b(?:at|during)\s+$")
VERB_BEFORE = re.compile(r"\b(?:to|can|could|will|would|may|might|and|or|that|which|help|helps)\s+$")
VERB_AFTER = re.compile(r"\s+(?:the|a|an|this|these|their|its|our|training|inference|convergence)\b")


def names_no_metric(text: str, start: int, end: int) -> bool:
    """Whether the metric words at text[start:end] are an adverbial of time or a verb."""
    surface = text[start:end].lower()
    before = text[max(0, start - 12):start]
    if surface.endswith("time") and WHEN_BEFORE.search(before):
        return True
    return surface == "speed up" and bool(VERB_BEFORE.search(before) or VERB_AFTER.match(text, end))


def drop_non_metric_mentions(st: DocState, text: str) -> None:
    """Drop the mentions of metric words that name no measure (`names_no_metric`)."""
    for draft in st.entities:
        if draft.type == "Metric":
            draft.spans = [c for c in draft.spans if not names_no_metric(text, c.start, c.end)]
    st.entities = [d for d in st.entities if d.spans]


def drop_unreported_metrics(st: DocState, text: str) -> None:
    """Keep a generic metric word only where the abstract reports or optimises it: a result uses it, a
    comparison / optimisation cue stands next to one of its mentions, or it is listed with a
    metric that is kept ("latency, energy, and area"). A mention is generic by its own last
    word or by its lexicon name's ("memory consumption" is "memory")."""
    used = {fold_name(r.metric) for r in st.results}

    def reported(draft: EntityDraft) -> bool:
        for c in draft.spans:
            surface = text[c.start:c.end]
            heads = {name.lower().split()[-1] for name in (surface, draft.lexicon or surface)}
            if not heads & GENERIC_METRICS or fold_name(surface) in used:
                return True
            if REPORTED_BEFORE.search(text, max(0, c.start - 40), c.start) or REPORTED_AFTER.match(text, c.end):
                return True
        return False

    metrics = [d for d in st.entities if d.type == "Metric"]
    kept = {id(d) for d in metrics if reported(d)}
    mentions = sorted(((c.start, c.end, d) for d in metrics for c in d.spans), key=lambda m: m[0])
    listed = [(left[2], right[2]) for left, right in zip(mentions, mentions[1:])
              if COORDINATION.fullmatch(text, left[1], right[0])]
    for pairs in (listed, listed[::-1]):  # along each list, forward then backward
        for left, right in pairs:
            if id(left) in kept or id(right) in kept:
                kept |= {id(left), id(right)}
    st.entities = [d for d in st.entities if d.type != "Metric" or id(d) in kept]


@Language.component("kg_results")
def results(doc: Doc) -> Doc:
    st = state(doc)
    drop_non_metric_mentions(st, st.text)
    st.results = find_results(st, st.text)
    drop_unreported_metrics(st, st.text)
    return doc
