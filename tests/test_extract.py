"""Extraction components on sentences written for the tests, with a small test lexicon."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.corpus import read_papers
from kg.errors import KgInputError
from kg.extract import Extractor
from kg.extract.coined import CUE
from kg.extract.lexicon import case_insensitive, read_lexicon, surface_variants
from kg.extract.metrics import HEAD
from kg.extract.proposed import VERB
from kg.extract.words import WordPattern
from kg.model import Paper, PaperExtraction

LEXICON = {
    "method.tsv": ["Transformer\ttransformer\t", "ResNet-50\t\t", "AlexNet\t\t", "backpropagation\tbackprop\tQ798503",
                   "Masked Autoencoder\tmasked autoencoders\t", "DARTS\t\t", "quantization\t\t",
                   "Whisper\tWhisper large-v3\t", "Open-Sora\t\t"],
    "dataset.tsv": ["# image classification", "CIFAR-10\t\t", "ImageNet\tILSVRC\t", "ETT\tETTh1 | ETTm2\t",
                    "Electricity\t\t"],
    "hardware.tsv": ["GPU\tgraphics processing unit\t", "RTX 4090\t\t", "A100\t\t", "RISC-V\t\t",
                     "system on chip\tSoC\t"],
    "metric.tsv": ["accuracy\t\t\thigher", "top-1 accuracy\ttop-1\t", "top-5 accuracy\ttop-5\t", "top-1 error\t\t",
                   "top-5 error\ttop-5 error rate\t", "test error\t\t", "latency\t\t", "speedup\tspeed-up\t",
                   "GPU hours\t\t", "parameters\t\t", "BLEU\t\t", "throughput\t\t", "energy\t\t",
                   "MAE\tmean absolute error\t", "inference time\truntime\t", "memory\tmemory consumption\t",
                   "perplexity\t\t", "FVD\t\t", "real-time factor\tRTF\t", "GPU memory\t\t", "FID\t\t\tlower"],
    "task.tsv": ["image classification\t\t", "machine translation\t\t", "3D object detection\t\t"],
    "software.tsv": ["PyTorch\t\t", "CUDA\t\t"],
    "generic.tsv": ["machine learning\tML\t", "fine-tuning\tfinetuning\t"],
}


@pytest.fixture(scope="module")
def lexicon_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("lexicon")
    for name, rows in LEXICON.items():
        header = "name\taliases\twikidata" + ("\tbetter" if name == "metric.tsv" else "")
        (directory / name).write_text(header + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return directory


@pytest.fixture(scope="module")
def extractor(lexicon_dir: Path) -> Extractor:
    return Extractor(lexicon_dir=lexicon_dir)


def run(extractor: Extractor, abstract: str, title: str = "A study") -> PaperExtraction:
    extraction = extractor.extract(Paper("t-1", title, abstract))
    text = extraction.paper.text
    for entity in extraction.entities:  # evidence offsets hold for every extraction made here
        for mention in entity.mentions:
            assert text[mention.start:mention.end] == mention.text
            assert mention.text in mention.sentence
    for result in extraction.results:
        assert result.sentence in text and text[result.start:result.end]
    return extraction


def by_name(extraction: PaperExtraction) -> dict[str, tuple[str, ...]]:
    return {e.name: (e.type, *sorted(e.aliases)) for e in extraction.entities}


def results_of(extraction: PaperExtraction) -> list[tuple[str, float, str, bool]]:
    return [(r.metric, r.value, r.unit, r.relative) for r in extraction.results]


# --- lexicon ---------------------------------------------------------------------------

def test_variants_cover_hyphen_space_and_plural_spellings() -> None:
    assert {"CIFAR-10", "CIFAR10", "CIFAR 10"} <= surface_variants("CIFAR-10")
    assert {"RTX 4090", "RTX4090", "RTX-4090", "RTX 4090s"} <= surface_variants("RTX 4090")
    assert {"GPU", "GPUs"} <= surface_variants("GPU")
    assert "latencies" in surface_variants("latency")
    assert "pretraining" in surface_variants("pre-training")
    assert {"MobileNet-V2", "MobileNet V2"} <= surface_variants("MobileNetV2")


def test_case_rule_keeps_short_capitals_exact_and_folds_phrases() -> None:
    assert case_insensitive("image classification")
    assert case_insensitive("Direct Preference Optimization")
    assert case_insensitive("ImageNet") and case_insensitive("MobileNetV2")
    assert not case_insensitive("BERT")
    assert not case_insensitive("GPT-4")
    assert not case_insensitive("Theta")


def test_lexicon_reads_types_aliases_and_wikidata(lexicon_dir: Path) -> None:
    entries = {e.name: e for e in read_lexicon(lexicon_dir)}
    assert entries["backpropagation"].aliases == ("backprop",)
    assert entries["backpropagation"].wikidata == "Q798503"
    assert entries["PyTorch"].type is None
    assert entries["CIFAR-10"].type == "Dataset"


def test_a_lexicon_metric_carries_its_direction_into_the_extraction_line(extractor: Extractor) -> None:
    """The direction of the lexicon's ``better`` column; none where the entry gives none, and none
    read from a line written without it."""
    extraction = run(extractor, "It reaches an FID of 3.1 and 80.2% accuracy at a latency of 12 ms.")
    line = extraction.to_dict()
    assert {e["name"]: e.get("lower_is_better") for e in line["entities"]} == {
        "FID": True, "accuracy": False, "latency": None}
    assert PaperExtraction.from_dict(line).entities == extraction.entities
    for entity in line["entities"]:
        entity.pop("lower_is_better", None)
    assert {e.lower_is_better for e in PaperExtraction.from_dict(line).entities} == {None}


def test_lexicon_matches_spelling_variants_as_one_entity(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We train on CIFAR10 and report CIFAR-10 numbers on 8 A100s "
                                   "and an RTX4090 with Transformers."))
    assert found["CIFAR-10"] == ("Dataset", "CIFAR10")
    assert found["A100"] == ("Hardware", "A100s")
    assert found["RTX 4090"] == ("Hardware", "RTX4090")
    assert found["Transformer"] == ("Method", "Transformers")


def test_case_rule_in_text(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Image Classification and imagenet results.", title="Machine Translation"))
    assert found["image classification"][0] == "Task"
    assert found["machine translation"][0] == "Task"
    assert found["ImageNet"][0] == "Dataset"


def test_a_case_sensitive_name_matches_only_in_its_own_case(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We report MAE and FID with a Transformer; the mae of a fid is "
                                   "not the transformer's."))
    assert found["MAE"] == ("Metric",) and found["FID"] == ("Metric",)
    assert found["Transformer"] == ("Method", "transformer")  # its alias is written in lower case


def test_case_rule_folds_the_d_of_3d_and_spelling_variants() -> None:
    assert case_insensitive("3D object detection")
    assert "quantisation" in surface_variants("quantization")
    assert "normalising flows" in surface_variants("normalizing flow")


def test_3d_task_matches_in_a_title(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We study it.", title="Sparse Voxels for 3D Object Detection"))
    assert found["3D object detection"] == ("Task", "3D Object Detection")


def test_generic_names_and_the_acronyms_they_define_are_no_entities(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Modern machine learning (ML) needs ML compilers and careful finetuning "
                                   "of AlexNet."))
    assert set(found) == {"AlexNet"}

def test_software_is_never_an_entity_and_blocks_other_rules(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Our kernels are written in PyTorch and CUDA for the GPU."))
    assert "PyTorch" not in found and "CUDA" not in found
    assert found["GPU"][0] == "Hardware"


def test_longest_match_wins_and_inner_names_are_not_mentions(extractor: Extractor) -> None:
    extraction = run(extractor, "Search costs 200 GPU hours on the CIFAR-10 dataset.")
    found = by_name(extraction)
    assert found["GPU hours"][0] == "Metric"
    assert "GPU" not in found
    cifar = next(e for e in extraction.entities if e.name == "CIFAR-10")
    assert [m.text for m in cifar.mentions] == ["CIFAR-10"]


# --- sentences ------------------------------------------------------------------------

def test_title_is_its_own_sentence_and_abbreviations_do_not_split(extractor: Extractor) -> None:
    extraction = run(extractor, "As shown by Smith et al. (2020), the GPU helps, e.g. for batch 3.5 runs. "
                                "Accuracy improves.", title="GPU Study. Part two")
    gpu = next(e for e in extraction.entities if e.name == "GPU")
    sentences = [m.sentence for m in gpu.mentions]
    assert sentences[0] == "GPU Study. Part two"
    assert sentences[1] == "As shown by Smith et al. (2020), the GPU helps, e.g. for batch 3.5 runs."


# --- acronyms -------------------------------------------------------------------------

def test_acronym_long_form_first_and_later_bare_uses(extractor: Extractor) -> None:
    extraction = run(extractor, "We propose the Sparse Routing Network (SRN) for long inputs. "
                                "SRN is simple, and two SRNs can be stacked.")
    srn = next(e for e in extraction.entities if e.acronym == "SRN")
    assert (srn.type, srn.name, srn.long_form, srn.proposed) == ("Method", "Sparse Routing Network",
                                                                 "Sparse Routing Network", True)
    assert set(srn.aliases) == {"SRN", "SRNs"}
    assert len(srn.mentions) == 4


def test_acronym_short_form_first(extractor: Extractor) -> None:
    extraction = run(extractor, "Prior work used GCA (gated cross attention) in decoders. GCA is costly.")
    gca = next(e for e in extraction.entities if e.acronym == "GCA")
    assert (gca.type, gca.long_form, len(gca.mentions)) == ("Method", "gated cross attention", 3)
    assert not gca.proposed


def test_acronym_defined_by_a_colon(extractor: Extractor) -> None:
    extraction = run(extractor, "We build on it. TriMoE works well.", title="TriMoE: Triple Mixture of Experts for Speech")
    trimox = next(e for e in extraction.entities if e.acronym == "TriMoE")
    assert (trimox.name, trimox.proposed, set(trimox.aliases)) == ("Triple Mixture of Experts", True, {"TriMoE"})


def test_acronym_typed_by_head_noun(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We release the Long Horizon Benchmark (LHB). Prior work studies "
                                   "Dense Caption Generation (DCG) with a Tensor Streaming Processor (TSP)."))
    assert found["Long Horizon Benchmark"][0] == "Dataset"
    assert found["Dense Caption Generation"][0] == "Task"
    assert found["Tensor Streaming Processor"][0] == "Hardware"


def test_acronym_typed_by_lexicon(extractor: Extractor) -> None:
    extraction = run(extractor, "Each graphics processing unit (GPU) runs one shard.")
    gpu = next(e for e in extraction.entities if e.type == "Hardware")
    assert gpu.name == "GPU" and gpu.lexicon == "GPU"
    assert set(gpu.aliases) == {"graphics processing unit"}



def test_long_form_decides_the_meaning_of_a_shared_acronym(extractor: Extractor) -> None:
    extraction = run(extractor, "We pretrain masked autoencoders (MAE) on sketches. MAE then transfers to maps.")
    found = by_name(extraction)
    assert found["Masked Autoencoder"] == ("Method", "MAE", "masked autoencoders")
    assert not any(e.type == "Metric" for e in extraction.entities)
    assert by_name(run(extractor, "The forecaster lowers MAE by 3%."))["MAE"] == ("Metric",)


def test_initialled_name_joins_its_spelled_out_form(extractor: Extractor) -> None:
    extraction = run(extractor, "We present Low-Rank DARTS for search. In tests LR-DARTS is stable.")
    lr = next(e for e in extraction.entities if "LR-DARTS" in (e.name, *e.aliases))
    assert {lr.name, *lr.aliases} == {"Low-Rank DARTS", "LR-DARTS"} and lr.proposed

# --- coined names ---------------------------------------------------------------------

def test_coined_names_typed_by_context(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Experiments on the Glimmer-QA benchmark run on two TX9000 accelerators, "
                                   "compared with VortexNet and models such as Halo-7B."))
    assert found["Glimmer-QA"][0] == "Dataset"
    assert found["TX9000"][0] == "Hardware"
    assert found["VortexNet"][0] == "Method"
    assert found["Halo-7B"][0] == "Method"


def test_coined_name_takes_the_type_of_a_listed_neighbour(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We evaluate on ImageNet, QUOKKA and CIFAR-10."))
    assert found["QUOKKA"][0] == "Dataset"


def test_plain_words_and_setup_shapes_are_not_coined_names(extractor: Extractor) -> None:
    found = by_name(run(extractor, "The 3D scenes use 8B models on multi-GPU nodes. Large-Scale IoT data."))
    assert found == {"GPU": ("Hardware",)} or "GPU" not in found
    assert not {"3D", "8B", "multi-GPU", "Large-Scale", "IoT"} & set(found)


def test_counts_versions_descriptors_and_adjectives_are_not_coined_names(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Models of 70B+ parameters run 12X faster in the 2D-to-3D lift of release "
                                   "V3.2, an LLM-Native and AI-Driven design. FLARE (fast LAyouts and "
                                   "REndering) needs an API and CAD files."))
    assert not {"70B+", "12X", "2D-to-3D", "V3.2", "LLM-Native", "AI-Driven", "LAyouts", "REndering", "API",
                "CAD"} & set(found)


def test_title_case_runs_that_name_nothing(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Many believe that Vision Models help. It is a bot, Orca-Q Our code is "
                                   "public. It runs on Streaming Sparse Accelerators with Cosine Step Annealing."))
    assert "Vision Models" not in found
    assert not any(name.endswith("Our") for name in found)
    assert found["Streaming Sparse Accelerators"] == ("Hardware",)
    assert found["Cosine Step Annealing"] == ("Method",)


def test_gpu_architectures_need_gpu_context(extractor: Extractor) -> None:
    extraction = run(extractor, "We compare Volta, Turing and Blackwell GPU generations. Turing proposed "
                                "a test. Pascal wrote essays.")
    mentions = {e.name: [m.text for m in e.mentions] for e in extraction.entities}
    assert mentions == {"Volta": ["Volta"], "Turing": ["Turing"], "Blackwell GPU": ["Blackwell GPU"]}
    assert {e.type for e in extraction.entities} == {"Hardware"}


def test_supercomputer_names(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Training used 512 nodes of the Zephyr supercomputer, the region's "
                                   "first Petascale supercomputer."))
    assert found["Zephyr"] == ("Hardware",)
    assert "Petascale" not in found


def test_device_class_after_a_device_name(extractor: Extractor) -> None:
    extraction = run(extractor, "We train on 64 A100 GPUs and deploy on a RISC-V SoC.")
    mentions = {e.name: [m.text for m in e.mentions] for e in extraction.entities}
    assert mentions == {"A100": ["A100"], "RISC-V": ["RISC-V SoC"]}

def test_title_prefix_is_a_proposed_method(extractor: Extractor) -> None:
    extraction = run(extractor, "ZebraFormer attends to stripes.", title="ZebraFormer: Striped Attention")
    zebra = next(e for e in extraction.entities if e.name == "ZebraFormer")
    assert (zebra.type, zebra.proposed, len(zebra.mentions)) == ("Method", True, 2)


def test_title_prefix_typed_as_dataset_by_title_head(extractor: Extractor) -> None:
    extraction = run(extractor, "We collect programs.", title="CodeArena: A Benchmark for Program Repair")
    arena = next(e for e in extraction.entities if e.name == "CodeArena")
    assert (arena.type, arena.proposed) == ("Dataset", True)


def test_short_title_prefix_is_a_name_a_longer_phrase_must_recur(extractor: Extractor) -> None:
    silent = run(extractor, "We tag audio clips.", title="Silent Heron: Audio Tagging at Scale")
    assert next(e for e in silent.entities if e.name == "Silent Heron").proposed
    slogan = run(extractor, "We tag audio clips.", title="Bigger Is Not Better: Audio Tagging at Scale")
    assert not any(e.name == "Bigger Is Not Better" for e in slogan.entities)

def test_title_prefix_before_a_dash(extractor: Extractor) -> None:
    extraction = run(extractor, "Quill-QS prunes weights.", title="Quill-QS -- quantised sparse pruning")
    assert next(e for e in extraction.entities if e.name == "Quill-QS").proposed


def test_task_named_in_the_title(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We study it.", title="Seeing Far: Efficient Coral Reef Segmentation with Drones"))
    assert found["Coral Reef Segmentation"] == ("Task",)
    found = by_name(run(extractor, "We study it.", title="Better Models for Machine Translation"))
    assert found == {"machine translation": ("Task", "Machine Translation")}


def test_conversion_long_forms_are_tasks(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Prior work studies sketch-to-mesh (S2M) and text-to-motion (T2M) settings."))
    assert found["sketch-to-mesh"] == ("Task", "S2M")
    assert found["text-to-motion"] == ("Task", "T2M")


def test_names_made_from_known_ones(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We compare the Evolved Transformer on Nvidia GPUs and report "
                                   "throughput per DSP."))
    assert found["Evolved Transformer"][0] == "Method"
    assert found["Nvidia GPUs"][0] == "Hardware"
    assert found["throughput per DSP"][0] == "Metric"
    assert "Transformer" not in found and "GPU" not in found


def test_metric_phrases_need_a_cue_or_a_quantity(extractor: Extractor) -> None:
    extraction = run(extractor, "It reduces machine footprint by up to 19x and its acceptance length by 25%. "
                                "The design space is large.")
    found = by_name(extraction)
    assert found["machine footprint"][0] == "Metric" and found["acceptance length"][0] == "Metric"
    assert results_of(extraction) == [("machine footprint", 19.0, "x", True), ("acceptance length", 25.0, "%", True)]
    assert "design space" not in found


def test_generic_metric_words_need_to_be_reported(extractor: Extractor) -> None:
    assert "energy" not in by_name(run(extractor, "The energy sector grows fast."))
    assert by_name(run(extractor, "We cut the energy of chips."))["energy"] == ("Metric",)
    assert by_name(run(extractor, "We study latency and energy of chips."))["energy"] == ("Metric",)


def test_metric_words_that_name_no_measure(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Caching helps at inference time and is used to speed up the search "
                                   "with a larger batch size."))
    assert not {"inference time", "speedup", "batch size"} & set(found)
    found = by_name(run(extractor, "It gives a 3x speed-up and lower inference time."))
    assert found["speedup"][0] == "Metric" and found["inference time"][0] == "Metric"


def test_generic_metric_known_by_its_lexicon_name(extractor: Extractor) -> None:
    assert "memory" not in by_name(run(extractor, "The memory consumption of agents is a topic."))
    assert by_name(run(extractor, "It cuts the memory consumption by 2x."))["memory"][0] == "Metric"


def test_task_used_as_a_modifier_is_not_a_task(extractor: Extractor) -> None:
    assert "machine translation" not in by_name(run(extractor, "We build a machine translation framework."))
    assert by_name(run(extractor, "We study machine translation."))["machine translation"] == ("Task",)

def test_web_addresses_hold_no_names_or_results(extractor: Extractor) -> None:
    extraction = run(extractor, "Code: https://github.com/FooLab/BarNet-2 and huggingface.co/XYZ100/GPU "
                                "reach 90% accuracy.")
    assert {e.name for e in extraction.entities} == {"accuracy"}
    assert results_of(extraction) == [("accuracy", 90.0, "%", False)]


def test_overlapping_spellings_of_one_name_keep_the_first(lexicon_dir: Path, tmp_path: Path) -> None:
    for name in LEXICON:
        (tmp_path / name).write_text((lexicon_dir / name).read_text(encoding="utf-8"), encoding="utf-8")
    with open(tmp_path / "hardware.tsv", "a", encoding="utf-8") as handle:
        handle.write("H200\t200 GPU\t\n")
    extraction = Extractor(lexicon_dir=tmp_path).extract(Paper("x", "T", "We train on H200 GPUs."))
    # "H200" wins over "200 GPU"; the class word after a model number is part of its mention
    assert [m.text for e in extraction.entities for m in e.mentions] == ["H200"]


def test_evidence_of_an_overlong_sentence_is_a_window(extractor: Extractor) -> None:
    extraction = run(extractor, "word " * 1000 + "on the GPU " + "word " * 1000 + ".")
    mention = extraction.entities[0].mentions[0]
    assert mention.text == "GPU" and "on the GPU" in mention.sentence and len(mention.sentence) <= 603


def test_pathological_inputs_are_handled(extractor: Extractor) -> None:
    for text in ("(" * 5000 + "x" + ")" * 5000, "A-" * 5000, "1-" * 5000, "We propose FooNet (FN). " * 500):
        extraction = run(extractor, text)
        assert len(extraction.entities) <= 2


# --- proposed -------------------------------------------------------------------------

def test_a_word_pattern_finds_what_its_regular_expression_finds() -> None:
    pattern = WordPattern(r"\b(?:costs?|we propose)\b", ["cost", "costs", "we"])
    assert pattern.openers == ("we", "cost")  # "costs" is found by "cost"
    for text in ("costs cost", "the lowest costs, we propose", "we propose_ we propose", "_we propose",
                 "éwe propose", "3cost", "cost", "", "We propose"):
        assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in pattern.pattern.finditer(text)]


def test_the_cue_and_head_patterns_miss_nothing_of_the_bundled_listing() -> None:
    """Their openers are all the words their matches can start with."""
    texts = [paper.text for paper in read_papers()]
    for pattern in (CUE, VERB, HEAD):
        found = [[m.span() for m in pattern.finditer(text)] for text in texts]
        assert found == [[m.span() for m in pattern.pattern.finditer(text)] for text in texts]
        assert sum(map(len, found)) > 50


def test_proposal_cues(extractor: Extractor) -> None:
    extraction = run(extractor, "In this paper, we introduce HelixNet, a network for proteins. "
                                "We also build a compiler called Tiler. HelixNet beats AlexNet and our "
                                "StripeNorm layer helps. It is compared with VortexNet.")
    proposed = {e.name: e.proposed for e in extraction.entities}
    assert proposed["HelixNet"] and proposed["Tiler"] and proposed["StripeNorm"]
    assert not proposed["AlexNet"] and not proposed["VortexNet"]


def test_gerund_cue_and_names_with_connectives(extractor: Extractor) -> None:
    extraction = run(extractor, "We speed up decoding by introducing a Mixture of Drafters for long prompts. "
                                "Its gate is a module called Sparse Token and Head Router.")
    proposed = {e.name: e.proposed for e in extraction.entities}
    assert proposed["Mixture of Drafters"]
    assert "Sparse Token and Head Router" in proposed

def test_quoted_name_after_a_naming_verb(extractor: Extractor) -> None:
    extraction = run(extractor, "We call this layout a \"ring-lite\" topology, and it halves cabling. "
                                "Others call it \"cheap\" too, they say.")
    ring = next(e for e in extraction.entities if e.name == "ring-lite")
    assert ring.proposed and ring.type == "Method"
    assert "cheap" not in by_name(extraction)

def test_lexicon_names_are_not_proposed_by_cues(extractor: Extractor) -> None:
    extraction = run(extractor, "We present backpropagation through Transformer layers.")
    assert not any(e.proposed for e in extraction.entities)


# --- results --------------------------------------------------------------------------

def test_results_with_latex_debris_units_and_relative(extractor: Extractor) -> None:
    extraction = run(extractor, "On ImageNet, our FooNet achieves 2.08\\% test error with only 5.7M "
                                "parameters, while using 6times fewer parameters than ResNet-50.")
    assert results_of(extraction) == [("test error", 2.08, "%", False), ("parameters", 5.7, "M", False),
                                      ("parameters", 6.0, "x", True)]
    first = extraction.results[0]
    assert (first.dataset, first.method) == ("ImageNet", "FooNet")
    assert extraction.paper.text[first.start:first.end].startswith("2.08")


def test_results_with_dollar_times_forms(extractor: Extractor) -> None:
    extraction = run(extractor, "It yields a $3.5\\times$ speedup. A 4 $\\times$ lower latency follows.")
    assert results_of(extraction) == [("speedup", 3.5, "x", True), ("latency", 4.0, "x", True)]


def test_ranges_and_from_to_give_both_ends(extractor: Extractor) -> None:
    extraction = run(extractor, "The method improves accuracy by 10-20%. It cuts latency from 40 ms to 12 ms. "
                                "A speedup of 15x to 31x follows.")
    assert results_of(extraction) == [("accuracy", 10.0, "%", True), ("accuracy", 20.0, "%", True),
                                      ("latency", 40.0, "ms", False), ("latency", 12.0, "ms", False),
                                      ("speedup", 15.0, "x", True), ("speedup", 31.0, "x", True)]


def test_factors_from_a_to_b_are_relative(extractor: Extractor) -> None:
    # "from A to B" reports two absolute figures, but a factor is a change whatever precedes it:
    # these speedups were absolute results, and made a speedup leaderboard of them
    extraction = run(extractor, "We demonstrate speedups ranging from 2x to 13x on various benchmarks "
                                "compared with an unfused baseline.")
    assert results_of(extraction) == [("speedups", 2.0, "x", True), ("speedups", 13.0, "x", True)]


def test_both_ends_of_a_range_are_relative_or_neither(extractor: Extractor) -> None:
    # the cue before a range ("by") did not reach past the first end's decimal point, nor the
    # cue after one ("better") back to its first end: one end of the same figure was absolute
    extraction = run(extractor, "It cuts latency by 12.4% to 17.5% on ImageNet. Its accuracy is 3.1% to "
                                "5.2% better than ResNet-50. Latency drops from 40.5 ms to 12.5 ms.")
    assert results_of(extraction) == [("latency", 12.4, "%", True), ("latency", 17.5, "%", True),
                                      ("accuracy", 3.1, "%", True), ("accuracy", 5.2, "%", True),
                                      ("Latency", 40.5, "ms", False), ("Latency", 12.5, "ms", False)]


def test_relative_and_absolute(extractor: Extractor) -> None:
    extraction = run(extractor, "Our model reaches 91.5% top-1 accuracy, a 3.1% better accuracy than "
                                "AlexNet, and is up to 8x faster in throughput.")
    assert results_of(extraction) == [("top-1 accuracy", 91.5, "%", False), ("accuracy", 3.1, "%", True),
                                      ("throughput", 8.0, "x", True)]


def test_a_change_word_after_coordinated_numbers_makes_all_of_them_relative(extractor: Extractor) -> None:
    extraction = run(extractor, "It reaches 76.1% and 77.3% top-1 accuracy on ImageNet, and 0.8% and 0.9% "
                                "higher top-1 accuracy than Swin on the small models.")
    assert results_of(extraction) == [("top-1 accuracy", 76.1, "%", False), ("top-1 accuracy", 77.3, "%", False),
                                      ("top-1 accuracy", 0.8, "%", True), ("top-1 accuracy", 0.9, "%", True)]


def test_a_bare_top_k_takes_the_head_noun_after_a_parenthesis_or_a_coordination(extractor: Extractor) -> None:
    def metrics(abstract: str) -> dict[str, tuple[str, ...]]:
        return {name: found for name, found in by_name(run(extractor, abstract)).items() if found[0] == "Metric"}

    assert metrics("It reaches 25.1% top-1 (7.8% top-5) error on ImageNet.") == {
        "top-1 error": ("Metric", "top-1"), "top-5 error": ("Metric", "top-5")}
    assert metrics("It reaches 22.1% top-1 and 6.1% top-5 error rate on ImageNet.") == {
        "top-1 error": ("Metric", "top-1"), "top-5 error": ("Metric", "top-5 error rate")}
    assert metrics("It reaches 78.2% top-1 (94.1% top-5) on ImageNet.") == {
        "top-1 accuracy": ("Metric", "top-1"), "top-5 accuracy": ("Metric", "top-5")}


def test_bare_number_needs_its_metric_right_after(extractor: Extractor) -> None:
    extraction = run(extractor, "Search costs 10^4 GPU hours and scores 31.2 BLEU on 12 tasks, accuracy aside.")
    assert results_of(extraction) == [("GPU hours", 10000.0, "", False), ("BLEU", 31.2, "", False)]


def test_setup_counts_years_and_citations_are_not_results(extractor: Extractor) -> None:
    extraction = run(extractor, "We train an 8B-parameter model on 3.5T tokens over ten datasets and 12 "
                                "tasks (Smith et al., 2021), with 16K sequences and 7B parameters. "
                                "In 2023 the ResNet-50 accuracy was reported in Section 4.")
    assert extraction.results == ()


def test_time_units_only_take_time_metrics(extractor: Extractor) -> None:
    extraction = run(extractor, "It keeps accuracy while training takes 36 hours.")
    assert extraction.results == ()


def test_number_without_metric_is_not_a_result(extractor: Extractor) -> None:
    extraction = run(extractor, "The mix is 43% convolution and 57% attention layers.")
    assert extraction.results == ()


# --- error classes of held-out abstracts ---------------------------------------------

def test_lexicon_variants_of_long_lower_case_names_and_acronym_led_names() -> None:
    assert "time-to-first-token" in surface_variants("time to first token")
    assert "LLM Serving" in surface_variants("LLM serving")


def test_a_version_after_a_known_name_names_a_release_of_its_own(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We accelerate Open-Sora and Open-Sora 1.2 by 2x. CIFAR-10 100 classes."))
    assert found["Open-Sora"] == ("Method",) and found["Open-Sora 1.2"] == ("Method",)
    assert "CIFAR-10 100" not in found


def test_variants_listed_under_one_lexicon_entry_are_separate_entities(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We distil Whisper large-v3 into a student and compare with Whisper. "
                                   "We test on ETTh1, ETTm2 and Electricity."))
    assert found["Whisper"] == ("Method",) and found["Whisper large-v3"] == ("Method",)
    assert found["ETTh1"] == ("Dataset",) and found["ETTm2"] == ("Dataset",)
    alone = by_name(run(extractor, "We test on ETTh1 and Electricity."))
    assert alone["ETT"] == ("Dataset", "ETTh1")  # one variant alone keeps its lexicon entry


def test_units_and_percentiles_are_not_coined_names(extractor: Extractor) -> None:
    found = by_name(run(extractor, "Audio at 44.1 kHz gains 1.4 dB PSNR at a P99 latency of 18 ms."))
    assert not {"kHz", "dB", "P99"} & set(found)


def test_coined_names_with_greek_letters_size_codes_and_likeness_tails(extractor: Extractor) -> None:
    extraction = run(extractor, "Our Swift-Lite-S beats Δ-DiT with a ViTDet-style head. We propose Swift-Lite. "
                                "Swift-Lite-S is small.")
    found = by_name(extraction)
    assert found["Δ-DiT"][0] == "Method" and found["ViTDet"][0] == "Method"
    assert found["Swift-Lite-S"][0] == "Method" and found["Swift-Lite"][0] == "Method"
    assert next(e for e in extraction.entities if e.name == "Swift-Lite-S").proposed


def test_lower_case_coined_names_need_context_outside_acronym_long_forms(extractor: Extractor) -> None:
    found = by_name(run(extractor, "It improves over pixelSplat on scenes. Rooms with layOuts abound."))
    assert found["pixelSplat"] == ("Method",)
    assert "layOuts" not in found


def test_hyphenated_and_plain_capitalised_names_typed_by_context(extractor: Extractor) -> None:
    found = by_name(run(extractor, "It outperforms Math-Shepherd by 3%, and is 5x faster than Exphormer. "
                                   "It also handles Spanish-English data and Conformer-Transducer models."))
    assert found["Math-Shepherd"] == ("Method",) and found["Exphormer"] == ("Method",)
    assert found["Conformer-Transducer"] == ("Method",)
    assert "Spanish-English" not in found


def test_capitalised_list_items_take_the_type_of_their_neighbours(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We test on ETTh1, Weather, Electricity and Traffic. Results on the Amazon "
                                   "Beauty, Sports and Toys datasets follow. We thank English and French speakers."))
    assert {found[name] for name in ("Weather", "Traffic", "Amazon Beauty", "Sports", "Toys")} == {("Dataset",)}
    assert "English" not in found and "French" not in found


def test_a_name_opening_a_results_sentence_after_on_is_a_dataset_not_a_proposal(extractor: Extractor) -> None:
    extraction = run(extractor, "We propose FooNet. On LVBench, our method wins. On Qwen-7B, our method "
                                "wins too. It beats the strongest baseline, CMA.")
    lvbench = next(e for e in extraction.entities if e.name == "LVBench")
    assert (lvbench.type, lvbench.proposed) == ("Dataset", False)
    assert by_name(extraction)["CMA"] == ("Method",)
    assert by_name(extraction)["Qwen-7B"][0] == "Method"  # a size-coded name is a model


def test_and_propose_is_a_proposal_cue(extractor: Extractor) -> None:
    extraction = run(extractor, "We study reward design for agents and propose length-calibrated partial "
                                "credit (LCPC), a reward.")
    lcpc = next(e for e in extraction.entities if e.acronym == "LCPC")
    assert lcpc.proposed and lcpc.type == "Method"


def test_variants_of_a_proposed_name_are_proposed(extractor: Extractor) -> None:
    extraction = run(extractor, "We propose Med-Distill, a method. The student, Med-Distill-3B, is small, "
                                "unlike Meditron-7B.")
    proposed = {e.name: e.proposed for e in extraction.entities}
    assert proposed["Med-Distill-3B"] and not proposed["Meditron-7B"]


def test_one_vocabulary_of_sizes_and_releases_for_every_rule(extractor: Extractor) -> None:
    """A size code or release word that makes a coined name ("HelixNet-Ti") makes a proposed
    name's variant too, whatever the word ("HelixNet Turbo", "HelixNet-Chat")."""
    extraction = run(extractor, "We propose HelixNet, a network. HelixNet-Ti, HelixNet Turbo and HelixNet-Chat "
                                "follow, unlike VortexNet-Ti.")
    proposed = {e.name: e.proposed for e in extraction.entities}
    assert proposed["HelixNet-Ti"] and proposed["HelixNet Turbo"] and proposed["HelixNet-Chat"]
    assert not proposed["VortexNet-Ti"]


