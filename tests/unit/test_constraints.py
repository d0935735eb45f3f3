"""What a question pins down (years, countries, the kind of quantity), and whether a
text carries it; and the countries Arabic and English text name."""

from __future__ import annotations

import pytest

from qa.bridge import Bridge
from qa.constraints import qualified_otherwise, question_constraints, swapped, unsupported, wrong_measure
from qa.direct import measure_asked
from qa.places import places_in

BRIDGE = Bridge([], lambda: {"chinese": ("صيني",), "moon": ("قمر",), "troop": ("جندي",)})


def named(text: str) -> list[str]:
    return [place.english for place, _, _ in places_in(text, as_names=False, countries_only=True)]


@pytest.mark.parametrize(
    "text,countries",
    [
        ("وينتشر الجنود في سوريا", ["Syria"]),
        ("القوات السورية والعراقية", ["Syria", "Iraq"]),  # adjectives name their country
        ("وبسوريا", ["Syria"]),  # after proclitics
        ("السلطات الألمانية", ["Germany"]),
        ("رفعت السعودية الحظر", ["Saudi Arabia"]),  # the state-form words of its name are not needed
        ("كوريا الجنوبية", ["South Korea"]),
        ("كوريا", []),  # which Korea: not said
        ("الجنوبية قالت إن كوريا", []),  # the words of a name, not in a row
        ("للعراق وبريطانيا وفلسطين", ["Iraq", "United Kingdom", "Palestinian Territories"]),  # names news use
        ("غرق قارب في البحر", []),  # not Bahrain, whatever a stemmer makes of both
        ("ظهر القمر بدرا", []),  # not the Comoros (جزر القمر)
        ("سجل ساديو ماني هدفا", []),
    ],
)
def test_countries_are_found_by_every_word_of_their_name(text, countries):
    assert named(text) == countries


def test_a_question_pins_down_its_years_and_countries():
    english = question_constraints("How many US troops were in Syria in 2014?", BRIDGE)
    # "US" modifies "troops" as an adjective would: pinned down, not a place to ask of another.
    assert [(c.text, c.by_name) for c in english] == [("2014", True), ("Syria", True), ("US", False)]
    arabic = question_constraints("كم جنديا أمريكيا في سوريا عام ٢٠١٤؟", BRIDGE)
    assert [(c.text, c.country.english if c.country else None, c.by_name) for c in arabic] == [
        ("2014", None, True),
        ("أمريكيا", "United States", False),  # an adjective: pinned down, but not a place to ask of another
        ("سوريا", "Syria", True),
    ]
    assert [c.text for c in question_constraints("Tell us about the talks in Turkey", BRIDGE)] == ["Turkey"]
    # An adjective through the dictionary; not a word that is only part of a country's name.
    assert [c.country.code for c in question_constraints("How many Chinese firms?", BRIDGE) if c.country] == ["CN"]
    assert question_constraints("When did the Moon landing happen?", BRIDGE) == []


@pytest.mark.parametrize(
    ("question", "by_name"),
    [
        ("What is the value of US investments in the market?", False),
        ("Who reported on the Iraq war?", False),
        ("When did US troops leave?", False),  # after an auxiliary, a plural noun
        ("How many diplomats did Russia expel?", True),  # the actor of "did … expel"
        ("How many devices did Qatar say it had seized?", True),
        ("When was the pastor held in Turkey released?", True),
        ("How far had the lira fallen when Turkey released him?", True),  # a past tense, not a noun
        ("How many people in Syria live in camps?", True),  # after a preposition, its verb
        ("Why didn't Russia expel the diplomats?", True),
        ("What is the cost of US sanctions?", False),  # after a preposition, a plural noun
        ("Which cartoonist drew Syria after the attack?", True),  # a preposition ends the phrase
        ("What did the envoy say Russia would do?", True),  # an auxiliary ends the phrase
        ("How many troops are in Syria?", True),
    ],
)
def test_a_country_name_used_as_an_adjective_is_not_a_place_to_swap(question, by_name):
    (country,) = [c for c in question_constraints(question, BRIDGE) if c.country]
    assert country.by_name is by_name


def test_a_text_carries_a_constraint_by_name_adjective_or_date():
    (year, syria) = question_constraints("How many troops were in Syria in 2014?", BRIDGE)
    assert unsupported([year, syria], "وينتشر 900 جندي في الأراضي السورية منذ 2014", None) == []
    assert unsupported([year, syria], "وينتشر 2500 جندي في العراق", "2014-03-02") == [syria]  # the year by date
    assert unsupported([year, syria], "وينتشر 2500 جندي في العراق", "2023-12-13") == [year, syria]
    # A year said relative to the article's date.
    assert unsupported([year], "وانتشر 900 جندي في سوريا العام الماضي", "2015-01-10") == []
    assert unsupported([year], "وينتشر 900 جندي في سوريا العام المقبل", "2013-06-01") == []
    assert unsupported([year], "وينتشر 120145 جنديا", None) == [year]  # a year, not digits inside a number
    assert unsupported([year], "وانتشر 900 جندي في سوريا العام الماضي", "2016-06-01") == [year]


