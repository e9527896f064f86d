"""The records that cross stage boundaries.

    corpus readers -> Paper -> extract -> PaperExtraction -> graph

`Paper` is what a reader makes of one input record. `PaperExtraction` is what the
extractor finds in one paper; it is also the line format of `kg extract` (see
`PaperExtraction.to_dict`). Offsets are character offsets into `Paper.text`, i.e.
``title + "\\n" + abstract``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

EntityType = Literal["Method", "Dataset", "Hardware", "Metric", "Task"]
ENTITY_TYPES: tuple[EntityType, ...] = ("Method", "Dataset", "Hardware", "Metric", "Task")


class _Record:
    """Pickles as a call of its class with its fields in order. `--jobs` ships these records
    between processes, and Python 3.11 pickles a slotted dataclass through `dataclasses.fields`
    for every object: this way pickling and unpickling take ~30 % less time."""

    __slots__ = ()
    __match_args__: tuple[str, ...]

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return type(self), tuple([getattr(self, name) for name in self.__match_args__])


@dataclass(frozen=True, slots=True)
class Paper(_Record):
    """One title + abstract, with what the source says about it."""

    id: str
    title: str
    abstract: str
    url: str | None = None
    year: int | None = None
    authors: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def text(self) -> str:
        """The text that extraction runs on and that every offset points into."""
        return f"{self.title}\n{self.abstract}"


@dataclass(frozen=True, slots=True)
class Mention(_Record):
    """One occurrence of an entity: where it is and which rule found it.

    `rule` names the component and, for the lexicon, the entry: ``"lexicon:CIFAR-10"``,
    ``"acronym"``, ``"coined:dataset-context"``, ``"title-prefix"`` ...
    """

    start: int
    end: int
    text: str
    sentence: str
    rule: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text,
                "sentence": self.sentence, "rule": self.rule}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return cls(start=int(data["start"]), end=int(data["end"]), text=str(data.get("text", "")),
                   sentence=str(data.get("sentence", "")), rule=str(data.get("rule", "")))


@dataclass(frozen=True, slots=True)
class Entity(_Record):
    """One entity of one paper, named once however often it appears.

    `name` is the preferred name within the paper (the lexicon's canonical name, else the
    long form of an acronym pair, else the first surface form); `aliases` the other surface
    forms the abstract uses. `long_form` and `acronym` are set when the abstract defines an
    acronym for it: cross-paper resolution uses them to keep apart two papers' same letters
    with different meanings. `lexicon` is the canonical name of the lexicon entry matched;
    `wikidata` and, of a metric, `lower_is_better` (whether its lowest value is the best) are
    what that entry says, None where it says nothing (and in `kg extract` lines written
    before the lexicon said it).
    """

    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    proposed: bool = False
    mentions: tuple[Mention, ...] = ()
    lexicon: str | None = None
    wikidata: str | None = None
    long_form: str | None = None
    acronym: str | None = None
    lower_is_better: bool | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"type": self.type, "name": self.name, "aliases": list(self.aliases),
                                "proposed": self.proposed,
                                "mentions": [m.to_dict() for m in self.mentions]}
        for key in ("lexicon", "wikidata", "long_form", "acronym", "lower_is_better"):
            if getattr(self, key) is not None:
                data[key] = getattr(self, key)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entity:
        return cls(type=data["type"], name=data["name"], aliases=tuple(data.get("aliases", ())),
                   proposed=bool(data.get("proposed", False)),
                   mentions=tuple(Mention.from_dict(m) for m in data.get("mentions", ())),
                   lexicon=data.get("lexicon"), wikidata=data.get("wikidata"),
                   long_form=data.get("long_form"), acronym=data.get("acronym"),
                   lower_is_better=data.get("lower_is_better"))


@dataclass(frozen=True, slots=True)
class Result(_Record):
    """A number the abstract reports about a metric (ANNOTATION.md, "Results").

    `metric`, `dataset` and `method` are names as the paper's entities give them
    (an `Entity.name` or one of its aliases); `start`/`end` span the number in `Paper.text`.
    """

    metric: str
    value: float
    unit: str
    relative: bool
    sentence: str
    start: int
    end: int
    dataset: str | None = None
    method: str | None = None

    def to_dict(self) -> dict[str, Any]:
        value: float | int = int(self.value) if float(self.value).is_integer() else self.value
        return {"metric": self.metric, "value": value, "unit": self.unit,
                "dataset": self.dataset, "method": self.method, "relative": self.relative,
                "sentence": self.sentence, "start": self.start, "end": self.end}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Result:
        return cls(metric=data["metric"], value=float(data["value"]), unit=data.get("unit", ""),
                   relative=bool(data.get("relative", False)), sentence=data.get("sentence", ""),
                   start=int(data.get("start", 0)), end=int(data.get("end", 0)),
                   dataset=data.get("dataset"), method=data.get("method"))


@dataclass(frozen=True, slots=True)
class PaperExtraction(_Record):
    """Everything extraction found in one paper, with the paper it came from."""

    paper: Paper
    entities: tuple[Entity, ...] = ()
    results: tuple[Result, ...] = ()

    @property
    def id(self) -> str:
        return self.paper.id

    def to_dict(self) -> dict[str, Any]:
        """The `kg extract` line: the format of issue 3 plus the paper's metadata."""
        data: dict[str, Any] = {"id": self.paper.id, "title": self.paper.title}
        if self.paper.url is not None:
            data["url"] = self.paper.url
        if self.paper.year is not None:
            data["year"] = self.paper.year
        if self.paper.authors:
            data["authors"] = list(self.paper.authors)
        data["entities"] = [e.to_dict() for e in self.entities]
        data["results"] = [r.to_dict() for r in self.results]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PaperExtraction:
        paper = Paper(id=data["id"], title=data.get("title", ""), abstract=data.get("abstract", ""),
                      url=data.get("url"), year=data.get("year"),
                      authors=tuple(data.get("authors", ())))
        return cls(paper=paper,
                   entities=tuple(Entity.from_dict(e) for e in data.get("entities", ())),
                   results=tuple(Result.from_dict(r) for r in data.get("results", ())))
