"""The ``qa`` command (its contract is in DESIGN.md)."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from ingest.uploads import MAX_UPLOAD_BYTES
from qa.config import Settings
from qa.engine import DEFAULT_PASSAGES
from qa.errors import QuestionError, SanadError, StoreError, storage_hint
from qa.scope import Scope
from qa.terminal import for_terminal, name_for_terminal

EXIT_OK, EXIT_ERROR, EXIT_PARTIAL = 0, 1, 3  # usage errors exit 2, through argparse


class UsageError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="qa", description="Questions over Arabic news articles, answered with cited quotes."
    )
    parser.add_argument("--store", type=Path, help="store folder (QA_STORE, default ./vectorstore)")
    parser.add_argument("--chroma-url", help="Chroma server URL, e.g. http://127.0.0.1:8000 (QA_CHROMA_URL)")
    parser.add_argument("--collection", help="collection name (QA_COLLECTION, default articles)")
    parser.add_argument(
        "--embedding-model", help="sentence-transformers model (QA_EMBEDDING_MODEL, default: the bundled model)"
    )
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add, update and remove articles")
    p.add_argument("paths", nargs="*", type=Path, help="files or folders (default: the bundled sample corpus)")
    p.add_argument("--json", action="store_true", help="print the summary as one JSON object")
    p.add_argument(
        "--rebuild", action="store_true", help="drop the collection first (after changing the embedding model)"
    )
    p.add_argument(
        "--ray",
        metavar="ADDRESS",
        help="embed on this Ray cluster's workers (host:port, or 'auto'; default QA_RAY_ADDRESS)",
    )

    p = sub.add_parser("search", help="retrieval only: the best matching documents")
    p.add_argument("query", nargs="?")
    p.add_argument("-k", type=int, default=5, help="how many documents (default 5)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--batch", type=Path, help='JSONL file of {"qid", "question"} lines')
    _scope_options(p)

    p = sub.add_parser("ask", help="answer a question with cited quotes")
    p.add_argument("question", nargs="?")
    p.add_argument("-k", type=int, default=DEFAULT_PASSAGES, help=f"passages to read (default {DEFAULT_PASSAGES})")
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--batch", type=Path, help='JSONL file of {"qid", "question"} lines; prints one JSON answer per line'
    )
    p.add_argument("--llm", help="answer with an LLM: ollama:MODEL, openai:MODEL, gguf:PATH … (QA_LLM)")
    _scope_options(p)

    p = sub.add_parser("doctor", help="check that the catalogue and Chroma agree (the next ingest mends what is not)")
    p.add_argument("--json", action="store_true")

    p = sub.add_parser("ui", help="open the chat in the browser")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1: this machine only)")
    p.add_argument(
        "--public-readonly",
        action="store_true",
        help="serve another address with no sign-in, everyone a reader: no one can change the articles",
    )

    p = sub.add_parser("user", help="the chat's users (QA_USERS names the users file)")
    users = p.add_subparsers(dest="action", required=True)
    p = users.add_parser("add", help="add a user, or give one a new password or role")
    p.add_argument("name")
    p.add_argument("--role", choices=["editor", "reader"], default="reader", help="editors change the articles")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")

    p = sub.add_parser("eval", help="the question set and the retrieval benchmarks, as a table")
    p.add_argument("--no-bench", action="store_true", help="skip the ../shared/bench retrieval benchmarks")
    p.add_argument("--bench-limit", type=int, help="at most this many questions per benchmark set")
    p.add_argument(
        "--fit-confidence",
        action="store_true",
        help="fit the answer confidence and abstention threshold on the dev questions (the real-news dev split, or its half the reader did not learn from, and the project set)",
    )
    p.add_argument("--llm", help="evaluate the LLM answerer instead of the extractive one")
    p.add_argument(
        "--news",
        choices=["dev", "test", "all"],
        help="the real-news question set instead (its articles ingested from ../shared/news): which split",
    )
    return parser


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings().with_overrides(
        store_dir=args.store,
        chroma_url=args.chroma_url,
        collection=args.collection,
        embedding_model=args.embedding_model,
    )


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        return COMMANDS[args.command](args, settings_from(args))
    except UsageError as exc:
        parser.error(str(exc))  # exits 2
    except SanadError as exc:
        print(f"qa: {for_terminal(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except OSError as exc:  # a folder or file the command needs (the store, a batch file)
        where = name_for_terminal(str(exc.filename or ""))
        print(f"qa: cannot use {where}: {storage_hint(exc) or exc.strerror or exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("qa: interrupted", file=sys.stderr)
        return 130
    return EXIT_ERROR


def _progress_bar(description: str):
    """A tqdm progress callback on a terminal, nothing elsewhere."""
    if not sys.stderr.isatty():
        return None, lambda: None
    from tqdm import tqdm

    bar = tqdm(total=0, unit="passage", desc=description, file=sys.stderr)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()

    return update, bar.close


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ingest.sync import ingest

    address = args.ray or settings.ray_address
    encoder = None
    if address:
        from qa.fanout import RayEmbeddings

        encoder = RayEmbeddings(address, settings.embedding_model, settings.model_cache)
    update, close = _progress_bar("Embedding")
    try:
        report = ingest(
            args.paths,
            settings,
            progress=update,
            rebuild=args.rebuild,
            on_wait=lambda m: print(m, file=sys.stderr),
            encoder=encoder,
        )
    finally:
        close()
        if encoder:
            encoder.shutdown()
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False))
    else:
        print(report.summary())
        for failure in report.failed:
            print(f"  failed: {name_for_terminal(failure['path'])}: {for_terminal(failure['error'])}", file=sys.stderr)
        for repair in report.repairs:
            print(f"  repaired: {repair}", file=sys.stderr)
        for warning in report.warnings:
            print(f"  warning: {name_for_terminal(warning['path'])}: {warning['warning']}", file=sys.stderr)
    return EXIT_PARTIAL if report.failed else EXIT_OK


def _batch_lines(path: Path) -> list[tuple[str, str]]:
    """(qid, question) pairs of a JSONL batch file, all checked before any is run;
    a bad line is a usage error naming it."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise UsageError(f"cannot read {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text") from None
    pairs = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            qid, question = record["qid"], record["question"]
        except (json.JSONDecodeError, KeyError, TypeError):
            qid = question = None
        if qid is None or not isinstance(question, str) or not question.strip():
            raise UsageError(f'{path}:{number}: expected {{"qid": ..., "question": "non-empty text"}}')
        pairs.append((str(qid), question))
    return pairs


def _scope_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--outlet", help="only articles from this outlet (case does not matter)")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="only articles dated on or after this day")
    parser.add_argument("--until", metavar="YYYY-MM-DD", help="only articles dated on or before this day")


def _scope(args: argparse.Namespace) -> Scope:
    try:
        return Scope(args.outlet, args.since, args.until)
    except ValueError:
        raise UsageError("--since and --until take dates as YYYY-MM-DD") from None


def _check_one_or_batch(text: str | None, batch: Path | None, k: int, what: str) -> None:
    if (text is None) == (batch is None):
        raise UsageError(f"give either a {what} or --batch FILE")
    if k < 1:
        raise UsageError("-k must be at least 1")


def cmd_search(args: argparse.Namespace, settings: Settings) -> int:
    from qa.arabic import is_arabic
    from qa.asked_time import Period
    from qa.display import period_sentence
    from qa.engine import Engine

    _check_one_or_batch(args.query, args.batch, args.k, "QUERY")
    scope = _scope(args)
    engine = Engine(settings)
    engine.refresh()  # a missing store is an error before any batch line is read

    def results(query: str) -> tuple[list[dict], Period | None]:
        hits, period = engine.search_in_period(query, args.k, scope)
        found = [
            {"doc_id": h.passage.doc_id, "passage_id": h.passage.id, "score": round(h.score, 6), "text": h.passage.text}
            for h in hits
        ]
        return found, period

    if args.batch:
        for qid, question in _batch_lines(args.batch):
            found, period = results(question)
            line = {"qid": qid, "period": period.iso() if period else None, "results": found}
            print(json.dumps(line, ensure_ascii=False), flush=True)
        return EXIT_OK
    query = args.query.strip()
    if not query:
        raise UsageError("the query is empty")
    found, period = results(query)
    if args.json:
        print(
            json.dumps(
                {"query": query, "period": period.iso() if period else None, "results": found}, ensure_ascii=False
            )
        )
    else:
        if not found and not engine.has_articles():
            print(
                f"qa: there are no articles in {settings.store_location} yet: `qa ingest FOLDER` adds them.",
                file=sys.stderr,
            )
        if period:
            print(for_terminal(period_sentence(period, is_arabic(query))))
        for rank, r in enumerate(found, start=1):
            print(f"{rank}. [{r['score']:.3f}] {name_for_terminal(r['doc_id'])}\n   {for_terminal(r['text'][:200])}")
    return EXIT_OK


def _print_answer(answer) -> None:
    from qa.arabic import is_arabic
    from qa.display import also_reported, confidence_line, period_line

    print(for_terminal(answer.answer))
    for line in (period_line(answer), confidence_line(answer)):
        if line:
            print(line)
    arabic = is_arabic(answer.question)
    for c in answer.citations:
        heading = for_terminal(f"[{c.n}] {c.label(arabic)} — {c.title or c.doc_id}")
        print(f"\n{heading}\n    {name_for_terminal(c.source)}\n    «{for_terminal(c.quote)}»")
        if c.also_reported_by:
            print(f"    {for_terminal(also_reported(c, arabic) or '')}")


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from qa.engine import Engine

    _check_one_or_batch(args.question, args.batch, args.k, "QUESTION")
    scope = _scope(args)
    engine = Engine(settings)
    llm = args.llm or settings.llm
    engine.answerer(llm)  # a missing store or a bad LLM spec is an error before any question
    if args.batch:
        for qid, question in _batch_lines(args.batch):
            try:
                result = {"qid": qid, **engine.ask(question, k=args.k, llm=llm, scope=scope).as_dict()}
            except QuestionError as exc:
                result = {"qid": qid, "question": question, "error": str(exc)}
            print(json.dumps(result, ensure_ascii=False), flush=True)
        return EXIT_OK
    try:
        answer = engine.ask(args.question, k=args.k, llm=llm, scope=scope)
    except QuestionError as exc:
        raise UsageError(str(exc)) from None
    if args.json:
        print(json.dumps(answer.as_dict(), ensure_ascii=False))
    else:
        _print_answer(answer)
    return EXIT_OK


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    from qa.errors import MissingCollectionError
    from qa.integrity import check_store
    from qa.store import open_catalog, open_store

    try:
        store = open_store(settings)
    except MissingCollectionError:
        catalogued = len(open_catalog(settings).all())
        if not catalogued:
            raise
        raise StoreError(
            f"The collection '{settings.collection}' is missing from {settings.store_location}, but the "
            f"catalogue lists {catalogued} documents: `qa ingest` with the article folders embeds them again."
        ) from None
    check = check_store(store)
    records = store.catalog.all()
    result = {
        "store": settings.store_location,
        "documents": len(records),
        "passages": store.count(),
        "sound": check.sound,
        "problems": check.problems(),
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    elif check.sound:
        print(f"{settings.store_location}: whole ({len(records)} documents, {result['passages']} passages).")
    else:
        print(f"{settings.store_location}: not whole. `qa ingest` with the article folders mends it:")
        for problem in check.problems():
            print(f"  {problem}")
    return EXIT_OK if check.sound else EXIT_ERROR


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    from qa.confidence import ConfidenceModel
    from qa.engine import Engine
    from qa.evaluate import evaluate_answers, load_questions

    engine = Engine(settings, confidence=ConfidenceModel.unfitted() if args.fit_confidence else None)
    if (args.news or args.fit_confidence) and (
        args.no_bench or args.bench_limit or (args.news and args.fit_confidence)
    ):
        raise UsageError("--news and --fit-confidence run alone: no --no-bench, --bench-limit or each other")
    if args.fit_confidence:
        return _fit_confidence(engine)
    if args.news:
        return _print_news(engine, args.news, args.llm)
    questions = load_questions()
    engine.answerer(args.llm)
    result = evaluate_answers(engine, questions, llm=args.llm)
    print(
        f"Question set: {result.answerable} answerable, {result.unanswerable} unanswerable ({'LLM ' + args.llm if args.llm else 'extractive'})"
    )
    print(f"  answer accuracy        {result.answer_accuracy:.3f}")
    print(f"  source accuracy        {result.source_accuracy:.3f}")
    print(f"  abstention precision   {result.abstention_precision:.3f}")
    print(f"  abstention recall      {result.abstention_recall:.3f}")
    print(f"  lead accuracy          {result.lead_accuracy:.3f}  (right answers that lead with the answer)")
    print(f"  lead given             {result.lead_given:.3f}  (right answers that lead with anything)")
    for failure in result.failures:
        print(f"    miss: {for_terminal(failure)}")
    if not args.llm:
        _print_risk_coverage(engine, {"all": questions})
    headwords = len(engine.dictionary.current())
    print(
        f"English→Arabic dictionary: {settings.dictionary} ({headwords:,} headwords)"
        if headwords
        else "English→Arabic dictionary: none (English questions reach Arabic through the glossary and names only)"
    )
    if not args.no_bench:
        _print_bench(engine, args.bench_limit)
    return EXIT_OK


def _news_engine(engine):
    """The store of the real-news set's articles (both splits: each is the other's distractors)."""
    from qa.bench import side_store
    from qa.evaluate import load_questions
    from qa.news import NEWS_QUESTIONS, prepare_news

    every = load_questions(NEWS_QUESTIONS)
    update, close = _progress_bar("News store")
    try:
        return prepare_news(side_store(engine.settings, "news"), every, progress=update, engine=engine), every
    finally:
        close()


def _fit_confidence(engine) -> int:
    from qa.confidence import CONFIDENCE_MODEL, fit
    from qa.evaluate import confidence_rows, load_questions
    from qa.news import dev_halves
    from qa.reader import reader_metadata

    news, every = _news_engine(engine)
    dev = [q for q in every if q["split"] == "dev"]
    described = f"real-news dev split ({len(dev)} questions)"
    if reader_metadata().get("news_weight"):  # the reader learnt from one half: fit on the other
        _, confidence_half = dev_halves(every)
        dev = [q for q in dev if q["doc_id"] in confidence_half]
        described = f"real-news dev split's confidence half ({len(dev)} questions)"
    rows = confidence_rows(news, dev) + confidence_rows(engine, load_questions())
    model = fit(rows, f"{described} and eval/questions.jsonl")
    model.save()
    print(
        f"Fitted on {len(rows)} questions ({sum(ok for _, ok in rows)} answered right); written to {CONFIDENCE_MODEL}"
    )
    for name, weight in model.coefficients.items():
        print(f"  {name:<14}{weight:+.3f}")
    print(f"  {'intercept':<14}{model.intercept:+.3f}\n  threshold     {model.threshold:.4f}")
    return EXIT_OK


def _print_risk_coverage(engine, question_sets: dict[str, list[dict]]) -> None:
    """Accuracy of the answered questions as the confidence threshold rises (unanswerable
    questions count as wrong when answered); the confidence alone, without the relevance
    floor (qa.extractive.RELEVANT_FROM) that also abstains."""
    from qa.confidence import risk_coverage
    from qa.evaluate import confidence_rows

    model = engine.confidence
    print(f"  risk–coverage (confidence threshold now {model.threshold:.4f}): coverage → accuracy of the answered")
    for name, questions in question_sets.items():
        rows = confidence_rows(engine, questions)
        if not rows:
            continue
        probabilities = [model.probability(s) for s, _ in rows]
        curve = risk_coverage(probabilities, [ok for _, ok in rows])
        print(f"    {name:<10}" + "  ".join(f"{c:.1f}→{a:.2f}" for c, a in curve))


def _print_news(engine, split: str, llm: str | None) -> int:
    from qa.evaluate import grade, summarise

    news, every = _news_engine(engine)
    questions = [q for q in every if split in ("all", q["split"])]
    if llm:
        news.answerer(llm)
    graded = [grade(news, q, llm) for q in questions]
    print(f"Real-news question set ({'LLM ' + llm if llm else 'extractive'}; {len(questions)} questions)")
    print(
        f"  {'split':<6}{'lang':<6}{'answer':>8}{'source':>8}{'abst.rec':>10}{'abst.prec':>11}{'near-miss':>11}{'lead':>7}{'given':>7}{'n':>6}"
    )
    for part in sorted({q["split"] for q in questions}):
        for lang in ("en", "ar", "all"):
            rows = [g for g in graded if g.question["split"] == part and lang in ("all", g.question["lang"])]
            result = summarise(rows)
            near = [g for g in rows if g.question.get("kind") == "near_miss"]
            near_abstained = sum(not g.answered for g in near) / max(len(near), 1)
            print(
                f"  {part:<6}{lang:<6}{result.answer_accuracy:>8.3f}{result.source_accuracy:>8.3f}"
                f"{result.abstention_recall:>10.3f}{result.abstention_precision:>11.3f}{near_abstained:>11.3f}{result.lead_accuracy:>7.3f}{result.lead_given:>7.3f}{len(rows):>6}"
            )
    if not llm:
        _print_risk_coverage(
            news,
            {
                f"{part} {lang}": [q for q in questions if q["split"] == part and q["lang"] == lang]
                for part in sorted({q["split"] for q in questions})
                for lang in ("en", "ar")
            },
        )
    for g in graded:  # the test split's misses stay unread: it is for reporting, not tuning
        if g.miss and g.question["split"] == "dev":
            print(f"    miss: {for_terminal(g.miss)}")
    return EXIT_OK


def _print_bench(engine, limit: int | None) -> None:
    from qa.bench import BENCH_DIR, METHODS, evaluate, prepare, side_store

    if not BENCH_DIR.is_dir():
        print(f"\nRetrieval benchmarks skipped: {BENCH_DIR} is not there.")
        return
    update, close = _progress_bar("Bench store")
    try:
        bench = prepare(side_store(engine.settings, "bench"), progress=update, engine=engine)
    finally:
        close()
    results = evaluate(bench, limit=limit)
    print("\nRetrieval of the gold passage (documents ranked, each once)")
    print(f"  {'set':<13} {'method':<7} {'nDCG@10':>8} {'R@1':>6} {'R@10':>6} {'n':>6}")
    for name, by_method in results.items():
        for method in METHODS:
            s = by_method[method]
            print(f"  {name:<13} {method:<7} {s.ndcg10:>8.3f} {s.recall1:>6.3f} {s.recall10:>6.3f} {s.n:>6}")


def cmd_user(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from qa.access import add_user

    if settings.users_file is None:
        raise UsageError("set QA_USERS to the users file, e.g. QA_USERS=~/.config/sanad/users.toml")
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass(f"Password for {args.name}: ")
        if getpass.getpass("Again: ") != password:
            raise UsageError("the passwords differ")
    add_user(settings.users_file, args.name, password, args.role)
    print(f"{name_for_terminal(args.name)} ({args.role}) can sign in; users file: {settings.users_file}")
    return EXIT_OK


# The chat server's settings; .streamlit/config.toml gives `streamlit run` the same.
STREAMLIT_OPTIONS = {
    "server.headless": "true",
    "server.fileWatcherType": "none",  # a served chat does not reload itself when files change
    "server.maxUploadSize": str(max(1, MAX_UPLOAD_BYTES // 1024 // 1024)),
    "client.toolbarMode": "viewer",  # no Deploy button or developer menu
    "client.showErrorDetails": "none",  # an unforeseen error shows no traceback or server paths
    "browser.gatherUsageStats": "false",
}


def cmd_ui(args: argparse.Namespace, settings: Settings) -> int:
    from qa.access import oidc_in_secrets, password_sign_in, serving_mode
    from qa.config import PROJECT_ROOT

    # Checked here as in the app, so a chat that would be refused never starts.
    serving_mode(args.host, oidc_in_secrets() or password_sign_in(settings.users_file), args.public_readonly)

    env = {
        **os.environ,
        "QA_STORE": str(settings.store_dir),
        "QA_COLLECTION": settings.collection,
        "QA_EMBEDDING_MODEL": settings.embedding_model,
        **({"QA_CHROMA_URL": settings.chroma_url} if settings.chroma_url else {}),
        **({"QA_PUBLIC_READONLY": "1"} if args.public_readonly else {}),
    }
    options = {**STREAMLIT_OPTIONS, "server.address": args.host, "server.port": str(args.port)}
    command = [sys.executable, "-m", "streamlit", "run", str(PROJECT_ROOT / "ui" / "app.py")]
    for option, value in options.items():
        command += [f"--{option}", value]
    print(f"Sanad chat on http://{args.host}:{args.port} (Ctrl-C to stop)", file=sys.stderr)
    sys.stderr.flush()
    # Streamlit takes this process's place: a signal to `qa ui` reaches the server itself,
    # where a child process outlived its parent and kept serving the port.
    os.execve(sys.executable, command, env)


COMMANDS = {
    "ingest": cmd_ingest,
    "search": cmd_search,
    "ask": cmd_ask,
    "doctor": cmd_doctor,
    "user": cmd_user,
    "eval": cmd_eval,
    "ui": cmd_ui,
}


if __name__ == "__main__":
    sys.exit(main())
