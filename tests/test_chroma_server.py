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
