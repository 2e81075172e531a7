"""Shared fixtures: a private data directory per test, the real model once per session.

Real-model tests share one index of the bundled knowledge base (``prebuilt_index``):
the copy shipped in the package when it is fresh, else one build per session (while
cards are being edited), reusing the shipped vectors of unchanged cards. Its folder is
put in ``COMPANION_PREBUILT_INDEX``, which every ``Retriever.open`` reads, in this
process and in child processes (the app's model process). Tests marked ``slow`` get
it automatically; other tests that start the real model can request it.

Nothing may touch the resident's real data folder (``home_guard.py``): the whole run
has its own ``COMPANION_HOME``, each test another, children inherit it even when given
their own environment, and a test (or the run) that changes the real folder fails.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile

if os.environ.get("PYTEST_XDIST_WORKER"):
    # One BLAS/OpenMP thread per test worker (and its model processes): with a worker
    # per core, more threads only fight each other (small matmuls ran 3.5x slower).
    for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_var, "1")

import home_guard
import pytest

_session: dict[str, object] = {}


def pytest_configure(config):
    """Before anything runs: a session-wide COMPANION_HOME (collection and session
    fixtures never see the real data folder), children inherit it, and the real
    folder's state is taken to compare at the end."""
    _session["previous"] = os.environ.get(home_guard.HOME_VARIABLE)
    _session["home"] = tempfile.mkdtemp(prefix="companion-test-session-")
    os.environ[home_guard.HOME_VARIABLE] = str(_session["home"])
    home_guard.children_inherit_home()
    _session["real"] = home_guard.real_data_dir()
    _session["before"] = home_guard.footprint(home_guard.real_data_dir())


def pytest_sessionfinish(session, exitstatus):
    """The run fails if anything in it (a test, a fixture, a child) wrote to the real folder."""
    real = home_guard.real_data_dir()
    changed = home_guard.what_changed(real, _session.get("before"), home_guard.footprint(real))
    if changed:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"ERROR: this run wrote to the real data folder: {changed}. "
                                "Every test must use COMPANION_HOME.", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_unconfigure(config):
    home_guard.restore_popen()
    previous = _session.get("previous")
    if previous is None:
        os.environ.pop(home_guard.HOME_VARIABLE, None)
    else:
        os.environ[home_guard.HOME_VARIABLE] = str(previous)
    if _session.get("home"):
        shutil.rmtree(str(_session["home"]), ignore_errors=True)


@pytest.fixture(autouse=True)
def stays_out_of_the_real_data_dir(request):
    """A test that writes to the real data folder fails, by name."""
    real = home_guard.real_data_dir()
    before = home_guard.footprint(real)
    yield
    changed = home_guard.what_changed(real, before, home_guard.footprint(real))
    if changed:
        pytest.fail(f"{request.node.nodeid} wrote to the real data folder: {changed} "
                    "(use the companion_home fixture's COMPANION_HOME)", pytrace=False)


def pytest_collection_modifyitems(config, items):
    """Every slow (real-model) test shares the prebuilt index, set before it starts."""
    for item in items:
        if item.get_closest_marker("slow") and "prebuilt_index" not in item.fixturenames:
            item.fixturenames.insert(0, "prebuilt_index")


@pytest.fixture(autouse=True)
def companion_home(tmp_path, monkeypatch):
    """Every test gets its own data directory; nothing touches the real one."""
    home = tmp_path / "companion-home"
    monkeypatch.setenv("COMPANION_HOME", str(home))
    return home


@pytest.fixture(autouse=True)
def cheap_journal_kdf(request, monkeypatch):
    """New journal keys get a cheap scrypt cost unless the test is marked ``real_kdf``.

    The cost is stored in each journal, so a journal made this way is opened the
    way a real one is; only tests about the cost itself pay ~0.6 s a derivation.
    Child processes (the model process) keep the shipped cost.
    """
    if request.node.get_closest_marker("real_kdf") is None:
        from companion.journal import crypto

        monkeypatch.setitem(crypto.DEFAULT_KDF, "n", 2**12)


@pytest.fixture(autouse=True)
def no_cursor_blink(monkeypatch):
    """A steady cursor in every Pilot test, so screenshots do not depend on timing."""
    from textual.widgets import Input, TextArea

    monkeypatch.setattr(Input, "cursor_blink", False)
    monkeypatch.setattr(TextArea, "cursor_blink", False)


