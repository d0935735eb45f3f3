"""Title, outlet and publication date from a cleaned article's header and text."""

from __future__ import annotations

import re
from datetime import date

from qa.arabic import to_western_digits
from qa.months import MONTHS

_MONTH = "|".join(sorted((re.escape(m) for m in MONTHS), key=len, reverse=True))
_DATE_PATTERNS = [
    # 2023-11-08, 2023/11/08
    (re.compile(r"\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})\b"), ("y", "m", "d")),
    # 08-11-2023, 8/11/2023 (day first, as Arabic outlets write it)
    (re.compile(r"\b(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})\b"), ("d", "m", "y")),
    # 13 كانون الأول 2023, 8 November 2023 (an Egyptian name may follow a Levantine one)
    (
        re.compile(
            rf"\b(\d{{1,2}})\s+(?:من\s+)?({_MONTH})(?:\s*[/(]?\s*(?:{_MONTH})\s*\)?)?\s*[,،]?\s+(\d{{4}})\b", re.I
        ),
        ("d", "M", "y"),
    ),
    # December 19, 2024
    (re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b", re.I), ("M", "d", "y")),
]
# A date in the body counts only when the text says it is today's ("today, Wednesday 13 …").
_TODAY = re.compile(r"(?:اليوم|today)(?:\W+\w+){0,2}\W*$", re.I)


def _to_date(parts: dict[str, str]) -> date | None:
    try:
        month = int(parts["m"]) if "m" in parts else MONTHS[parts["M"].lower()]
        value = date(int(parts["y"]), month, int(parts["d"]))
    except (KeyError, ValueError):
        return None
    return value if 1990 <= value.year <= 2100 else None


def find_dates(text: str) -> list[tuple[int, date]]:
    """Every full date in ``text`` with its position, in order."""
    text = to_western_digits(text)
    found: list[tuple[int, date]] = []
    for pattern, order in _DATE_PATTERNS:
        for match in pattern.finditer(text):
            value = _to_date(dict(zip(order, match.groups())))
            if value:
                found.append((match.start(), value))
    return sorted(found)


def publication_date(header: list[str], body: str) -> str | None:
    """ISO date the article states for itself: a header date, else a body date marked as today's."""
    for line in header:
        dates = find_dates(line)
        if dates:
            return dates[0][1].isoformat()
    western = to_western_digits(body)
    for position, value in find_dates(western):
        if _TODAY.search(western[max(0, position - 40) : position].rstrip("( ")):
            return value.isoformat()
    return None


# Arabic-language outlets often met in Iraq coverage: (pattern, display name).
KNOWN_OUTLETS = [
    (r"رووداو|rudaw", "Rudaw"),
    (r"كوردستان\s*24|كردستان\s*24|kurdistan\s*24", "Kurdistan24"),
    (r"شفق نيوز|shafaq", "Shafaq News"),
    (r"السومرية|alsumaria", "Alsumaria"),
    (r"الجزيرة|al ?jazeera", "Al Jazeera"),
    (r"العربية|al ?arabiya", "Al Arabiya"),
    (r"الشرق الأوسط|asharq al-awsat", "Asharq Al-Awsat"),
    (r"الحرة|alhurra", "Alhurra"),
    (r"سكاي نيوز|sky news", "Sky News Arabia"),
    (r"بي بي سي|bbc", "BBC Arabic"),
    (r"ليفانت|levant", "Levant News"),
    (r"الأناضول|anadolu", "Anadolu Agency"),
    (r"فرانس ?24|france ?24", "France 24"),
    (r"روسيا اليوم|rt arabic", "RT Arabic"),
    (r"اندبندنت عربية|independent arabia", "Independent Arabia"),
]
_KNOWN = [(re.compile(p, re.I), name) for p, name in KNOWN_OUTLETS]
# "أربيل (كوردستان 24)- ..." : a dateline naming the outlet in brackets.
_DATELINE = re.compile(r"^\s*[\w\s]{2,25}?\s*\(([^()]{2,30})\)\s*[-–—:]")
# "البلاد – هاشم آل هاشم": outlet, dash, reporter.
_BYLINE = re.compile(r"^\s*([^\s–—-]+(?:\s[^\s–—-]+){0,2})\s+[–—-]\s+\S+(?:\s\S+){0,3}\s*$")
# "ليفانت-وكالات", "المصدر: …": a signature after the last paragraph.
_SIGNATURE = re.compile(
    r"^\s*(?:المصدر\s*[:：]\s*)?([^\s–—-]+(?:\s[^\s–—-]+){0,2})\s*[–—-]\s*(?:وكالات|خاص|متابعات)\s*$"
)


def _known_outlet(text: str) -> str | None:
    for pattern, name in _KNOWN:
        if pattern.search(text):
            return name
    return None


def outlet_name(header: list[str], body: str, trailer: list[str]) -> str | None:
    """The outlet that published the article, where the page names it."""
    first_paragraph = body.split("\n", 1)[0]
    candidates: list[str] = []
    if match := _DATELINE.match(first_paragraph):
        candidates.append(match.group(1))
    for line in header[1:] + trailer:
        if match := _SIGNATURE.match(line) or _BYLINE.match(line):
            candidates.append(match.group(1))
        elif len(line.split()) <= 3 and not find_dates(line) and (known := _known_outlet(line)):
            return known
    if candidates:
        return _known_outlet(candidates[0]) or candidates[0].strip()
    return None


def title_of(header: list[str], body: str) -> str:
    """The headline: the first header line of four words or more, else the longest one."""
    for line in header:
        if len(line.split()) >= 4 and not find_dates(line):
            return line
    if header:
        return max(header, key=len)
    return body.split("\n", 1)[0][:120]
