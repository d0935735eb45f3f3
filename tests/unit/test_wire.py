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


def test_a_story_followed_day_after_day_does_not_chain_one_outlets_follow_ups_together():
    """Al Arabiya 10th, Sky 12th, Al Arabiya 14th, BBC 16th: each pair two days apart
    may be copies, but a group never holds one outlet twice nor spans more than two days."""
    groups = copy_groups([
        article("a", "Al Arabiya", "2018-03-10", STORY),
        article("b", "Sky News Arabia", "2018-03-12", STORY),
        article("c", "Al Arabiya", "2018-03-14", STORY),
        article("d", "BBC Arabic", "2018-03-16", STORY),
    ])  # fmt: skip
    outlet = {"a": "Al Arabiya", "b": "Sky", "c": "Al Arabiya", "d": "BBC"}
    day = {"a": 10, "b": 12, "c": 14, "d": 16}
    members: dict[str, list[str]] = {}
    for key, group in groups.items():
        members.setdefault(group, []).append(key)
    assert members  # pairs two days apart are still copies
    for keys in members.values():
        assert len({outlet[k] for k in keys}) == len(keys)
        assert max(day[k] for k in keys) - min(day[k] for k in keys) <= 2


def test_one_outlet_under_its_two_names_is_one_outlet():
    assert (
        copy_groups([article("a", "Al Arabiya", "2018-03-10", STORY), article("b", "العربية", "2018-03-10", REWORDED)])
        == {}
    )
