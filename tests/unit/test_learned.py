"""The word lists learned from the news archive (qa.learned): checked on load, part of
the saved index's fingerprint."""

from __future__ import annotations

import pytest

import qa.endings
import qa.lexical
import qa.variants
from qa.errors import ModelError

VARIANTS = "classes (term, articles), commonest first"
ENDINGS = "words (without article or conjunction, articles), commonest first"
# The file each list is read from, the cached reader of it, and a call that reads it.
LISTS = {
    "variants": (qa.variants, "VARIANTS_FILE", qa.variants._table, lambda: qa.variants.canonical("ترمب")),
    "endings": (qa.endings, "WHOLE_WORDS_FILE", qa.endings._whole_words, lambda: qa.endings.keeps_ending("بحرين")),
}


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("variants", f'{{"{VARIANTS}": [[["اميركي", 5], ["أمريكي", 4]]]}}'),  # not normalised
        ("variants", f'{{"{VARIANTS}": [[["اميركي", 5]]]}}'),  # a class of one
        ("variants", f'{{"{VARIANTS}": [["ab", ["امريكي", 4]]]}}'),
        ("variants", f'{{"{VARIANTS}": [[["ترامب", 5], ["ترمب", 4]], [["ترمب", 4], ["ترامپ", 1]]]}}'),  # twice
        ("endings", f'{{"{ENDINGS}": [["إيران", 5]]}}'),  # not normalised
        ("endings", f'{{"{ENDINGS}": [["بحرية", 5]]}}'),  # no ending the stemmer cuts
        ("endings", f'{{"{ENDINGS}": [["بحرين"]]}}'),
        ("endings", '{"words": []}'),
        ("variants", "not json"),
    ],
)
def test_a_malformed_list_is_a_clear_error(name, content, learned_list):
    module, attribute, cached, read = LISTS[name]
    learned_list(module, attribute, content, cached)
    with pytest.raises(ModelError):
        read()


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("variants", f'{{"{VARIANTS}": [[["ترامب", 5], ["ترمب", 4]]]}}'),
        ("endings", f'{{"{ENDINGS}": [["بحرين", 5]]}}'),
    ],
)
def test_saved_indexes_are_rebuilt_when_a_list_changes(name, content, learned_list):
    shipped = qa.lexical._term_rules()
    module, attribute, cached, _ = LISTS[name]
    learned_list(module, attribute, content, cached, qa.lexical._term_rules)
    assert qa.lexical._term_rules() != shipped  # the sample's terms are the same; the list is not
