"""The same ingestion and search through a real `chroma run` server."""

from __future__ import annotations

from .conftest import free_port


def test_ingest_and_search_through_a_server(run_json, corpus, chroma_server):
    code, report = run_json("--chroma-url", chroma_server, "ingest", str(corpus))
    assert code == 0 and report["added"] == 5
    code, report = run_json("--chroma-url", chroma_server, "ingest", str(corpus))
    assert report["unchanged"] == 5
    code, found = run_json("--chroma-url", chroma_server, "search", "Blinken phone call with Sudani", "-k", "2")
    assert code == 0
    assert found["results"][0]["doc_id"] == "001_6e69f22dc3c2ec4f.txt"


def test_unreachable_server_is_a_clear_error(run_qa):
    code, _out, err = run_qa("--chroma-url", f"http://127.0.0.1:{free_port()}", "search", "troops")
    assert code == 1 and "Chroma server" in err


def test_a_machine_with_its_own_catalogue_never_deletes_another_machines_articles(corpus, tmp_path, chroma_server):
    """Two machines on one server, each with its own records database (not the shared one
    the README asks for): the second one's ingest sees the first one's passages as
    uncatalogued, and must leave them alone rather than 'repair' them away."""
    from ingest.sync import ingest
    from qa.config import Settings
    from qa.store import open_store

    first = Settings().with_overrides(store_dir=tmp_path / "first", chroma_url=chroma_server)
    second = Settings().with_overrides(store_dir=tmp_path / "second", chroma_url=chroma_server)
    ingest([corpus], first)
    before = open_store(first).count()
    late = tmp_path / "late"
    late.mkdir()
    (late / "bridge.txt").write_text("جسر جديد\n\nافتتحت الحكومة العراقية جسرا جديدا فوق نهر دجلة في الموصل.\n")
    report = ingest([late], second)
    assert report.added == 1 and any("left in the Chroma server's collection" in r for r in report.repairs)
    assert open_store(first).count() == before + 1  # the first machine's passages are all still there
