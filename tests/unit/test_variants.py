"""Spelling variants: learned from outlets' house styles, one index term, read in the sentence's spelling."""

from __future__ import annotations

import json
import lzma

from qa.respell import in_spelling_of
from qa.terms import lexical_terms, loose_terms
from qa.variants import skeleton
from training.spelling_variants import learn

TROOP_SENTENCE = "وينتشر في العراق حوالى 2500 جندي أميركي، يقدّمون مهمات استشارية"


def test_the_shipped_variants_are_one_index_term():
    assert lexical_terms("الجنود الأمريكيين ترمب إنكلترا") == lexical_terms("الجنود الأميركيين ترامب إنجلترا")
    assert loose_terms("لترمب") == loose_terms("لترامب")


def test_native_words_of_the_same_letters_stay_apart():
    # The same skeleton, written alike by every outlet: two words, not one.
    assert skeleton("كتاب") == skeleton("كاتب") and skeleton("جامعه") == skeleton("جمعه")
    assert lexical_terms("كتاب") != lexical_terms("كاتب")
    assert lexical_terms("جامعة") != lexical_terms("جمعة")


def test_the_question_is_read_in_the_sentence_s_spelling_affixes_kept():
    assert in_spelling_of("كم عدد الجنود الأمريكيين في العراق؟", TROOP_SENTENCE) == (
        "كم عدد الجنود الأميركيين في العراق؟"
    )
    assert in_spelling_of("ماذا قال ترمب؟", "قال الرئيس دونالد ترامب") == "ماذا قال ترامب؟"


def test_diacritics_and_tatweel_are_read_through_and_kept_around_the_stem():
    assert in_spelling_of("كم جندي أَمْرِيكِيّ؟", TROOP_SENTENCE) == "كم جندي أميركيّ؟"
    assert in_spelling_of("كم جنـدي أمريـكي؟", TROOP_SENTENCE) == "كم جنـدي أميركي؟"
    assert in_spelling_of("كم جندي أمريكي؟", "جندي أَمِيرْكِيّ") == "كم جندي أَمِيرْكِي؟"


def test_only_words_the_sentence_spells_only_otherwise_change():
    for question in ("كم عدد الجنود الأميركيين في العراق؟", "كم كاتبا في العراق؟", "How many US troops?"):
        assert in_spelling_of(question, TROOP_SENTENCE + " كتاب") == question
    assert in_spelling_of("ماذا قال ترمب؟", "قال ترامب، وكرر ترمب") == "ماذا قال ترمب؟"


def _archive(path, articles):
    with lzma.open(path, "wt", encoding="utf-8") as out:
        for n, (outlet, text) in enumerate(articles):
            out.write(
                json.dumps({"id": str(n), "title": "", "text": text, "outlet": outlet}, ensure_ascii=False) + "\n"
            )


def test_variants_are_learned_from_house_styles_not_from_shared_letters(tmp_path):
    # Outlet A writes بوليفيا, outlet B بولفيا, in articles about the same things; both
    # write كتاب and كاتب, by what they mean; A names ديالى in its security news, B
    # دايلي in its economy news: two words one outlet each happens to use; A writes
    # بوروسيا, B برأسية (ب + رأسية, a word both write): two words that split unlike.
    # Only the first pair is one word.
    topics = ["رئيس حكومة انتخابات برلمان", "اقتصاد نفط صادرات اسواق", "جيش حدود قوات امن"]
    articles = []
    for n in range(36):
        topic = topics[n % 3]
        both = f"{topic} {'كتاب' if n % 2 else 'كاتب'} {'رأسية' if n % 2 else ''}"
        articles.append(("A", f"{both} بوليفيا بوروسيا {'ديالى' if n % 3 == 2 else ''}"))
        articles.append(("B", f"{both} بولفيا برأسية {'دايلي' if n % 3 == 1 else ''}"))
    articles.append(("A", "بوليفيا"))  # the commonest spelling is the class's index term
    path = tmp_path / "archive.jsonl.xz"
    _archive(path, articles)
    classes = learn(path, context_words=slice(0, None))
    assert [[term for term, _ in members] for members in classes] == [["بوليفي", "بولفي"]]
