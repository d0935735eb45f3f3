"""Wire copies (ingest.wire): the same story in several outlets is grouped; one
outlet's follow-ups of a story, and stories far apart in time, are not."""

from __future__ import annotations

from ingest.wire import Article, copy_groups, signature, similarity

STORY = (
    "أعلنت وزارة الصحة في محافظة ميسان ارتفاع حصيلة ضحايا الفيضانات التي ضربت المحافظة إلى أربعين قتيلا "
    "ومئات المصابين، فيما تواصل فرق الدفاع المدني البحث عن مفقودين في القرى المنكوبة جنوبي المحافظة، "
    "وقال محافظ ميسان إن الأمطار الغزيرة التي هطلت خلال يومين تسببت في انهيار عشرات المنازل وقطع الطرق."
)
REWORDED = STORY.replace("أعلنت وزارة الصحة", "قالت وزارة الصحة العراقية").replace("ومئات المصابين", "ونحو مئتي مصاب")
OTHER = "افتتحت وزارة الزراعة موسم حصاد الحنطة في محافظة نينوى وسط توقعات بإنتاج وفير هذا العام بعد موسم أمطار جيد."


def article(key: str, outlet: str, day: str, text: str) -> Article:
    return Article(key, outlet, day, signature(text))


def test_a_reworded_copy_is_similar_and_another_story_is_not():
    assert similarity(signature(STORY), signature(REWORDED)) >= 0.5
    assert similarity(signature(STORY), signature(OTHER)) < 0.2
    assert signature("نص") == signature("نص")  # the same seed every time: signatures can be stored


def test_copies_in_different_outlets_within_two_days_are_one_group_named_by_the_earliest():
    groups = copy_groups([
        article("a", "Al Arabiya", "2018-03-11", STORY),
        article("b", "Sky News Arabia", "2018-03-10", REWORDED),
        article("c", "BBC Arabic", "2018-03-10", OTHER),
    ])  # fmt: skip
    assert groups == {"a": "b", "b": "b"}


def test_one_outlets_follow_ups_and_stories_weeks_apart_or_undated_are_not_copies():
    assert (
        copy_groups(
            [article("a", "Al Arabiya", "2018-03-10", STORY), article("b", "al arabiya", "2018-03-10", REWORDED)]
        )
        == {}
    )
    assert (
        copy_groups(
            [article("a", "Al Arabiya", "2018-03-10", STORY), article("b", "BBC Arabic", "2018-03-30", REWORDED)]
        )
        == {}
    )
    assert (
        copy_groups([article("a", "Al Arabiya", None, STORY), article("b", "BBC Arabic", "2018-03-10", REWORDED)]) == {}
    )
