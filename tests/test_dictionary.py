"""The English→Arabic dictionary: reading dictd files, the bridge using them,
and retrieval searching the Arabic passages with an English question's translation."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

import qa.dictionary
from qa.arabic import normalize_arabic
from qa.bridge import Bridge
from qa.config import Settings
from qa.dictionary import DEFAULT_DICTIONARY, DictionaryError, translations
from qa.lexical import lexical_terms

_B64 = qa.dictionary._B64  # dictd numbers: base 64, most significant digit first


def _dictd_number(value: int) -> str:
    digits = ""
    while True:
        digits = _B64[value % 64] + digits
        value //= 64
        if not value:
            return digits


def write_dictd(base: Path, entries: dict[str, str], compress: bool = True) -> None:
    """A dictd pair as dictfmt writes it: the entries' text and an index of (offset, length)."""
    data, index = b"", []
    for head, body in {"00databaseinfo": "a test dictionary", **entries}.items():
        entry = f"{head}\n{body}\n".encode()
        index.append(f"{head}\t{_dictd_number(len(data))}\t{_dictd_number(len(entry))}")
        data += entry
    Path(f"{base}.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    if compress:
        Path(f"{base}.dict.dz").write_bytes(gzip.compress(data))
    else:
        Path(f"{base}.dict").write_bytes(data)


@pytest.mark.parametrize("compress", [True, False])
def test_reads_headwords_and_numbered_senses(tmp_path, compress):
    base = tmp_path / f"eng-ara-{compress}"
    write_dictd(base, {"Parliament": "1. البرلمان\n2. مجلس النواب", "bowl": "وعاء"}, compress)
    entries = translations(str(base))
    assert dict(entries) == {"parliament": ("البرلمان", "مجلس النواب"), "bowl": ("وعاء",)}
    assert translations(f"{base}.index") is entries  # the index file's name works too, and is cached


def test_an_edited_dictionary_is_read_again(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"bowl": "وعاء"})
    assert "flour" not in translations(str(base))
    write_dictd(base, {"bowl": "وعاء", "flour": "الطحين"})
    assert translations(str(base))["flour"] == ("الطحين",)


def test_the_installed_freedict_dictionary_is_read():
    """The default the README measures with: Debian's dict-freedict-eng-ara (make test installs it)."""
    entries = translations(str(DEFAULT_DICTIONARY))
    assert len(entries) > 80_000
    assert normalize_arabic("البرلمان") in {normalize_arabic(s) for s in entries["parliament"]}


def test_unreadable_or_foreign_files_are_clear_errors(tmp_path):
    with pytest.raises(DictionaryError, match="cannot read the dictionary"):
        translations(str(tmp_path / "missing"))
    (tmp_path / "junk.index").write_text("not a dictd index\n")
    (tmp_path / "junk.dict").write_text("nothing\n")
    with pytest.raises(DictionaryError, match="no entries"):
        translations(str(tmp_path / "junk"))
    (tmp_path / "latin1.index").write_bytes("caf\xe9\tA\tB\n".encode("latin-1"))
    (tmp_path / "latin1.dict").write_text("x\n")
    with pytest.raises(DictionaryError, match="cannot read"):
        translations(str(tmp_path / "latin1"))
    assert translations("off") == {} and translations("OFF") == {}


def test_entries_out_of_bounds_are_skipped(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"bowl": "وعاء", "essay": "مقال " * 20_000})  # an entry over 64 KB, inside the file
    with Path(f"{base}.index").open("a") as index:
        index.write("far\t////\tB\n")  # past the end of the file
        index.write("long\tAAAAAAAAA\tZ\n")  # nine base-64 digits: offset 0, but not a dictd number
    assert dict(translations(str(base))) == {"bowl": ("وعاء",)}


def test_senses_per_headword_are_capped(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"set": "\n".join(f"{i}. معنى{i}" for i in range(1, 41))})
    assert len(translations(str(base))["set"]) == qa.dictionary.MAX_SENSES


