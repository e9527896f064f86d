"""Acronym definitions, Schwartz & Hearst (2003) style.

"Point Cloud Network (PCN)", "PCN (Point Cloud Network)" and, as titles and abstracts
write it, "DiPaCo: Distributed Path Composition" make one pair; the long form
is the shortest run of words before the parenthesis whose letters spell the short form in
order, the first letter starting a word (the S&H algorithm). Every later bare use of the
short form (and its plural, "LLMs") becomes a mention of the same pair. The pair is typed
by the long form's head noun here; lexicon matches and context can type it later.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterator

from spacy.language import Language
from spacy.tokens import Doc

from kg.extract.heads import type_from_head
from kg.extract.state import AcronymPair, Candidate, state

LONG_FORM_CHARS = 200  # a long form has at most 2 x 13 words; look no further back
COLON = re.compile(r"(?<![\w.+-])([A-Za-z0-9][A-Za-z0-9.+-]{1,12}):[ \t]+")
COLON_LONG = re.compile(r"[A-Z][\w'-]*(?:[ \t]+(?!(?:for|with|from|in|on|via|using|towards?|beyond|at|by|"
                        r"and|through|as)\b)[\w'-]+){0,7}")
PAREN = re.compile(r"\(([^()\n]{1,80})\)")
SHORT = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+/-]{0,12}")
WORD = re.compile(r"(?<![\w-])[A-Za-z0-9][A-Za-z0-9.+/-]*(?![\w-])")
WORD_CHARS = frozenset(string.ascii_letters + string.digits + ".+/-")  # the characters of a WORD match
WORD_BEFORE = re.compile(r"([A-Za-z0-9][A-Za-z0-9.+-]{0,12})\s*$")


def _short_form(text: str) -> str | None:
    """`text` if it looks like an acronym: one word, 2-13 chars, a capital, not a number."""
    text = text.strip()
    if not SHORT.fullmatch(text) or len(text) < 2 or not any(c.isupper() for c in text):
        return None
    if sum(c.isalpha() for c in text) < 2:
        return None
    return text


DIGIT_WORDS = str.maketrans({"2": "t", "4": "f"})


def _letters(short: str) -> str:
    core = short[:-1] if short.endswith("s") and short[:-1].isupper() else short
    return "".join(c for c in core.lower() if c.isalnum())


def best_long_form(short: str, candidate: str) -> int | None:
    """S&H: the start offset within `candidate` of the long form for `short`, or None.

    Digits in the short form are tried as written, then as the words they often stand
    for ("T2V" = text-to-video, "B4X" = ... for ...), then left out ("ViM2" = Vision MambaMixer)."""
    letters = _letters(short)
    tries = dict.fromkeys((letters, letters.translate(DIGIT_WORDS), "".join(c for c in letters if c.isalpha())))
    for attempt in tries:
        if len(attempt) >= 2:
            start = _match_letters(attempt, candidate)
            if start is not None:
                return start
    return None


def _match_letters(letters: str, candidate: str) -> int | None:
    """Where in `candidate` the letters start when found in order from its end, the first
    one at the start of a word (S&H's backward scan, each letter by one `rfind`)."""
    lower = candidate.lower()
    end = len(lower)  # the next letter is looked for before this
    for c in letters[:0:-1]:
        end = lower.rfind(c, 0, end)
        if end < 0:
            return None
    start = lower.rfind(letters[0], 0, end)
    while start > 0 and lower[start - 1].isalnum():
        start = lower.rfind(letters[0], 0, start)
    return start if start >= 0 else None


def find_pairs(text: str, sentence_bounds: list[tuple[int, int]]) -> list[AcronymPair]:
    pairs: list[AcronymPair] = []
    for sent_start, sent_end in sentence_bounds:
        sentence = text[sent_start:sent_end]
        for match in PAREN.finditer(sentence):
            pair = _pair_at(sentence, match, sent_start)
            if pair is not None:
                pairs.append(pair)
    for match in _colon_matches(text):
        pair = _colon_pair(text, match)
        if pair is not None:
            pairs.append(pair)
    return pairs


def _colon_matches(text: str) -> Iterator[re.Match[str]]:
    """`COLON.finditer(text)`, tried only before each ":" (the name before it has 2 to 13
    characters, none of them ":") rather than at every character of the text."""
    for colon in _occurrences(text, ":"):
        for start in range(max(0, colon - 13), colon - 1):
            match = COLON.match(text, start)
            if match is not None and match.end(1) == colon:
                yield match
                break


def _colon_pair(text: str, match: re.Match[str]) -> AcronymPair | None:
    """"DiPaCo: Distributed Path Composition" -- the capitalised run after the colon (up to
    a preposition or punctuation) spells the short form from its first letter."""
    short = _short_form(match.group(1))
    run = COLON_LONG.match(text, match.end())
    if short is None or sum(c.isupper() for c in short) < 2 or run is None:
        return None
    long = run.group().rstrip()
    if len(long.split()) < 2 or best_long_form(short, long) != 0:
        return None
    return AcronymPair(match.end(), match.end() + len(long), match.start(1), match.end(1), long, short,
                       type_from_head(long))


def _pair_at(sentence: str, match: re.Match[str], offset: int) -> AcronymPair | None:
    inner = match.group(1)
    window = max(0, match.start() - LONG_FORM_CHARS)
    before = sentence[window:match.start()]
    cut = max(before.rfind(c) for c in "()[];:,")
    before = " " * (cut + 1) + before[cut + 1:]  # the long form never crosses these
    here = offset + window  # offsets in `before` are relative to here
    short = _short_form(inner)
    if short is not None:
        words = before.split()
        size = len(_letters(short))
        last_words = words[-min(size + 5, size * 2):]
        if not last_words:
            return None
        region_start = len(before.rstrip()) - len(" ".join(last_words))
        region = before[region_start:].rstrip()
        start = best_long_form(short, region)
        if start is None:
            return None
        long = region[start:]
        if len(long) <= len(short) or len(long.split()) < 2 and "-" not in long:
            return None
        long_start = here + region_start + start
        short_start = offset + match.start(1) + (len(inner) - len(inner.lstrip()))
        return AcronymPair(long_start, long_start + len(long), short_start, short_start + len(short),
                           long, short, type_from_head(long))
    word = WORD_BEFORE.search(before)
    if word is None or len(inner.split()) < 2:
        return None
    short = _short_form(word.group(1))
    if short is None or sum(c.isupper() for c in short) < 2:
        return None
    long = inner.strip()
    start = best_long_form(short, long)
    if start != 0:
        return None
    long_start = offset + match.start(1) + (len(inner) - len(inner.lstrip()))
    short_start = here + word.start(1)
    return AcronymPair(long_start, long_start + len(long), short_start, short_start + len(short),
                       long, short, type_from_head(long))


@Language.component("kg_acronyms")
def acronyms(doc: Doc) -> Doc:
    """Add each pair's long form, definition and every bare use of the short form."""
    st = state(doc)
    text = st.text
    st.acronyms = find_pairs(text, st.sentences.bounds)
    shorts: dict[str, AcronymPair] = {}
    for pair in st.acronyms:
        st.candidates.append(Candidate(pair.long_start, pair.long_end, pair.type, "acronym", f"acr:{pair.short}"))
        base = pair.short[:-1] if pair.short.endswith("s") and pair.short[:-1].isupper() else pair.short
        shorts.setdefault(base, pair)
    for word, form, pair in bare_uses(text, shorts):
        st.candidates.append(Candidate(word.start(), word.start() + len(form), pair.type, "acronym",
                                       f"acr:{pair.short}"))
    return doc


def bare_uses(text: str, shorts: dict[str, AcronymPair]) -> Iterator[tuple[re.Match[str], str, AcronymPair]]:
    """The words of `WORD.finditer(text)` that are a short form of `shorts` or its plural, with
    any full stops after it; with that form and its pair. Such a word starts where a short form
    occurs, so only those places are looked at rather than every word of the text."""
    places = sorted({place for short in shorts for place in _occurrences(text, short)})
    run: range = range(0)  # the run last matched again (see `_run_words`) and its words' starts
    run_words: set[int] = set()
    for place in places:
        if place and text[place - 1] in ".+/":  # a word of the same run may cover the place
            if place not in run:
                run, run_words = _run_words(text, place)
            if place not in run_words:
                continue
        word = WORD.match(text, place)
        if word is None:
            continue
        form = word.group().rstrip(".")
        pair = shorts.get(form) or (shorts.get(form[:-1]) if form.endswith("s") else None)
        if pair is not None:
            yield word, form, pair


def _occurrences(text: str, part: str) -> Iterator[int]:
    place = text.find(part)
    while place >= 0:
        yield place
        place = text.find(part, place + 1)


def _run_words(text: str, place: int) -> tuple[range, set[int]]:
    """The run of `WORD_CHARS` around `place`, and the starts of the words that
    `WORD.finditer(text)` finds in it. No word crosses a character outside the run, so
    finditer comes to the run's start afresh and the run alone can be matched from there."""
    start = end = place
    while start and text[start - 1] in WORD_CHARS:
        start -= 1
    while end < len(text) and text[end] in WORD_CHARS:
        end += 1
    return range(start, end), {word.start() for word in WORD.finditer(text, start, end + 1)}