def test_the_question_asked_of_another_country():
    question = "How many troops are in Syria?"
    (syria,) = question_constraints(question, BRIDGE)
    ((other, _, _),) = places_in("العراق")
    assert swapped(question, syria, other) == "How many troops are in Iraq?"
    (arabic,) = question_constraints("كم جنديا في سوريا؟", BRIDGE)
    assert swapped("كم جنديا في سوريا؟", arabic, other) == "كم جنديا في العراق؟"


@pytest.mark.parametrize(
    "question,measure",
    [
        ("How much military aid did the US give Iraq?", "money"),
        ("كم تبلغ تكلفة إنشاء المدينة الصناعية؟", "money"),
        ("ما قيمة الصفقة؟", "money"),
        ("What percentage of the vote did Ince win?", "percent"),
        ("ما نسبة المشاركة في الانتخابات؟", "percent"),
        ("How old is Fethullah Gulen?", "age"),
        ("كم عمر الرئيس؟", "age"),
        ("How far is Basra from Baghdad?", "distance"),
        ("How many US troops are in Iraq?", "count"),  # a count: not a sum, a share or a distance
        ("How many aid workers were killed?", "count"),  # a money word that is not what is counted
        ("كم شاحنة مساعدات دخلت غزة؟", None),  # not told from «كم مساحة», «كم حصة»: no check
        ("كم عدد شاحنات المساعدات التي دخلت غزة؟", "count"),  # what is counted, not the money word
        ("كم بلغ عدد الشركات المستثمرة؟", "count"),
        ("في هجوم عدن، كم عدد القتلى؟", "count"),
        ("How much more did Trump say was targeted?", None),  # a sum or a count
        ("How many billions did Saudi Arabia pledge?", None),  # counts in no unit
        ("كم طلب الوسيط من الطالب؟", None),
        ("كم مساحة المنطقة العازلة؟", None),
        ("كم جندي في العراق؟", None),  # an undeclined noun reads as a verb would
        ("How much of the budget went to defence?", "percent"),  # a share of a sum
        ("كم تبلغ نسبة الإنفاق من الميزانية؟", "percent"),
        ("كم مرة زار عمر البشير الخرطوم؟", None),  # Omar, not an age
        ("كم غراما من الذهب؟", "count"),  # grams, not a fine
        ("كم تبلغ المساعدات العسكرية للعراق؟", "money"),
        ("بكم سنة حكم على المهندس؟", None),  # years of a sentence, not an age
        ("In which year was the book about the dollar published?", None),
    ],
)
def test_the_kind_of_quantity_asked_for(question, measure):
    found = measure_asked(question)
    assert (found.name if found else None) == measure


def test_a_figure_of_another_kind_does_not_answer():
    aid = measure_asked("How much military aid did the US give Iraq?")
    assert wrong_measure(aid, "وينتشر حوالى 2500 جندي أميركي في العراق")
    assert not wrong_measure(aid, "قدمت واشنطن مساعدات بقيمة 1.2 مليار دولار للعراق")
    assert not wrong_measure(aid, "قدمت واشنطن مساعدات للعراق")  # no figure: judged elsewhere
    share = measure_asked("ما نسبة الدولار من الاحتياطي العالمي؟")
    assert not wrong_measure(share, "يشكل الدولار 60% من الاحتياطي منذ 2016 في 3 تقارير")
    assert not wrong_measure(share, "يشكل الدولار ثلثي الاحتياطي بحسب 3 تقارير")  # a share in words
    assert wrong_measure(share, "صدر التقرير في 3 أجزاء")
    assert not wrong_measure(None, "صدر التقرير في 3 أجزاء")  # no kind asked for


@pytest.mark.parametrize(
    ("question", "sentence", "wrong"),
    [
        ("كم عدد الشركات المستثمرة في السعودية؟", "وبلغت الاستثمارات 207 مليارات ريال", True),
        ("كم عدد الشركات المستثمرة في السعودية؟", "وتستثمر 300 شركة في السعودية", False),
        ("How many days did he survive at sea?", "قطع مسافة 125 كم في البحر", True),
        ("How many Iraqis live in poverty?", "ويعيش 20% من العراقيين في فقر", False),  # a share may answer
        ("How many years did he serve?", "خدم في الجيش 5 سنوات", False),  # a count of years
        ("How many riyals does a pilgrim pay?", "يدفع الحاج 5000 ريال", False),  # a count in the unit asked
        ("How many km did he drift?", "قطع مسافة 125 كم في البحر", False),
        ("How many countries use the dollar?", "يتعامل بالدولار نحو 2 مليار دولار", True),  # not in the unit named
        ("كم عدد القتلى؟", "وارتفع عدد القتلى الى 20 كما افادت الوزارة", False),  # كما is "as", not km
    ],
)
def test_a_sum_a_share_or_a_distance_does_not_answer_a_count(question, sentence, wrong):
    assert wrong_measure(measure_asked(question), sentence) == wrong


