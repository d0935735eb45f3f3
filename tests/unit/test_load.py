"""Finding and decoding article files: encodings, bad files, JSONL lines, links."""

from __future__ import annotations

import os

import pytest

from ingest.load import IngestError, SourceFile, decode_bytes, discover, read_source

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
    assert decode_bytes(encoded).strip() == ARABIC


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
    docs, failed = read_source(SourceFile(path, tmp_path), 10**6)
    assert [d.doc_id for d in docs] == ["a", "c"]
    assert docs[0].metadata == {"title": "عنوان", "outlet": "Rudaw", "date": "2023-11-08"}
    assert docs[1].source == "https://example.org/c"
    assert [reason.split(":")[0] for _, reason in failed] == ["line 2", "line 3"]
    assert "text" in failed[1][1]


def test_discovery_is_recursive_and_filters_types(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/one.txt", "a/b/two.md", "a/b/three.HTML", "a/skip.pdf", "a/.hidden.txt"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover([tmp_path / "a"])
    assert sorted(f.doc_id for f in found.files) == ["b/three.HTML", "b/two.md", "one.txt"]


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
