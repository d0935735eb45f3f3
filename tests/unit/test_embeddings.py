"""How the encoder groups texts into batches (qa.embeddings.length_batches)."""

from qa.embeddings import length_batches


def test_batches_take_the_longest_texts_first_and_keep_every_text_once():
    counts = [5, 40, 12, 40, 33, 7, 18]
    batches = length_batches(counts, size=3)
    assert [len(b) for b in batches] == [3, 3, 1]
    flat = [i for batch in batches for i in batch]
    assert sorted(flat) == list(range(len(counts)))
    assert [counts[i] for i in flat] == sorted(counts, reverse=True)
    assert length_batches([3, 5, 5, 2, 5], size=2) == [[4, 2], [1, 0], [3]]  # ties: the last text first


def test_padded_batches_hold_only_texts_that_pad_to_one_length():
    """Each text's batch pads to the multiple its own count rounds up to, whatever else is
    embedded: 33 and 40 pad to 48, 17 and 18 to 32, 5, 7 and 12 to 16."""
    counts = [5, 40, 12, 33, 7, 18, 17]
    batches = length_batches(counts, size=32, pad_to=16)
    assert [sorted(counts[i] for i in batch) for batch in batches] == [[33, 40], [17, 18], [5, 7, 12]]
    assert length_batches([40, 33, 18, 12, 7], size=2, pad_to=16) == [[0, 1], [2], [3, 4]]  # a group ends mid-batch
    assert length_batches([16, 17, 32, 33, 512], size=32, pad_to=16) == [[4], [3], [2, 1], [0]]
