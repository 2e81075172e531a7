"""The crisis resources file: defaults present, and every malformation a named error."""

from __future__ import annotations

import pytest

from companion.safety import Resource, ResourcesError, SafetyScreen, load_resources

GOOD_ITEM = """  - name: Line
    contact: Call 1
    what: A line.
    when: Any time.
"""


def write(tmp_path, text: str):
    path = tmp_path / "resources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_default_resources_are_the_us_lines_with_what_and_when():
    resources = load_resources()
    contacts = " | ".join(r.contact for r in resources)
    assert "988" in contacts
    assert "1-888-409-0141" in contacts
    assert "741741" in contacts and "HOME" in contacts
    assert "911" in contacts
    for resource in resources:
        assert isinstance(resource, Resource)
        assert resource.what and resource.when
    support = next(r for r in resources if "Physician" in r.name)
    assert "free" in support.what.lower() and "confidential" in support.what.lower()


def test_an_institution_can_replace_the_resources(tmp_path):
    path = write(tmp_path, "resources:\n" + GOOD_ITEM)
    assert load_resources(path) == [Resource("Line", "Call 1", "A line.", "Any time.")]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("resources: [\n  - name: x\n", "(yaml)"),
        ("resources: []\n", "resources"),
        ("other: 1\n", "resources"),
        ("resources: just text\n", "resources"),
        ("resources:\n  - plain string\n", "resources[0]"),
        ("resources:\n" + GOOD_ITEM + "  - name: Two\n    contact: Call 2\n    what: W\n",
         "resources[1].when"),
        ("resources:\n  - name: One\n    contact: '  '\n    what: W\n    when: W\n",
         "resources[0].contact"),
    ],
)
def test_malformed_file_names_file_and_field(tmp_path, text, field):
    path = write(tmp_path, text)
    with pytest.raises(ResourcesError) as info:
        load_resources(path)
    assert info.value.field == field
    assert str(path) in str(info.value)
    assert field in str(info.value)


def test_missing_file_is_an_error_not_an_empty_list(tmp_path):
    with pytest.raises(ResourcesError, match="not found"):
        load_resources(tmp_path / "nope.yaml")


@pytest.mark.parametrize("text", [None, "resources:\n  - name: Only a name\n", "::: not yaml [",
                                  "resources: []\n", "\xff\xfe binary"])
def test_a_missing_or_malformed_file_falls_back_to_built_in_resources(tmp_path, monkeypatch,
                                                                     text):
    knowledge = tmp_path / "knowledge"
    knowledge.mkdir()
    if text is not None:
        (knowledge / "resources.yaml").write_text(text, encoding="latin-1")
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(knowledge))
    screen = SafetyScreen(embedder=False)
    result = screen.screen("I want to kill myself tonight.")
    assert result.level == "crisis"
    contacts = " | ".join(r.contact for r in result.resources)
    for needed in ("988", "1-888-409-0141", "HOME to 741741", "911"):
        assert needed in contacts
    assert "built-in" in result.warning and "resources" in result.to_dict()["warning"]


def test_kb_check_and_doctor_fail_on_a_broken_resources_file(tmp_path, monkeypatch, capsys):
    import shutil

    from companion.cli import main
    from companion.paths import knowledge_dir

    knowledge = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), knowledge)
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(knowledge))
    assert main(["kb", "check"]) == 0, capsys.readouterr().err
    (knowledge / "resources.yaml").write_text("resources:\n  - name: Only a name\n")
    assert main(["kb", "check"]) == 1
    assert "resources[0].contact" in capsys.readouterr().err
    assert main(["doctor", "--no-load"]) != 0
    assert "crisis resources" in capsys.readouterr().err


def test_kb_check_fails_on_a_broken_flow(tmp_path, monkeypatch, capsys):
    import shutil

    from companion.cli import main
    from companion.paths import knowledge_dir

    knowledge = tmp_path / "knowledge"
    shutil.copytree(knowledge_dir(), knowledge)
    monkeypatch.setenv("COMPANION_KNOWLEDGE", str(knowledge))
    (knowledge / "flows" / "broken.yaml").write_text("id: broken\n")
    assert main(["kb", "check"]) == 1
    assert "flow" in capsys.readouterr().err
