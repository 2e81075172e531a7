"""The guard that keeps every test out of the resident's real data folder (home_guard.py)."""

from __future__ import annotations

import os
import subprocess
import sys

import home_guard

from companion import paths


def test_each_test_and_the_session_run_on_a_companion_home_that_is_not_the_real_one(
        companion_home):
    assert paths.data_dir() == companion_home != home_guard.real_data_dir()


def test_the_footprint_sees_a_folder_created_a_file_added_and_a_file_changed(tmp_path):
    folder = tmp_path / "companion"
    absent = home_guard.footprint(folder)
    assert absent is None
    (folder / "index").mkdir(parents=True)
    created = home_guard.footprint(folder)
    assert home_guard.what_changed(folder, absent, created) == f"{folder} was created"
    (folder / "index" / "manifest.json").write_text("{}")
    added = home_guard.footprint(folder)
    assert "index/manifest.json" in home_guard.what_changed(folder, created, added)
    assert home_guard.what_changed(folder, added, home_guard.footprint(folder)) == ""
    (folder / "index" / "manifest.json").write_text("{\"changed\": true}")
    assert "index/manifest.json" in home_guard.what_changed(
        folder, added, home_guard.footprint(folder))


def test_a_child_started_with_its_own_environment_still_gets_companion_home(companion_home):
    code = "import os; print(os.environ.get('COMPANION_HOME'))"
    done = subprocess.run([sys.executable, "-c", code], env={"PATH": os.environ["PATH"]},
                          capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip() == str(companion_home)
    chosen = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env={"PATH": os.environ["PATH"], "COMPANION_HOME": "/elsewhere"},
                            timeout=60, check=True)
    assert chosen.stdout.strip() == "/elsewhere", "a test's own choice is kept"
