"""Cut a cleaned article into passages of whole sentences, sized for the embedder."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from qa.sentences import Span, sentence_spans, split_long

# Passages of ~320 tokens retrieved best with e5-small on ARCD and XQuAD (better
# than ~180-token pieces or whole 512-token windows; see the README); the hard cap
# keeps every passage (with its "passage: " prompt) inside the model's 512
# positions, so nothing is silently truncated.
TARGET_TOKENS = 320
MAX_TOKENS = 480


@dataclass(frozen=True)
class Chunk:
    text: str
    start: int  # character span in the cleaned article text
    end: int


def split_passages(
    text: str,
    count_tokens: Callable[[str], int],
    target_tokens: int = TARGET_TOKENS,
    max_tokens: int = MAX_TOKENS,
    overlap_sentences: int = 1,
) -> list[Chunk]:
    """Greedy packing of sentences up to ``target_tokens``; each passage repeats the
    previous passage's last ``overlap_sentences`` sentences for context."""

    def fits(piece: str) -> bool:
        return count_tokens(piece) <= max_tokens

    # Tokens of consecutive sentences add up (each starts a new word), so
    # counting every sentence once is enough to pack them.
    sentences: list[Span] = []
    sizes: list[int] = []
    for span in sentence_spans(text):
        size = count_tokens(span.of(text))
        if size <= max_tokens:
            sentences.append(span)
            sizes.append(size)
        else:
            pieces = split_long(text, span, fits)
            sentences.extend(pieces)
            sizes.extend(count_tokens(piece.of(text)) for piece in pieces)
    passages: list[Chunk] = []
    i = 0
    while i < len(sentences):
        j, size = i + 1, sizes[i]
        while j < len(sentences) and size + sizes[j] <= target_tokens:
            size += sizes[j]
            j += 1
        start, end = sentences[i].start, sentences[j - 1].end
        passages.append(Chunk(text[start:end], start, end))
        if j >= len(sentences):
            break
        # Step back for the overlap, but always move forward by at least one sentence.
        i = max(j - overlap_sentences, i + 1)
    return passages
