"""Tokenizer changes for abstracts (documented here because patterns depend on them).

- ``~`` between two non-spaces is split off: LaTeX's non-breaking space ("utilize~proxy
  tasks", "GPU~hours") otherwise glues two words into one token the lexicon cannot match.
- "/" between digits is split ("CIFAR-10/100" -> "CIFAR-10", "/", "100"), so the first
  name is found.
- A number glued to ``times`` ("6times", LaTeX debris of ``6$\\times$``) is split, so the
  number and the word are tokens of their own.
- Linear time on pathological input: spaCy strips affixes one at a time, copying the rest
  of the token and searching a ``...$``-anchored suffix regex over all of it each time, which
  is quadratic on a long run of affix characters ("((((...", "))))...", 1 MB of them). So a
  run of four or more identical punctuation characters is one affix, and the suffix search
  looks at the last 40 characters only (spaCy uses just the length of the match; no suffix
  rule needs more than a few characters).
Lexicon patterns are tokenized by this same tokenizer, so names split exactly as the text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

EXTRA_INFIXES = (r"(?<=\S)~(?=\S)", r"(?<=[0-9])(?=times\b)", r"(?<=[0-9])/(?=[0-9])")
SUFFIX_WINDOW = 40
PUNCTUATION_RUN = re.compile(r"([^\w\s])\1{3,}")


@dataclass(frozen=True, slots=True)
class _Affix:
    """What spaCy needs of an affix match: its length (as end() - start())."""

    length: int

    def start(self) -> int:
        return 0

    def end(self) -> int:
        return self.length


def _prefix_search(prefixes: re.Pattern[str]) -> Callable[[str], object]:
    def search(token: str) -> object:
        return PUNCTUATION_RUN.match(token) or prefixes.search(token)
    return search


def _suffix_search(suffixes: re.Pattern[str]) -> Callable[[str], object]:
    def search(token: str) -> object:
        last = token[-1:]
        if last and not last.isalnum() and not last.isspace() and token.endswith(last * 4):
            return _Affix(len(token) - len(token.rstrip(last)))
        return suffixes.search(token[-SUFFIX_WINDOW:])
    return search


def customise_tokenizer(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes or ()) + list(EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.prefix_search = _prefix_search(compile_prefix_regex(nlp.Defaults.prefixes or ()))
    nlp.tokenizer.suffix_search = _suffix_search(compile_suffix_regex(nlp.Defaults.suffixes or ()))