@pytest.fixture
def no_network(monkeypatch):
    """Make any attempt to open a network connection fail loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    return refuse


@pytest.fixture(scope="session")
def real_sentence_model():
    """The real bundled all-MiniLM-L6-v2, loaded once for the tests that need it."""
    from companion.models import load_sentence_transformer

    return load_sentence_transformer()


@pytest.fixture(scope="session")
def prebuilt_index(tmp_path_factory):
    """The folder of one fresh index of the bundled cards, in COMPANION_PREBUILT_INDEX.

    The shipped copy when it fits the cards (no model load); otherwise built once for
    the session, embedding only the cards edited since the shipped copy was written.
    """
    from companion.retrieval.index import PREBUILT_ENV, SHIPPED_DIR, bundled_staleness

    before = os.environ.get(PREBUILT_ENV)
    if bundled_staleness() is None:
        directory = SHIPPED_DIR
    else:
        from companion.cards import load_cards
        from companion.retrieval.embedding import get_embedder
        from companion.retrieval.retriever import Retriever

        directory = tmp_path_factory.mktemp("prebuilt-index")
        cards = load_cards(SHIPPED_DIR.parents[2] / "knowledge" / "cards")
        Retriever.open(cards=cards, embedder=get_embedder(), index_dir=directory,
                       readonly=[SHIPPED_DIR])
    os.environ[PREBUILT_ENV] = str(directory)
    yield directory
    if before is None:
        os.environ.pop(PREBUILT_ENV, None)
    else:
        os.environ[PREBUILT_ENV] = before


@pytest.fixture(scope="session")
def real_retriever(prebuilt_index, tmp_path_factory):
    """The real knowledge base on the bundled model, loaded from the shared prebuilt index."""
    from companion.retrieval.embedding import get_embedder
    from companion.retrieval.retriever import Retriever

    retriever = Retriever.open(embedder=get_embedder(),
                               index_dir=tmp_path_factory.mktemp("index"))
    assert retriever.origin == "shipped", retriever.origin
    return retriever


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory):
    """A 1-layer random Llama with a word-level tokenizer, saved like a real local model.

    Enough to exercise the generator's real loading, streaming and guardrail code
    (in-process or in the model process) without any large model.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

    words = ("you sound tired when can rest next sleep shift what might help today the a is "
             "? . , feel like hard").split()
    vocab = {w: i for i, w in enumerate(["[UNK]", "[PAD]", "[EOS]", *dict.fromkeys(words)])}
    raw = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    raw.pre_tokenizer = pre_tokenizers.Whitespace()
    raw.decoder = decoders.WordPiece(prefix="##")
    tokenizer = PreTrainedTokenizerFast(tokenizer_object=raw, unk_token="[UNK]",
                                        pad_token="[PAD]", eos_token="[EOS]")
    import torch

    torch.manual_seed(0)
    config = LlamaConfig(vocab_size=len(vocab), hidden_size=16, intermediate_size=32,
                         num_hidden_layers=1, num_attention_heads=2, num_key_value_heads=2,
                         max_position_embeddings=1024, eos_token_id=2, pad_token_id=1)
    model = LlamaForCausalLM(config)
    directory = tmp_path_factory.mktemp("tiny-llama")
    model.save_pretrained(directory)
    tokenizer.save_pretrained(directory)
    return directory


@pytest.fixture(scope="session")
def generator_service(tmp_path_factory, tiny_model_dir, prebuilt_index):
    """One real model process with the tiny generator switched on, in its own data folder.

    Shared by the streaming tests (the protocol's token events, the app's placeholder):
    starting it loads the embedder and the generator, the slowest start in the suite.
    Yields ``(client, events)``; ``events`` is every event the process sent, in order.
    """
    from companion.service.client import ServiceClient
    from companion.settings import Settings

    home = tmp_path_factory.mktemp("generator-home")
    Settings(generator_enabled=True, generator_path=str(tiny_model_dir)).save(
        home / "settings.yaml")
    events: list[dict] = []
    client = ServiceClient(env={**os.environ, "COMPANION_HOME": str(home)},
                           on_event=events.append, stderr_path=home / "service-stderr.log")
    client.start()
    client.wait_ready(900)
    yield client, events
    client.close()


@pytest.fixture
async def api():
    """The typed API in-process on the small fakes (``tui_support.fake_api``), closed after."""
    from tui_support import fake_api

    companion = fake_api()
    yield companion
    await companion.close()
