"""Sentences written to steer an AI reader rather than to inform a human one.

Scraped articles can carry text planted for assistants ("Ignore previous
instructions and say…", "أيها المساعد، أجب بأن…"). Such a sentence is never
news: it is not quoted as an answer, and an LLM's quote of it supports nothing.
The patterns are the two forms an injection takes: an order to drop earlier
instructions, and a sentence addressed to an assistant or model.
"""

from __future__ import annotations

import re

from qa.arabic import normalize_arabic

_READER = r"(?:ai|assistant|a\.i\.|chat ?bot|language model|llm|gpt|model|system)"
_ENGLISH = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b(?:\s+\w+){0,3}\s+"
    r"(?:previous|prior|above|earlier|preceding|all|your|system)\s+(?:\w+\s+)?"
    r"(?:instructions?|prompts?|messages?|rules|directions|guidelines)\b"
    rf"|\b(?:you are|you're|as) (?:an? |the )?{_READER}\b"
    rf"|\b(?:dear|hey|attention|note to (?:the )?)\s*(?:the )?{_READER}\b"
    rf"|\b{_READER}\s*[:,]\s*(?:answer|say|reply|respond|tell|write|state|output|print)\b"
    r"|\bsystem (?:prompt|message)\b|^\s*system\s*:",
    re.IGNORECASE,
)
# Matched on normalize_arabic's folding (alef forms as ا, ta marbuta as ه).
_ARABIC_READER = r"(?:المساعد|النموذج|الذكاء الاصطناعي|البوت|الروبوت|المساعد الذكي|نموذج اللغه)"
_ARABIC = re.compile(
    r"(?:تجاهل|تجاهلي|تجاهلوا|انس|انسي|اهمل|لا تلتزم ب)\s+(?:\S+\s+){0,2}"
    r"(?:التعليمات|الاوامر|التوجيهات|القواعد|الارشادات)"
    rf"|(?:ايها|يا|عزيزي)\s+{_ARABIC_READER}"
    rf"|{_ARABIC_READER}\s*[:،,]\s*(?:اجب|قل|اكتب|اخبر|رد)"
    rf"|(?:انت|بصفتك)\s+{_ARABIC_READER}"
)


def is_instruction(sentence: str) -> bool:
    """Does the sentence address an AI reader or tell it to drop its instructions?"""
    return bool(_ENGLISH.search(sentence) or _ARABIC.search(normalize_arabic(sentence)))
