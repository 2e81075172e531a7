"""companion.log never holds journal text or identifiers: codes, kinds and frames only."""

from __future__ import annotations

import logging
import sys

import pytest

from companion import logfile, paths
from companion.journal import Journal
from companion.service.client import ServiceClient
from companion.service.errors import ServiceError

NAME, MRN = "Johanna Smithfield", "48151623"


def test_identifiers_found_in_the_model_process_leave_no_name_or_mrn_in_the_log():
    with Journal.open() as journal:
        journal.add_topic("t", f"Talking to the family of {NAME}", status="accepted",
                          rationale=f"MRN {MRN} was the bed", resident_words=[f"{NAME} coded"])
    client = ServiceClient([sys.executable, "-m", "companion.service", "--no-models"],
                           stderr_path=paths.data_dir() / "service-stderr.log")
    client.start()
    try:
        client.wait_ready(30)
        with pytest.raises(ServiceError) as caught:
            client.call_blocking("agenda_text", fmt="md")
        with pytest.raises(ServiceError):  # an internal-looking failure with text in it
            client.call_blocking("session", session_id=f"{NAME} {MRN}")
    finally:
        client.close()
    assert caught.value.code == "identifiers_found"
    assert NAME in caught.value.message  # the resident is told; only the log must not hold it
    written = paths.log_path().read_text(encoding="utf-8")
    assert "request agenda_text failed" in written and "identifiers_found" in written
    assert "kinds=" in written and "mrn" in written.lower()
    for secret in (NAME, "Johanna", "Smithfield", MRN):
        assert secret not in written
    for file in paths.data_dir().glob("*.log"):
        assert MRN not in file.read_text(encoding="utf-8", errors="replace"), file.name


def test_tracebacks_keep_their_frames_and_lose_their_message(tmp_path):
    target = tmp_path / "companion.log"
    handler = logfile.install(target)
    other = logging.StreamHandler()  # a second handler formats (and caches) first
    logging.getLogger().addHandler(other)
    try:
        def fail() -> None:
            try:
                raise KeyError(f"{NAME} MRN {MRN}")
            except KeyError as exc:
                raise RuntimeError(f"while saving '{NAME}'") from exc

        try:
            fail()
        except RuntimeError as exc:
            logging.getLogger("companion.test").error("saving failed: %s", exc, exc_info=exc)
            logging.getLogger("companion.test").warning(exc)
    finally:
        logging.getLogger().removeHandler(other)
        logging.getLogger().removeHandler(handler)
        handler.close()
    written = target.read_text(encoding="utf-8")
    assert MRN not in written and "Smithfield" not in written
    assert "saving failed: RuntimeError" in written
    assert "KeyError" in written and "in fail" in written and "message withheld" in written


def test_describe_names_class_code_and_kinds_only():
    from companion.sharing import IdentifierFinding, IdentifiersFound

    found = IdentifiersFound([IdentifierFinding(kind="mrn", field="topic 1 title", text=MRN)])
    assert logfile.describe(found) == "IdentifiersFound 1 finding(s) kinds=mrn"
    assert MRN not in logfile.describe(OSError(28, f"No space for {NAME}"))
