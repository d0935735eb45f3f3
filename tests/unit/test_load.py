"""Finding and decoding article files: encodings, bad files, JSONL lines, links."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ingest.load import Decoded, IngestError, SourceFile, decode_bytes, discover, read_bytes, read_source

ARABIC = "وينتشر في العراق حوالى 2500 جندي أميركي، يقدّمون مهمات استشارية لنظرائهم العراقيين."


@pytest.mark.parametrize(
    "encoded",
    [
        ARABIC.encode("utf-8"),
        b"\xef\xbb\xbf" + ARABIC.encode("utf-8"),
        ARABIC.encode("utf-16"),  # with BOM
        ARABIC.encode("utf-16-le"),  # without BOM
        ARABIC.encode("cp1256"),
    ],
    ids=["utf8", "utf8-bom", "utf16-bom", "utf16le-nobom", "windows-1256"],
)
def test_common_arabic_encodings_decode(encoded):
    assert decode_bytes(encoded).text.strip() == ARABIC


@pytest.mark.parametrize(
    "data,reason",
    [(b"", "empty"), (b"  \n\t ", "empty"), (bytes(range(256)) * 20, "binary")],
)
def test_bad_files_are_rejected_with_a_reason(data, reason):
    with pytest.raises(IngestError, match=reason):
        decode_bytes(data)


def test_size_cap(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("كلمة " * 1000, encoding="utf-8")
    with pytest.raises(IngestError, match="over the 100-byte limit"):
        read_source(SourceFile(path, tmp_path), max_bytes=100)


def test_jsonl_bad_lines_reported_by_number_valid_lines_kept(tmp_path):
    path = tmp_path / "feed.jsonl"
    path.write_text(
        '{"id": "a", "text": "نص أول", "title": "عنوان", "outlet": "Rudaw", "date": "2023-11-08"}\n'
        "{not json\n"
        '{"id": "b"}\n'
        '{"id": "c", "text": "نص ثالث", "url": "https://example.org/c"}\n',
        encoding="utf-8",
    )
    read = read_source(SourceFile(path, tmp_path), 10**6)
    docs, failed = read.docs, read.failed
    assert [d.doc_id for d in docs] == ["a", "c"]
    assert docs[0].metadata == {"title": "عنوان", "outlet": "Rudaw", "date": "2023-11-08"}
    assert docs[1].source == "https://example.org/c"
    assert [reason.split(":")[0] for _, reason in failed] == ["line 2", "line 3"]
    assert "text" in failed[1][1]


def test_unicode_line_and_paragraph_separators_inside_a_jsonl_string_lose_nothing(tmp_path):
    """json.dumps(..., ensure_ascii=False) writes U+2028, U+2029 and NEL as they are; a JSONL
    line ends at a newline only (the news archive has such articles)."""
    records = [{"id": "a", "text": "فقرة أولى\u2029فقرة ثانية\u2028سطر\x85آخر"}, {"id": "b", "text": "نص"}]
    path = tmp_path / "feed.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\r\n" for r in records), encoding="utf-8")
    read = read_source(SourceFile(path, tmp_path), 10**6)
    assert read.failed == [] and [d.doc_id for d in read.docs] == ["a", "b"]
    assert read.docs[0].text == records[0]["text"]


def test_discovery_is_recursive_and_filters_types(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/one.txt", "a/b/two.md", "a/b/three.HTML", "a/skip.pdf", "a/.hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover([tmp_path / "a"])
    assert sorted(f.doc_id for f in found.files) == ["b/three.HTML", "b/two.md", "one.txt"]


def test_a_file_given_alone_inside_the_articles_folder_gets_the_id_a_scan_gives_it(tmp_path):
    (tmp_path / "articles" / "uploads").mkdir(parents=True)
    upload, elsewhere = tmp_path / "articles" / "uploads" / "u.txt", tmp_path / "e.txt"
    for path in (upload, elsewhere):
        path.write_text("x", encoding="utf-8")
    alone = discover([upload, elsewhere], home=tmp_path / "articles").files
    scanned = discover([tmp_path / "articles"]).files
    assert [f.doc_id for f in alone] == ["uploads/u.txt", "e.txt"]
    assert (alone[0].doc_id, alone[0].root) == (scanned[0].doc_id, scanned[0].root)


def test_symlinks_that_leave_or_loop_are_refused(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("secret", encoding="utf-8")
    root = tmp_path / "root"
    root.mkdir()
    (root / "ok.txt").write_text("x", encoding="utf-8")
    os.symlink(outside, root / "escape.txt")
    os.symlink(tmp_path, root / "up")
    os.symlink(root, root / "loop")
    found = discover([root])
    assert [f.doc_id for f in found.files] == ["ok.txt"]
    reasons = " ".join(reason for _, reason in found.failed)
    assert "leaves the ingested folder" in reasons and "loop" in reasons


def test_missing_path_and_unsupported_file(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    found = discover([tmp_path / "nope", tmp_path / "notes.pdf"])
    assert found.files == []
    assert [reason.split(" ")[0] for _, reason in found.failed] == ["no", "unsupported"]


@pytest.mark.timeout(60)
def test_a_named_pipe_fails_at_once_instead_of_hanging(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")  # opened for reading, a FIFO blocks until a writer comes
    (tmp_path / "ok.txt").write_text(ARABIC, encoding="utf-8")
    (pipe,) = [f for f in discover([tmp_path]).files if f.doc_id == "pipe.txt"]
    with pytest.raises(IngestError, match="not a regular file \\(a named pipe\\)"):
        read_source(pipe, 10**6)


def test_a_device_is_refused_and_no_read_goes_past_the_cap(tmp_path):
    with pytest.raises(IngestError, match="a character device"):
        read_bytes(Path("/dev/zero"), 10**6)  # endless: read whole, it is a MemoryError
    # /proc files say they are empty and are not: the cap holds whatever the size said.
    with pytest.raises(IngestError, match="over the 100-byte limit"):
        read_bytes(Path("/proc/self/maps"), 100)


def test_a_symlink_loop_is_one_failure_and_the_rest_is_read(tmp_path):
    (tmp_path / "ok.txt").write_text(ARABIC, encoding="utf-8")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    found = discover([tmp_path, tmp_path / "loop.txt"])
    assert [f.doc_id for f in found.files] == ["ok.txt"]
    assert [path.rsplit("/", 1)[-1] for path, _ in found.failed] == ["loop.txt", "loop.txt"]
    assert all("loops" in reason for _, reason in found.failed)


def test_a_few_bad_bytes_in_utf8_are_replaced_and_counted_not_the_article_lost():
    data = ARABIC.encode("utf-8") * 3 + b"\xff" + ARABIC.encode("utf-8") * 3
    decoded = decode_bytes(data)
    assert decoded.replaced == 1
    assert decoded.text.replace("\ufffd", "") == ARABIC * 6


def test_one_bad_byte_in_a_short_utf8_article_is_replaced_too():
    """One byte is over 1% of a one-sentence article; its well-formed Arabic still says UTF-8."""
    short = "قال الوزير إن السد يخزن المياه"
    decoded = decode_bytes(short.encode() + b" \xff")
    assert (decoded.text, decoded.replaced) == (short + " \ufffd", 1)


def test_one_bad_byte_in_a_long_english_article_with_a_few_curly_quotes_is_replaced_too():
    article = ("The minister’s office said the talks would resume next week. " * 40).encode() + b"\x93"
    decoded = decode_bytes(article)
    assert decoded.replaced == 1 and "minister’s" in decoded.text  # not read as cp1252: "ministerâ€™s"


def test_another_encoding_is_not_mistaken_for_damaged_utf8():
    assert decode_bytes(ARABIC.encode("cp1256")) == Decoded(ARABIC)
    text = "The café on the corner served breakfast to the reporters every morning. " * 3
    assert decode_bytes(text.encode("cp1252")) == Decoded(text)  # mostly ASCII: one byte is no damage


@pytest.mark.parametrize(
    "url,kept",
    [
        ("https://www.bbc.com/arabic/a-1", True),
        ("http://example.org/x?y=1#z", True),
        ("https://x ![p](http://127.0.0.1:9999/pixel) [official source](https://evil.example/phish)", False),
        ("javascript:alert(1)", False),
        ("https:///no-host", False),
        ("https://example.org/\x1b[8m", False),
    ],
)
def test_only_plain_web_addresses_are_kept_from_jsonl(tmp_path, url, kept):
    path = tmp_path / "feed.jsonl"
    path.write_text(json.dumps({"id": "a", "text": ARABIC, "url": url}) + "\n", encoding="utf-8")
    (doc,) = read_source(SourceFile(path, tmp_path), 10**6).docs
    assert (doc.metadata.get("url") == url) is kept
    assert doc.source == (url if kept else str(path))
