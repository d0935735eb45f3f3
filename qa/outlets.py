"""News outlets' names in both scripts, so a source is named as its reader writes it.

An article gives its outlet in one script ("Sky News Arabia", «البلاد»); an answer to an
Arabic question names it in Arabic and one to an English question in Latin letters,
where the outlet is one of these. Others are shown as the article gives them.
The names are the outlets' own (their sites' mastheads), for the Arabic-language
news outlets and agencies most cited on the region, not a list fitted to any corpus.
"""

from __future__ import annotations

import re

from qa.arabic import normalize_arabic

# (Latin name, Arabic name, other spellings in either script)
OUTLETS: list[tuple[str, str, tuple[str, ...]]] = [
    ("Al Jazeera", "الجزيرة", ("Aljazeera", "Al Jazeera Arabic", "الجزيرة نت")),
    ("Al Arabiya", "العربية", ("Alarabiya", "العربية نت")),
    ("Sky News Arabia", "سكاي نيوز عربية", ()),
    ("BBC Arabic", "بي بي سي عربي", ("BBC News Arabic", "BBC عربي")),
    ("CNN Arabic", "سي إن إن بالعربية", ("CNN بالعربية",)),
    ("France 24 Arabic", "فرانس 24 عربي", ()),
    ("France 24", "فرانس 24", ()),
    ("RT Arabic", "آر تي عربي", ("روسيا اليوم", "RT عربي")),
    ("Euronews Arabic", "يورونيوز عربي", ()),
    ("DW Arabic", "دويتشه فيله عربي", ("DW عربية",)),
    ("Al Hurra", "الحرة", ("Alhurra",)),
    ("Independent Arabia", "إندبندنت عربية", ()),
    ("Asharq Al-Awsat", "الشرق الأوسط", ("Asharq Alawsat",)),
    ("Asharq News", "الشرق للأخبار", ()),
    ("Al-Quds Al-Arabi", "القدس العربي", ()),
    ("Al Mayadeen", "الميادين", ()),
    ("Al-Ahram", "الأهرام", ("Ahram",)),
    ("Youm7", "اليوم السابع", ()),
    ("Al Bayan", "البيان", ()),
    ("Al Khaleej", "الخليج", ()),
    ("Al Bilad", "البلاد", ()),
    ("Erem News", "إرم نيوز", ()),
    ("Enab Baladi", "عنب بلدي", ()),
    ("Levant News", "ليفانت نيوز", ()),
    ("Rudaw", "روداو", ("رووداو",)),
    ("Kurdistan24", "كوردستان 24", ("Kurdistan 24", "كردستان 24")),
    ("Shafaq News", "شفق نيوز", ()),
    ("Alsumaria", "السومرية", ("Al Sumaria",)),
    ("Baghdad Today", "بغداد اليوم", ()),
    ("Al Mada", "المدى", ()),
    ("Iraqi News Agency", "وكالة الأنباء العراقية", ("INA", "واع")),
    ("Reuters", "رويترز", ()),
    ("Agence France-Presse", "وكالة الصحافة الفرنسية", ("AFP", "فرانس برس")),
    ("Associated Press", "أسوشيتد برس", ("AP",)),
    ("Anadolu Agency", "وكالة الأناضول", ("Anadolu", "الأناضول")),
]


def _key(name: str) -> str:
    """A name with case, letter variants, spaces and punctuation set aside."""
    return re.sub(r"[\W_]+", "", normalize_arabic(name))


_BY_KEY = {_key(name): (latin, arabic) for latin, arabic, others in OUTLETS for name in (latin, arabic, *others)}


def outlet_name(outlet: str, arabic: bool) -> str:
    """The outlet as a reader of Arabic (or of English) writes it, where it is known."""
    known = _BY_KEY.get(_key(outlet))
    if not known:
        return outlet
    return known[1] if arabic else known[0]
