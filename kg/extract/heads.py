"""Entity type from a head noun: "... Network" -> Method, "... Benchmark" -> Dataset.

Used for acronym long forms ("Point Cloud Network (PCN)"), appositions ("X, a new
benchmark for ...") and title prefixes ("X: A Scalable Accelerator for ..."). The word
lists are generic vocabulary of the field, not names.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kg.extract.state import NAMES_CACHED
from kg.model import EntityType

HEADS: dict[str, EntityType] = {}
for _type, _words in {
    "Method": "network model architecture framework method algorithm approach technique optimizer "
              "optimization optimisation transformer transformers learning distillation attention "
              "pipeline mechanism module policy strategy scheme encoder decoder backbone tuning "
              "propagation backpropagation regularization normalization alignment composition "
              "annealing sampling decomposition augmentation pruning quantization quantisation "
              "embedding embeddings encoding encodings system compiler library agent prompting "
              "tree perceptron machine machines autoencoder gan pretraining finetuning",
    "Dataset": "dataset datasets benchmark benchmarks corpus corpora suite collection testbed",
    "Hardware": "unit processor processors accelerator accelerators chip chips co-processor "
                "coprocessor supercomputer gpu gpus tpu tpus fpga fpgas asic asics soc socs npu "
                "circuit circuits array arrays card cards board boards",
    "Metric": "accuracy error score rate latency throughput speedup cost footprint efficiency "
              "perplexity precision recall ratio time consumption utilization distance",
    "Task": "detection segmentation recognition generation translation classification estimation "
            "prediction forecasting answering retrieval reconstruction search summarization "
            "parsing tracking captioning localization localisation synthesis transcription "
            "completion understanding reasoning modeling modelling inpainting editing serving",
}.items():
    for _word in _words.split():
        HEADS[_word] = _type  # type: ignore[assignment]


# Verbs with which a paper introduces its own contribution ("we propose X"), and their subjects.
# The naming verbs are followed by the new name itself often enough to take the capitalised
# words after them as a name ("we introduce Habitat 2.0"); the others only mark a known name.
PROPOSAL_SUBJECT = r"(?:[Ww]e|[Tt]his (?:paper|work|study|article|letter|report)|[Oo]ur (?:paper|work))"
SUBJECT_OPENERS = ("we", "We", "this", "This", "our", "Our")  # the first words of PROPOSAL_SUBJECT
_NAMING = "propose|introduce|present|develop|design|devise|build|construct|release|create|curate"
NAMING_VERB = rf"(?:{_NAMING})s?\b"
PROPOSAL_VERB = rf"(?:{_NAMING}|contribute|describe|engineer|implement|term|call|name|dub)(?:s|ed)?\b"

# A size or release of a named model follows the family's name: a size code ("ViT-B",
# "Whisper-Lite-S", "Swift-XL"), a word ("SDXL Turbo", "Llama-2 Chat") or a number ("Llama-2 13B").
# The coined-name rules take a code after capitalised words as part of the name, the proposed
# component marks a proposed name's variants as proposed too, and the entity component splits
# the variants a lexicon entry lists where one abstract names two of them.
SIZE_CODES = frozenset({"S", "M", "L", "XS", "XL", "XXL", "B", "H", "T", "Ti", "G"})
VARIANT_WORDS = frozenset("base small large tiny mini nano medium huge giant lite pro plus max ultra turbo flash "
                          "chat instruct".split())

CONVERSION = re.compile(r"\w+-to-\w+")


@lru_cache(maxsize=NAMES_CACHED)
def type_from_head(phrase: str) -> EntityType | None:
    """The type its last word gives `phrase`, if that word is a known head noun; an
    "X-to-Y" conversion ("text-to-video", "speech-to-text") is a Task."""
    if CONVERSION.fullmatch(phrase.strip()):
        return "Task"
    words = phrase.replace("-", " ").split()
    if not words:
        return None
    head = words[-1].lower()
    return HEADS.get(head) or (HEADS.get(head[:-1]) if head.endswith("s") else None)


DESCRIPTION_END = re.compile(r"\b(?:for|that|which|to|with|of|on|in|designed|based|built|trained|tailored|"
                             r"consisting|where|and|via|using|from|by|at)\b|[.;:()]")
WORD = re.compile(r"[\w-]+")


def type_of_description(description: str) -> EntityType | None:
    """The type of "[a] artist-authored, annotated 3D dataset of ...": the last head noun
    before the first preposition or stop, among at most eight words."""
    end = DESCRIPTION_END.search(description)
    words = WORD.findall(description[:end.start()] if end else description)[:8]
    for word in reversed(words):
        type_ = type_from_head(word)
        if type_ is not None:
            return type_
    return None
