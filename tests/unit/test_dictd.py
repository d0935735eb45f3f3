"""Reading dictd dictionaries (the format of FreeDict's English–Arabic one), with their size limits."""

from __future__ import annotations

from pathlib import Path

import pytest

import qa.dictionary
from qa.bridge import Bridge
from qa.dictionary import Dictionary
from qa.errors import DictionaryError
from qa.terms import lexical_terms

from ..dictd import write_dictd


@pytest.mark.parametrize("compress", [True, False])
def test_reads_headwords_and_numbered_senses(tmp_path, compress):
    base = tmp_path / f"eng-ara-{compress}"
    write_dictd(base, {"Parliament": "1. البرلمان\n2. مجلس النواب", "bowl": "وعاء"}, compress)
    dictionary = Dictionary(str(base))
    entries = dictionary.current()
    assert dict(entries) == {"parliament": ("البرلمان", "مجلس النواب"), "bowl": ("وعاء",)}
    assert dictionary.current() is entries  # read once while the files stay the same
    assert Dictionary(f"{base}.index").current() == entries  # the index file's name works too


def test_an_edited_dictionary_is_read_again(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"bowl": "وعاء"})
    dictionary = Dictionary(str(base))
    assert "flour" not in dictionary.current()
    write_dictd(base, {"bowl": "وعاء", "flour": "الطحين"})
    assert dictionary.current()["flour"] == ("الطحين",)


def test_unreadable_or_foreign_files_are_clear_errors(tmp_path):
    with pytest.raises(DictionaryError, match="cannot read the dictionary"):
        Dictionary(str(tmp_path / "missing")).current()
    (tmp_path / "junk.index").write_text("not a dictd index\n")
    (tmp_path / "junk.dict").write_text("nothing\n")
    with pytest.raises(DictionaryError, match="no entries"):
        Dictionary(str(tmp_path / "junk")).current()
    (tmp_path / "latin1.index").write_bytes("caf\xe9\tA\tB\n".encode("latin-1"))
    (tmp_path / "latin1.dict").write_text("x\n")
    with pytest.raises(DictionaryError, match="cannot read"):
        Dictionary(str(tmp_path / "latin1")).current()
    assert Dictionary("off").current() == {} and Dictionary("OFF").current() == {}


def test_entries_out_of_bounds_are_skipped(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"bowl": "وعاء", "essay": "مقال " * 20_000})  # an entry over 64 KB, inside the file
    with Path(f"{base}.index").open("a") as index:
        index.write("far\t////\tB\n")  # past the end of the file
        index.write("long\tAAAAAAAAA\tZ\n")  # nine base-64 digits: offset 0, but not a dictd number
    assert dict(Dictionary(str(base)).current()) == {"bowl": ("وعاء",)}


def test_senses_per_headword_are_capped(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"set": "\n".join(f"{i}. معنى{i}" for i in range(1, 41))})
    assert len(Dictionary(str(base)).current()["set"]) == qa.dictionary.MAX_SENSES


def test_an_index_that_reads_the_same_entry_over_and_over_is_refused(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"bowl": "وعاء " * 1000}, compress=False)
    entry = Path(f"{base}.index").read_text().splitlines()[1]
    Path(f"{base}.index").write_text("\n".join(entry.replace("bowl", f"w{i}") for i in range(100)) + "\n")
    with pytest.raises(DictionaryError, match="over and over"):
        Dictionary(str(base)).current()


def test_a_corrupt_compressed_file_is_a_clear_error(tmp_path):
    base = tmp_path / "eng-ara"
    write_dictd(base, {"bowl": "وعاء " * 200})
    packed = bytearray(Path(f"{base}.dict.dz").read_bytes())
    packed[10] = 0xFF  # the first deflate block's header: zlib's "invalid block type"
    Path(f"{base}.dict.dz").write_bytes(bytes(packed))
    with pytest.raises(DictionaryError, match="cannot read the dictionary"):
        Dictionary(str(base)).current()


def test_a_file_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    base = tmp_path / "bomb"
    write_dictd(base, {"bowl": "وعاء " * 2000})  # compresses to a few hundred bytes
    monkeypatch.setattr(qa.dictionary, "MAX_BYTES", 4096)
    with pytest.raises(DictionaryError, match="unpacks to over"):
        Dictionary(str(base)).current()


def test_bridge_carries_dictionary_words_the_glossary_lacks():
    vocabulary = set(lexical_terms("ارتفع سعر الطحين المستورد"))
    plain = Bridge(vocabulary)  # no dictionary
    assert not plain.is_known("flour") and not plain.terms_for("flours")
    bridge = Bridge(vocabulary, lambda: {"flour": ("الطحين", "دقيق")})
    assert bridge.is_known("flour")
    assert set(lexical_terms("الطحين دقيق")) == bridge.terms_for("flours")  # a plural finds its headword
    assert set(lexical_terms("الطحين")) <= set(bridge.arabic_query("Why did flour cost more?"))
