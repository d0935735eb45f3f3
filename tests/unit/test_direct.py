"""The figure or date a question asks for, found in the quoted sentence and led with."""

from __future__ import annotations

import pytest

from qa.arabic import normalize_arabic
from qa.direct import MIN_SPAN_SCORE, _restates, counted_term, direct_answer, periods
from qa.terms import term_of

from .conftest import MarkedSpans

TROOPS = "وينتشر في العراق حوالى ٢٥٠٠ جندي أميركي منذ عام 2014، يقدّمون مهمات استشارية."
AGREED = "وفي 21 آذار/مارس 2018 وجهت إلى ساركوزي تهم الفساد."


def test_a_count_is_led_with_and_marked_in_the_quote():
    direct = direct_answer("How many US troops are in Iraq?", TROOPS, english=True)
    assert direct.lead == "about 2500"  # Western digits, approximation kept, the year 2014 is not a count
    assert TROOPS[direct.start : direct.end] == direct.text == "٢٥٠٠"
    assert direct_answer("كم عدد الجنود الأميركيين في العراق؟", TROOPS, english=False).lead == "حوالي 2500"


@pytest.mark.parametrize(
    ("question", "sentence", "text", "english", "arabic"),
    [
        (
            "How much aid?",
            "قدمت 2500 جندي ومساعدات بقيمة 1.5 مليار دولار.",
            "1.5 مليار دولار",
            "1.5 billion dollars",
            None,
        ),
        (
            "How many refugees?",
            "ويعيش نحو ٢٫٥ مليون لاجئ في المخيمات.",
            "٢٫٥ مليون",
            "about 2.5 million",
            "حوالي 2.5 مليون",
        ),
        ("What percentage of the vote?", "ونال 30,6 في المئة من الأصوات.", "30,6 في المئة", "30.6%", None),
        ("How old is he?", "وقال غولن (77 عاما) إنه بريء.", "77 عاما", "77 years", None),
        ("How many people?", "وشارك ١٬٥٠٠ شخص في المسيرة.", "١٬٥٠٠", "1500", None),
        ("How many people?", "وبلغ عدد السكان 1,500,000 نسمة.", "1,500,000", "1500000", None),
        ("How much aid?", "وتعهدت بتقديم $2.5 billion في 3 دفعات.", "2.5 billion", "2.5 billion dollars", None),
        ("How far is it?", "وتبعد المدينة 40 كم عن بغداد.", "40 كم", "40 km", None),
        ("How much aid?", "وتلقت مساعدات بقيمة 500 مليون دولاراً.", "500 مليون دولاراً", "500 million dollars", None),
        ("What percentage of the vote?", "ونال 30% من الأصوات.", "30%", "30%", None),
    ],
)
def test_a_figure_is_led_with_its_scale_and_unit(question, sentence, text, english, arabic):
    direct = direct_answer(question, sentence, english=True)
    assert (direct.text, direct.lead) == (text, english)  # the figure of the kind asked for, with its unit
    assert sentence[direct.start : direct.end] == text
    if arabic:
        assert direct_answer("كم عدد اللاجئين؟", sentence, english=False).lead == arabic


@pytest.mark.parametrize(
    ("sentence", "english", "text"),
    [
        (AGREED, "21 March 2018", "21 آذار/مارس 2018"),
        ("عاد نيمار إلى باريس يوم الجمعة بعد العملية.", "Friday", "الجمعة"),
        ("ووقع الاتفاق في أيلول ٢٠١٨ في بغداد.", "September 2018", "أيلول ٢٠١٨"),
    ],
)
def test_a_date_is_said_in_english_for_an_english_question(sentence, english, text):
    direct = direct_answer("When was it?", sentence, english=True)
    assert (direct.lead, direct.text) == (english, text)
    assert sentence[direct.start : direct.end] == text
    assert direct_answer("متى حدث ذلك؟", sentence, english=False).lead == text


def test_no_direct_answer_when_the_sentence_lacks_one_or_the_question_asks_for_none():
    assert direct_answer("How many US troops are in Iraq?", "وقال المتحدث إن الهجمات غير مقبولة.", True) is None
    assert direct_answer("When was it?", "وقال المتحدث إن الهجمات غير مقبولة.", True) is None
    assert direct_answer("Who announced it?", TROOPS, True) is None


