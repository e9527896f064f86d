"""Tokenizer changes for abstracts (documented here because patterns depend on them).

- ``~`` between two non-spaces is split off: LaTeX's non-breaking space ("utilize~proxy
  tasks", "GPU~hours") otherwise glues two words into one token the lexicon cannot match.
- "/" between digits is split ("CIFAR-10/100" -> "CIFAR-10", "/", "100"), so the first
  name is found.
- A sentence's full stop after a name ending in an internal capital ("... on a RISC-V SoC.")
  is split off: spaCy splits "." only after a lower-case letter or two capitals, so "SoC."
  stayed one token the lexicon could not match.
- A number glued to ``times`` ("6times", LaTeX debris of ``6$\\times$``) is split, so the
  number and the word are tokens of their own.
- Linear time on long runs of punctuation: spaCy strips affixes one at a time, copying the
  rest of the token and searching the ``...$``-anchored suffix regex over all of it each
  time, which is quadratic on a long run of affix characters ("((((...", "))))...", 1 MB of
  them). So a run of four or more identical punctuation characters is one affix.
- No-op special cases are dropped (a one-character rule giving that same character, such as
  "\n", "\t" or "—"). They change no token, but spaCy stops caching the tokenization of
  whitespace-separated chunks for the rest of a text once any special case has matched, and
  every paper's text has the "\n" between title and abstract: without the cache each chunk
  goes through the prefix, suffix and infix regexes again, which made tokenizing four times
  slower. The chunk cache also holds more than spaCy's default 10,000 chunks.
Lexicon patterns are tokenized by this same tokenizer, so names split exactly as the text.
"""

from __future__ import annotations

from spacy.attrs import ORTH
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex, compile_suffix_regex

EXTRA_INFIXES = (r"(?<=\S)~(?=\S)", r"(?<=[0-9])(?=times\b)", r"(?<=[0-9])/(?=[0-9])")
# A run of four or more identical punctuation characters is one affix (named groups: spaCy
# joins the patterns into one alternation).
PREFIX_RUN = r"(?P<prefix_run>[^\w\s])(?P=prefix_run){3,}"
SUFFIX_RUN = r"(?P<suffix_run>[^\w\s])(?P=suffix_run){3,}"
CAMEL_FULL_STOP = r"(?<=[a-z][A-Z])\."
CHUNK_CACHE_SIZE = 100_000
"""Whitespace-separated chunks whose tokenization is cached (about 10 MB at 100,000)."""


def customise_tokenizer(nlp: Language) -> None:
    infixes = list(nlp.Defaults.infixes or ()) + list(EXTRA_INFIXES)
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    nlp.tokenizer.prefix_search = compile_prefix_regex([PREFIX_RUN, *(nlp.Defaults.prefixes or ())]).search
    nlp.tokenizer.suffix_search = compile_suffix_regex([SUFFIX_RUN, *(nlp.Defaults.suffixes or ()),
                                                        CAMEL_FULL_STOP]).search
    nlp.tokenizer.rules = {text: tokens for text, tokens in (nlp.tokenizer.rules or {}).items()
                           if not _is_no_op(text, tokens)}
    nlp.tokenizer.max_cache_size = max(nlp.tokenizer.max_cache_size, CHUNK_CACHE_SIZE)


def _is_no_op(text: str, tokens: list[dict[int, str]]) -> bool:
    """Whether the special case `text` -> `tokens` gives the token the tokenizer would give
    anyway: one character, one token, with no attribute but its text."""
    return len(text) == 1 and tokens == [{ORTH: text}]