def test_head_nouns_for_encodings_distances_and_serving(extractor: Extractor) -> None:
    found = by_name(run(extractor, "It uses graph wavelet positional encodings (GWPE) and the earth mover "
                                   "distance (EMD).", title="Sparse LLM Serving"))
    assert found["graph wavelet positional encodings"][0] == "Method"
    assert found["earth mover distance"][0] == "Metric"
    assert found["Sparse LLM Serving"] == ("Task",)


def test_title_task_without_a_hyphenated_quality_word(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We study it.", title="A Benchmark for Graduate-Level Scientific Reasoning"))
    assert found["Scientific Reasoning"] == ("Task",)
    named = by_name(run(extractor, "We use Depth-Driven Instance Synthesis here.",
                        title="Depth-Driven Instance Synthesis for Images"))
    assert named["Depth-Driven Instance Synthesis"][0] == "Task"  # the abstract uses the whole run as a name


def test_no_type_passes_across_an_article(extractor: Extractor) -> None:
    found = by_name(run(extractor, "We report Stable Audio Open, and a FID of 0.41."))
    assert found.get("Stable Audio Open", ("",))[0] != "Metric"


def test_metric_phrases_named_scores_volumes_and_raise_cues(extractor: Extractor) -> None:
    extraction = run(extractor, "It keeps the VBench score, raises the task success rate and increased gross "
                                "merchandise volume by 1.4%.")
    metrics = {name for name, found in by_name(extraction).items() if found[0] == "Metric"}
    assert {"VBench score", "task success rate", "gross merchandise volume"} <= metrics


def test_points_are_a_unit_of_differences_shared_along_a_list(extractor: Extractor) -> None:
    extraction = run(extractor, "It improves accuracy by 4.6, 3.8 and 1.7 points. We sample 4096 points "
                                "at 90% accuracy.")
    assert results_of(extraction) == [("accuracy", 4.6, "", True), ("accuracy", 3.8, "", True),
                                      ("accuracy", 1.7, "", True), ("accuracy", 90.0, "%", False)]


def test_values_after_a_defined_metric_and_compared_values(extractor: Extractor) -> None:
    extraction = run(extractor, "It runs with a real-time factor (RTF) of 0.12 and reduces the mean absolute "
                                "error (MAE) to 0.059. It reaches a perplexity of 6.92, compared with 7.31 for "
                                "QuaRot and 8.46 for SmoothQuant, and lower FVD (183.2 vs. 211.5), beating 2 "
                                "baselines.")
    assert results_of(extraction) == [("RTF", 0.12, "", False), ("MAE", 0.059, "", False),
                                      ("perplexity", 6.92, "", False), ("perplexity", 7.31, "", False),
                                      ("perplexity", 8.46, "", False), ("FVD", 183.2, "", False),
                                      ("FVD", 211.5, "", False)]


def test_metric_of_a_clause_or_sentence_before(extractor: Extractor) -> None:
    extraction = run(extractor, "The best model reaches 51.3% accuracy on ImageNet, while humans achieve 82.6%. "
                                "It also obtains 61.4% on CIFAR-10. It cuts the latency by less than 5% at equal "
                                "accuracy and improves BLEU from 20.1 to 24.3.")
    assert results_of(extraction) == [("accuracy", 51.3, "%", False), ("accuracy", 82.6, "%", False),
                                      ("accuracy", 61.4, "%", False), ("latency", 5.0, "%", True),
                                      ("BLEU", 20.1, "", False), ("BLEU", 24.3, "", False)]


def test_numbers_that_measure_something_else_than_the_metric_nearby(extractor: Extractor) -> None:
    extraction = run(extractor, "It uses 62% less GPU memory and trains 3.4x faster. It accelerates AlexNet "
                                "by 2.4x with an accuracy drop of 1%. It keeps 8% of the frames, at 90% "
                                "accuracy, with 1.9x fewer training tokens at equal perplexity.")
    assert results_of(extraction) == [("GPU memory", 62.0, "%", True), ("accuracy", 1.0, "%", False),
                                      ("accuracy", 90.0, "%", False)]


# --- the Extractor --------------------------------------------------------------------

def test_pipe_keeps_input_order_and_matches_extract(extractor: Extractor) -> None:
    papers = [Paper(f"p{i}", f"Title {i}", f"We run AlexNet on {n} GPUs.") for i, n in enumerate(range(5))]
    piped = list(extractor.pipe(papers, batch_size=2))
    assert [x.id for x in piped] == [p.id for p in papers]
    assert piped == [extractor.extract(p) for p in papers]


def test_unknown_spacy_model_is_an_input_error(lexicon_dir: Path) -> None:
    with pytest.raises(KgInputError, match="not installed"):
        Extractor("xx_no_such_pipeline", lexicon_dir=lexicon_dir)


def test_a_saved_pipeline_can_be_loaded_as_model(lexicon_dir: Path, tmp_path: Path,
                                                 extractor: Extractor) -> None:
    import spacy

    spacy.blank("en").to_disk(tmp_path / "pipeline")
    loaded = Extractor(str(tmp_path / "pipeline"), lexicon_dir=lexicon_dir)
    paper = Paper("m", "T", "We run AlexNet on two GPUs with 91% accuracy.")
    assert loaded.extract(paper) == extractor.extract(paper)


def test_bundled_lexicon_loads() -> None:
    extraction = Extractor().extract(Paper("b", "A", "We train ResNet-50 on ImageNet with GPUs."))
    assert {e.type for e in extraction.entities} >= {"Method", "Dataset", "Hardware"}


def test_metrics_of_another_unit_or_direction_are_not_aliases() -> None:
    # the bundled lexicon had "GPU-days" as an alias of "GPU hours" (PC-DARTS's 0.1 GPU-days were
    # 0.1 GPU hours in the graph, ranked among hours), "inference speed" of "inference time",
    # "energy per inference" of "energy efficiency", "BWT" and "FWT" of "average forgetting":
    # measures whose best values are the lowest merged with ones whose best are the highest
    extraction = Extractor().extract(Paper("b", "A", "The search takes 0.1 GPU-days on CIFAR-10, where "
                                                     "DARTS needs 96 GPU hours and others 20 TPU days."))
    assert {e.name: e.aliases for e in extraction.entities if e.type == "Metric"} == {
        "GPU days": ("GPU-days",), "GPU hours": (), "TPU days": ()}
    assert results_of(extraction) == [("GPU-days", 0.1, "", False), ("GPU hours", 96.0, "", False),
                                      ("TPU days", 20.0, "", False)]
    extraction = Extractor().extract(Paper("c", "A", "We report inference time, inference speed, training "
                                                     "speed, energy efficiency, energy per inference, average "
                                                     "forgetting, BWT and FWT."))
    assert sorted(e.name for e in extraction.entities if e.type == "Metric") == [
        "average forgetting", "backward transfer", "energy efficiency", "energy per inference",
        "forward transfer", "inference speed", "inference time", "training speed"]


def test_bundled_lexicon_knows_serving_terms_in_their_written_forms() -> None:
    extraction = Extractor().extract(Paper("s", "Goodput-Optimal LLM Serving", "With chunked prefill and reward "
                                           "shaping, it improves goodput by 2x. Time-to-first-token drops by 9%."))
    found = {name: e.type for e in extraction.entities for name in (e.name, *e.aliases)}
    assert found["LLM Serving"] == "Task" and found["goodput"] == "Metric"
    assert found["chunked prefill"] == "Method" and found["reward shaping"] == "Method"
    assert found["Time-to-first-token"] == "Metric"


def test_dropped_special_cases_change_no_token() -> None:
    """The tokenizer drops spaCy's no-op special cases (so that its chunk cache keeps working
    past the title's line break) and keeps every other: a text splits exactly as with all of them."""
    import spacy

    from kg.extract.tokenizer import customise_tokenizer

    ours = spacy.blank("en")
    customise_tokenizer(ours)
    with_all_rules = spacy.blank("en")
    customise_tokenizer(with_all_rules)
    with_all_rules.tokenizer.rules = spacy.blank("en").tokenizer.rules
    assert len(ours.tokenizer.rules) < len(with_all_rules.tokenizer.rules)
    texts = ["Title: A Model\nWe train it (e.g. on CIFAR-10/100) — and, i.e., it's 2x faster than C++ code.",
             "Tabs\tand\n\nlines ' quoted ’ and a\u00a0non-breaking space; vs. 8D, and/or U.S. data.",
             "— ' ’ \n\t"]
    for text in texts * 2:  # the second time from the chunk cache
        assert [(t.text, t.norm_, t.whitespace_) for t in ours(text)] \
            == [(t.text, t.norm_, t.whitespace_) for t in with_all_rules(text)]