@pytest.mark.parametrize(
    ("sentence", "lead"),
    [
        ("منذ عام 2014 ينتشر ٢٥٠٠ جندي في العراق.", "2500"),  # the year before it is not a count
        ("في 2019 قتل 50 شخصا في الهجوم.", "50"),
        ("قتل 3 أشخاص وأصيب نحو 20 آخرين.", "3"),  # "about" belongs to the 20, not the 3
        ("اتجهت طائرات F-16 نحو القاعدة وقتل 4 جنود.", "4"),  # a model number is not a count
        ("قتل 12 شخصا في 3 أيار 2018.", "12"),  # nor a day of a month
    ],
)
def test_the_count_is_the_number_that_counts(sentence, lead):
    direct = direct_answer("How many people?", sentence, english=True)
    assert direct.lead == lead and sentence[direct.start : direct.end] == direct.text


@pytest.mark.parametrize(
    ("question", "sentence", "lead"),
    [
        (
            "كم مقعدا فاز به الحزب في انتخابات ١٩٩٣؟",
            "فاز الحزب بمقعدين في انتخابات 1993.",
            None,
        ),  # not the year asked about
        ("How many goals did Salah score in 34 matches?", "في 34 مباراة سجل صلاح 31 هدفا.", "31"),
        # the same digits with another scale or unit are another figure
        ("كم في المئة من 30 مليون ناخب صوتوا؟", "صوت 30 في المئة من 30 مليون ناخب.", "30%"),
        ("How much did the 30 parties spend?", "أنفقت الأحزاب الـ30 نحو 30 مليون دولار.", "about 30 million dollars"),
    ],
)
def test_a_figure_the_question_states_is_not_its_answer(question, sentence, lead):
    direct = direct_answer(question, sentence, english=True)
    assert (direct.lead if direct else None) == lead


@pytest.mark.parametrize(
    ("question", "sentence", "lead"),
    [
        ("كم مبادرة يشملها البرنامج؟", "يشمل البرنامج 10 قطاعات و100 مبادرة محتملة.", "100"),
        ("ما عدد الناخبين المسجلين؟", "دعي إلى الاقتراع في 12 محافظة نحو ٥٩ مليون ناخب.", "حوالي 59 مليون"),
        ("كم موظفاً سرحت الشركة؟", "تملك الشركة 12 مصنعاً وسرحت 300 من الموظفين.", "300"),
        ("وكم وصل عدد الموظفين؟", "تملك الشركة 12 مصنعاً وتوظف 300 من الموظفين.", "300"),
        ("كم من المهاجرين وصلوا؟", "وصل 12 قاربا تقل 300 من المهاجرين.", "300"),
        ("كم عدد القوات في العراق؟", "تعرضت قواتها في العراق إلى 73 هجوماً.", "73"),  # none counts it: the first figure
        # a figure with no noun of its own may count the noun of a later one: it stays first
        ("كم مهاجرا نجا؟", "نجا 300 من أصل 450 مهاجرا.", "300"),
        ("كم موظفا سرحت الشركة؟", "سرحت الشركة 300 من موظفيها البالغ عددهم 12 ألف موظف.", "300"),
    ],
)
def test_the_figure_that_counts_what_an_arabic_question_counts_leads(question, sentence, lead):
    assert direct_answer(question, sentence, english=False).lead == lead


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("كم مقعداً فاز به الحزب؟", "مقعدا"),
        ("كم بلغ عدد القتلى؟", "القتلى"),
        ("كم وصل عدد الضحايا؟", "الضحايا"),  # «عدد» first, whatever verb comes before it
        ("وكم مهاجرا وصل؟", "مهاجرا"),
        ("كم من المهاجرين وصلوا؟", "المهاجرين"),
        ("على بعد 10 كم من الحدود، كم شخصا قتل؟", "شخصا"),  # not the «كم» of a distance
        ("How many troops?", None),
    ],
)
def test_what_an_arabic_question_counts(question, counted):
    assert counted_term(question) == (term_of(normalize_arabic(counted)) if counted else None)


@pytest.mark.parametrize(
    ("sentence", "english"),
    [
        ("وقعت في الـ21 من آذار 2018 في بغداد.", "21 March 2018"),
        ("أعلن في 13 كانون الأول 2023 الاتفاق.", "13 December 2023"),
        ("Up to 5 may be charged on Friday.", None),  # "may" is a verb here
        ("Charges were filed on 5 APRİL 2018.", None),  # an odd spelling is no crash
    ],
)
def test_dates_in_their_written_forms(sentence, english):
    direct = direct_answer("When?", sentence, english=True)
    assert (direct.lead if direct else None) == english


