"""The English→Arabic dictionary: reading dictd files, the bridge using them,
and retrieval searching the Arabic passages with an English question's translation."""

from __future__ import annotations

from qa.arabic import normalize_arabic
from qa.config import DEFAULT_DICTIONARY, Settings
from qa.dictionary import Dictionary
from qa.terms import lexical_terms

from .dictd import write_dictd


def test_the_installed_freedict_dictionary_is_read():
    """The default the README measures with: Debian's dict-freedict-eng-ara (make test installs it)."""
    entries = Dictionary(str(DEFAULT_DICTIONARY)).current()
    assert len(entries) > 80_000
    assert normalize_arabic("البرلمان") in {normalize_arabic(s) for s in entries["parliament"]}


def test_the_configured_dictionary_is_the_one_retrieval_uses(run_json, corpus, settings, tmp_path, monkeypatch):
    from qa.engine import Engine

    assert run_json("ingest", str(corpus))[0] == 0
    base = tmp_path / "eng-ara"
    write_dictd(base, {"emissary": "مبعوث"})
    monkeypatch.setenv("QA_DICTIONARY", str(base))
    engine = Engine(Settings().with_overrides(store_dir=settings.store_dir))
    bridge = engine.refresh().retriever.bridge
    assert bridge.terms_for("emissary") == frozenset(lexical_terms("مبعوث"))
    assert not bridge.terms_for("flour")  # the default dictionary is not read beside it
    write_dictd(base, {"emissary": "مبعوث", "flour": "الطحين"})  # edited while the process runs
    assert engine.refresh().retriever.bridge.terms_for("flour") == frozenset(lexical_terms("الطحين"))


def test_an_english_question_only_the_dictionary_carries_to_its_answer(run_json, corpus, settings, monkeypatch):
    """From the project's question set (q22): 'transition', 'discuss' and 'agree' are in
    no glossary; through FreeDict they make the sentence that dates the agreement the
    answerer's best by score. (The span model then prefers the article's other dated
    agreement, of January, with or without the dictionary: README, "Which sentence is
    quoted".)"""
    from qa.engine import Engine

    assert run_json("ingest", str(corpus))[0] == 0
    question = "When did the United States and Iraq agree to discuss the transition of the coalition mission?"

    def best_by_score(dictionary: str) -> str:
        monkeypatch.setenv("QA_DICTIONARY", dictionary)
        engine = Engine(Settings().with_overrides(store_dir=settings.store_dir))
        read = engine.reading(question)
        kept, _, _ = engine.refresh().extractive.shortlist(read.question, None, read.hits)
        return max(kept, key=lambda c: c.score).text

    assert "أغسطس" in best_by_score(str(DEFAULT_DICTIONARY))
    # Without it another sentence scores best: the dictionary is what does it.
    assert "أغسطس" not in best_by_score("off")


def test_a_configured_dictionary_that_is_missing_is_a_clear_error(run_json, run_qa, corpus, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_DICTIONARY", str(tmp_path / "no-such-dictionary"))
    assert run_json("ingest", str(corpus))[0] == 0  # ingesting does not need it
    code, _, err = run_qa("ask", "How many US troops are in Iraq?")
    assert code == 1 and "cannot read the dictionary" in err and "QA_DICTIONARY=off" in err
    assert "Traceback" not in err