def test_an_index_that_reads_the_same_entry_over_and_over_is_refused(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"bowl": "وعاء " * 1000}, compress=False)
    entry = Path(f"{base}.index").read_text().splitlines()[1]
    Path(f"{base}.index").write_text("\n".join(entry.replace("bowl", f"w{i}") for i in range(100)) + "\n")
    with pytest.raises(DictionaryError, match="over and over"):
        translations(str(base))


def test_a_corrupt_compressed_file_is_a_clear_error(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"bowl": "وعاء " * 200})
    packed = bytearray(Path(f"{base}.dict.dz").read_bytes())
    packed[10] = 0xFF  # the first deflate block's header: zlib's "invalid block type"
    Path(f"{base}.dict.dz").write_bytes(bytes(packed))
    with pytest.raises(DictionaryError, match="cannot read the dictionary"):
        translations(str(base))


def test_a_file_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    base = tmp_path / "bomb"
    write_dictd(base, {"bowl": "وعاء " * 2000})  # compresses to a few hundred bytes
    monkeypatch.setattr(qa.dictionary, "MAX_BYTES", 4096)
    with pytest.raises(DictionaryError, match="unpacks to over"):
        translations(str(base))


def test_bridge_carries_dictionary_words_the_glossary_lacks():
    vocabulary = set(lexical_terms("ارتفع سعر الطحين المستورد"))
    plain = Bridge(vocabulary)
    assert not plain.is_known("flour") and not plain.terms_for("flours")
    bridge = Bridge(vocabulary, {"flour": ("الطحين", "دقيق")})
    assert bridge.is_known("flour")
    assert set(lexical_terms("الطحين دقيق")) == bridge.terms_for("flours")  # a plural finds its headword
    assert set(lexical_terms("الطحين")) <= set(bridge.arabic_query("Why did flour cost more?"))


def test_the_configured_dictionary_is_the_one_retrieval_uses(run_json, corpus, settings, tmp_path, monkeypatch):
    from qa.lexical import lexical_index
    from qa.store import open_store

    assert run_json("ingest", str(corpus))[0] == 0
    base = tmp_path / "eng-ara"
    write_dictd(base, {"emissary": "مبعوث"})
    monkeypatch.setenv("QA_DICTIONARY", str(base))
    index = lexical_index(open_store(Settings().with_overrides(store_dir=settings.store_dir)))
    assert index.bridge.terms_for("emissary") == frozenset(lexical_terms("مبعوث"))
    assert not index.bridge.terms_for("flour")  # the default dictionary is not read beside it
    write_dictd(base, {"emissary": "مبعوث", "flour": "الطحين"})  # edited while the process runs
    assert index.bridge.terms_for("flour") == frozenset(lexical_terms("الطحين"))


def test_an_english_question_only_the_dictionary_carries_to_its_answer(run_json, corpus, settings, monkeypatch):
    """From the project's question set (q22): 'transition', 'discuss' and 'agree' are in
    no glossary; through FreeDict they reach the sentence that dates the agreement."""
    from qa.answering import ask
    from qa.store import open_store

    assert run_json("ingest", str(corpus))[0] == 0
    question = "When did the United States and Iraq agree to discuss the transition of the coalition mission?"

    def answer(dictionary: str):
        monkeypatch.setenv("QA_DICTIONARY", dictionary)
        return ask(open_store(Settings().with_overrides(store_dir=settings.store_dir)), question)

    with_dictionary = answer(str(DEFAULT_DICTIONARY))
    assert with_dictionary.answerable and "أغسطس" in with_dictionary.citations[0].quote
    assert with_dictionary.citations[0].doc_id == "002_1cad0999f99aa335.txt"
    # Without it the same question is answered from the wrong sentence: the dictionary is what does it.
    assert "أغسطس" not in answer("off").answer


def test_a_configured_dictionary_that_is_missing_is_a_clear_error(run_json, run_qa, corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_DICTIONARY", str(tmp_path / "no-such-dictionary"))
    assert run_json("ingest", str(corpus))[0] == 0  # ingesting does not need it
    code, _, err = run_qa("ask", "How many US troops are in Iraq?")
    assert code == 1 and "cannot read the dictionary" in err and "QA_DICTIONARY=off" in err
    assert "Traceback" not in err