def test_the_answer_carries_the_span_of_its_figure_in_the_first_quote(parts):
    from .conftest import passage

    troops = passage("t1", "القوات الأميركية في العراق حوالى ٢٥٠٠.", "t")
    retriever, answerer = parts([troops])
    question = "كم عدد القوات الأميركية في العراق؟"
    answer = answerer.answer(question, retriever.search(question, n=1))
    start, end = answer.answer_span
    assert answer.citations[0].quote[start:end] == answer.answer_text == "٢٥٠٠"


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("تعرضت القوات إلى 73 هجوماً حتى 24 تشرين الثاني", {"24-11"}),
        ("و40 هجوماً منذ ١٧ تشرين الأول ٢٠٢٣", {"17-10-2023"}),  # Arabic-Indic digits
        ("attacks since October 2023 and in 2024", {"10-2023", "2024"}),
        ("وينتشر 2000 جندي أميركي", set()),  # a count, not a year
        ("سقط صاروخان يوم الاثنين", {"الاثنين"}),
    ],
)
def test_the_periods_a_sentence_names(sentence, expected):
    assert periods(sentence) == expected


@pytest.mark.parametrize(
    ("english", "arabic", "sentence", "text", "lead"),
    [
        ("In which city did they meet?", "في أي مدينة التقيا؟", "والتقى بوتين وترامب في هلسنكي عاصمة فنلندا.", "هلسنكي", "Helsinki"),
        # The place the question names is not its answer.
        ("From which country did they sail to Italy?", "من أي بلد أبحروا إلى إيطاليا؟", "أبحروا إلى إيطاليا من ليبيا.", "ليبيا", "Libya"),
        ("From which country did they sail to Turkey?", "من أي بلد أبحروا إلى تركيا؟", "أبحروا إلى تركيا من سوريا.", "سوريا", "Syria"),
        ("Where did the talks end?", "وأين انتهت المشاورات؟", "واختتمت المشاورات مع كوريا الشمالية أمس.", "كوريا الشمالية", "North Korea"),
        # A country's adjective is no place: the answer is the city; المالي (financial) is not Mali.
        ("Where did they meet?", "أين التقيا؟", "والتقى رئيس الوزراء العراقي بايدن في القاهرة.", "القاهرة", "Cairo"),
        ("Where was the aid given?", "وأين قُدّم الدعم؟", "وقُدّم الدعم المالي للمهاجرين في الأردن.", "الأردن", "Jordan"),
    ],
)  # fmt: skip
def test_a_place_is_led_with_by_its_name_in_the_reader_s_language(english, arabic, sentence, text, lead):
    for question, expected in ((english, lead), (arabic, text)):
        direct = direct_answer(question, sentence, english=question is english)
        assert (direct.text, direct.lead) == (text, expected)
        assert sentence[direct.start : direct.end] == text


def test_no_place_answer_from_a_sentence_that_names_only_the_places_asked_about():
    assert direct_answer("Where in Iraq did it happen?", "وقع الهجوم في العراق أمس.", english=True) is None


@pytest.mark.parametrize(
    ("sentence", "speaker"),
    [
        (
            "وقال المتحدث باسم الخارجية الأميركية نيد برايس إن الصواريخ سقطت.",
            "المتحدث باسم الخارجية الأميركية نيد برايس",
        ),
        # The speaker before the verb, with an apposition; the time after the verb is not the speaker.
        (
            "كانت الممثلة الرسمية لوزارة الدفاع، سابرينا سينغ، أعلنت أمس الثلاثاء، أنه تعرضت القواعد لـ40 هجمة.",
            "الممثلة الرسمية لوزارة الدفاع، سابرينا سينغ",
        ),
        ('ميلر أعلن خلال منشور على موقع "إكس" إن بلينكن تحدث مع السوداني.', "ميلر"),
        ("وينتشر 2500 جندي بحسب وزارة الدفاع الأميركية.", "وزارة الدفاع الأميركية"),
        ("وينتشر الجنود وفقاً لوزارة الدفاع، في العراق.", "وزارة الدفاع"),
        ("وكانت القوات الأميركية قد أعلنت أن الهجوم فشل.", "القوات الأميركية"),
        ("وجاء ذلك، كما أعلنت وزارة الدفاع.", "وزارة الدفاع"),
    ],
)
def test_who_said_it_is_led_by_the_speaker(sentence, speaker):
    for question in ("Who said that?", "ومن أعلن ذلك؟"):
        direct = direct_answer(question, sentence, english=question.isascii())
        assert direct.lead == direct.text == sentence[direct.start : direct.end] == speaker


@pytest.mark.parametrize(
    "sentence", ["وينتشر حوالي 2500 عسكري أميركي في العراق.", "كما أكد أن الهجوم فشل.", "وقد أعلن أمس أن الهجوم فشل."]
)
def test_a_sentence_that_names_no_speaker_has_none(sentence):
    assert direct_answer("Who said that?", sentence, english=True) is None


def test_no_figure_of_another_kind_is_given_for_the_one_asked():
    # A share in words: no figure to lead with, and not the count of reports.
    assert direct_answer("ما نسبة الدولار من الاحتياطي؟", "يشكل الدولار ثلثي الاحتياطي بحسب 3 تقارير.", False) is None


