"""Paper ids that are the same on every run: given, else arXiv, else derived from the title.

A derived id is a readable slug of the title's first words plus 8 hex digits of the SHA-1
of the normalised title (NFKC, case-folded, whitespace collapsed), e.g.
``point-cloud-network-an-order-1b2c3d4e``. It hashes the title only, not the abstract:
the title is what names a paper, so correcting a typo in an abstract does not rename the
paper's node in every graph built since, and the same paper listed twice with slightly
different abstracts is caught as a duplicate instead of entering the graph twice. A paper
with an empty title is named by its abstract the same way.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

_ARXIV_ID = r"\d{4}\.\d{4,5}|[a-z]+(?:-[a-z]+)*(?:\.[A-Z]{2})?/\d{7}"
_ARXIV_URL = re.compile(
    rf"^(?:https?://)?(?:www\.|export\.)?arxiv\.org/(?:abs|pdf)/({_ARXIV_ID})(?:v\d+)?(?:\.pdf)?/?$")
_SLUG_WORDS = 5
_SLUG_CHARS = 40


def arxiv_id(url: str | None) -> str | None:
    """The versionless arXiv id in an arXiv abs/pdf link, e.g. ``2101.00001`` or ``hep-th/9901001``."""
    if not url:
        return None
    match = _ARXIV_URL.match(url.strip())
    return match.group(1) if match else None


def derived_id(title: str, abstract: str) -> str:
    """The slug-plus-hash id of a paper that has neither a given nor an arXiv id."""
    name = _normalise(title) or _normalise(abstract)
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:8]
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = "-".join(re.findall(r"[a-z0-9]+", ascii_name)[:_SLUG_WORDS])[:_SLUG_CHARS].strip("-")
    return f"{slug or 'paper'}-{digest}"


def _normalise(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())