@pytest.mark.parametrize(
    ("question", "sentence", "pairs"),
    [
        # another definite noun qualifying the question's word
        (
            "من هو المتحدث باسم وزارة الخارجية التركية؟",
            "وقال المتحدث باسم وزارة الداخلية التركية إسماعيل جاتاكلي إن التحقيق مستمر.",
            ("وزارة الخارجية", "وزارة الداخلية"),
        ),
        # another figure, written in Arabic-Indic digits and with a mark on its word
        ("كم جنديا في اللواء 16؟", "ويضم اللواءُ ٢٥ نحو ثلاثة آلاف جندي.", ("اللواء 16", "اللواءُ ٢٥")),
        # the same qualifier: no near miss
        ("من هو المتحدث باسم وزارة الخارجية؟", "وقال المتحدث باسم وزارة الخارجية إن الوفد وصل.", None),
        # the question's qualifier stands elsewhere in the sentence: the other may be a second ministry
        ("ماذا قالت وزارة الخارجية؟", "ونسقت وزارة الداخلية مع الخارجية قبل الإعلان.", None),
        # a qualifier sharing its letters with the question's (a spelling) is not another one
        ("متى ولد الرئيس عبد الفتاح السيسي؟", "ولد الرئيس عبدالفتاح السيسي عام 1954.", None),
        # an indefinite word after the question's word is not a qualifier of the same kind
        ("كم موظفا في شركة النفط؟", "وتوظف شركة كبيرة في المدينة 300 عامل.", None),
        # nor is a pair of the question that the sentence lacks the first word of
        ("من يرأس شركة النفط؟", "ويرأس المجلس سامي الأعرجي.", None),
        # a figure joined to its article is a figure; another figure is another qualifier
        ("متى تعقد الدورة الـ24؟", "تعقد الدورة الـ25 في مارس.", ("الدورة الـ24", "الدورة الـ25")),
        # the question's figure counts where it stands whole, not inside another («16» in «2016»)
        ("كم جنديا في اللواء 16؟", "ويضم اللواء 25 نحو 2016 جنديا.", ("اللواء 16", "اللواء 25")),
        ("كم جنديا في اللواء 16؟", "ويضم اللواء 25 واللواء 16 نحو ألف جندي.", None),
        # a figure is not another qualifier of a definite one, nor the other way round
        ("كم جنديا في اللواء 16؟", "ويضم اللواء الأول نحو ألف جندي.", None),
        # the sentence's qualifier is one the question names too: no other thing
        ("ماذا قال وزير الخارجية عن الداخلية؟", "وقال وزير الداخلية إن الحدود آمنة.", None),
        # a country the sentence names in another form is the question's
        ("كم شخصا قتلوا قرب السفارة الأمريكية؟", "وقتل 40 شخصا قرب سفارة الولايات المتحدة.", None),
        # a time is not what a thing is: the period checks judge it
        ("ماذا قال الجيش الإسرائيلي عن الهجوم؟", "وقال الجيش الثلاثاء إن الهجوم فشل.", None),
        ("ماذا قال الجيش الإسرائيلي عن الهجوم؟", "وقال الجيش الأربعاء إن الهجوم فشل.", None),
        ("كم بلغت الأرباح في العام الحالي؟", "وبلغت الأرباح في العام الجاري 5 ملايين.", None),
        # a second noun joined by «و» is not a qualifier, nor is one across punctuation
        ("كم عدد القتلى المدنيين؟", "وبلغ عدد القتلى والجرحى 40.", None),
        ("ما أرباح شركة الكهرباء؟", 'وبلغت أرباح شركة "المياه" 5 ملايين.', None),
        # a bare article written apart («الـ 10») is no word to qualify
        ("متى تعقد الدورة الـ 24؟", "تعقد الدورة في الـ 10 من مارس.", None),
        # English questions are not read this way
        ("Who is the spokesman of the foreign ministry?", "وقال المتحدث باسم وزارة الداخلية إن التحقيق مستمر.", None),
    ],
)
def test_a_sentence_qualifying_the_questions_word_otherwise_is_about_something_else(question, sentence, pairs):
    assert qualified_otherwise(question, sentence) == pairs