def test_a_count_is_led_with_a_bare_figure_not_a_distance():
    sentence = "قطع الفتى مسافة 125 كم على متن الكوخ خلال 49 يوما."
    assert direct_answer("How many days did he survive adrift?", sentence, english=True).lead == "49"
    assert direct_answer("How far did he drift?", sentence, english=True).lead == "125 km"


@pytest.mark.parametrize(
    ("question", "clause_asked", "sentence"),
    [
        (
            "At which airport did Neymar land when he returned to Paris?",
            "When did Neymar return to Paris?",
            "عاد نيمار الجمعة إلى باريس.",
        ),
        (
            "Who is the governor who told state TV the city was calm?",
            "Who told state TV the city was calm?",
            "قال المحافظ للتلفزيون إن المدينة هادئة.",
        ),
    ],
)
def test_a_clause_within_the_question_does_not_say_what_it_asks_for(question, clause_asked, sentence):
    # "when he returned" is a clause: the question asks for an airport, not a date.
    assert direct_answer(question, sentence, english=True) is None
    assert direct_answer(clause_asked, sentence, english=True) is not None


@pytest.mark.parametrize(
    ("question", "lead"),
    [
        ("Where did the attack take place and how many were killed?", "20"),
        ("When the attack began, how many were killed?", "20"),
        ("Who carried out the attack, and when was it?", "12 March 2018"),
    ],
)
def test_a_second_question_joined_to_the_first_is_asked(question, lead):
    sentence = "قتل 20 شخصا في الهجوم على عدن في 12 آذار 2018."
    assert direct_answer(question, sentence, english=True).lead == lead


def test_a_phrase_the_question_already_holds_is_no_answer_to_it():
    assert _restates("من هو وزير الخارجية؟", "وزير الخارجية")
    assert _restates("من هي فيكتوريا تايلور؟", "فيكتوريا تايلور")
    assert not _restates("من هي فيكتوريا تايلور؟", "نائب مساعد وزير الخارجية")
    assert not _restates("من أدار الجلسة الرابعة؟", "لينا الخطيب")


SESSION = "وأدارت الجلسة الرابعة لينا الخطيب من معهد تشاتام هاوس في لندن يوم 8 نوفمبر"


@pytest.mark.parametrize(
    ("question", "score", "lead"),
    [
        ("من أدار الجلسة الرابعة؟", MIN_SPAN_SCORE, "لينا الخطيب"),
        ("من أدار الجلسة الرابعة؟", MIN_SPAN_SCORE - 0.1, None),  # too unsure to lead
        ("Who moderated the fourth session?", MIN_SPAN_SCORE + 5, None),  # English: not the span model's
        ("لماذا أدارت الخطيب الجلسة؟", MIN_SPAN_SCORE + 5, None),  # a why question's answer is a clause
        ("هل أدارت الخطيب الجلسة؟", MIN_SPAN_SCORE + 5, None),
        ("من هي لينا الخطيب؟", MIN_SPAN_SCORE + 5, None),  # the question's own words
    ],
)
def test_the_span_model_leads_only_a_sure_name_an_arabic_question_asks_for(question, score, lead):
    found = direct_answer(question, SESSION, english=False, spans=MarkedSpans({"لينا الخطيب": score}))
    assert (found.lead if found else None) == lead
    if found:
        assert SESSION[found.start : found.end] == found.text == lead


def test_rules_come_before_the_span_model():
    spans = MarkedSpans({"لينا الخطيب": MIN_SPAN_SCORE + 5})
    assert direct_answer("متى أدارت الخطيب الجلسة؟", SESSION, english=False, spans=spans).lead == "8 نوفمبر"
    assert direct_answer("أين عقدت الجلسة الرابعة؟", SESSION, english=False, spans=spans).lead == "لندن"
    assert direct_answer("كم جلسة عقدت؟", SESSION, english=False, spans=spans) is None  # a figure or nothing


@pytest.mark.parametrize(
    ("question", "sentence", "figure"),
    [
        ("في كم بلدا أوروبيا تعهدت الشركة بتوفير التأمين؟", "تعهدت الشركة بتوفير التأمين في 21 بلدا أوروبيا", "21"),
        ("خلال كم يوما سيعلن الفائز؟", "سيعلن الفائز خلال 90 يوما من الآن", "90 يوما"),
        ("بكم سنة حكم عليه؟", "حكم عليه بالسجن 7 سنوات", "7 سنوات"),
    ],
)
def test_kam_after_a_preposition_asks_for_a_figure(question, sentence, figure):
    found = direct_answer(question, sentence, english=False)
    assert found is not None and found.text.startswith(figure.split()[0]) and figure.startswith(found.lead)
