#!/usr/bin/env bash
# Install Resident Companion from this folder with no network at all.
#
#   bash install.sh [--python /usr/bin/python3.11] [TARGET_DIR]
#                                  (default target: $HOME/resident-companion)
#   `bash install.sh` works without the execute bit (a FAT stick drops it). Under sudo,
#   pass the interpreter as --python: `sudo PYTHON=... ./install.sh` loses the variable.
#
# 1. checks every wheel named in requirements.txt is here and matches its sha256,
#    naming any missing or changed wheel (exit 2);
# 2. creates a virtual environment in TARGET_DIR and installs with
#    pip --no-index --find-links <this folder> --require-hashes (exit 3 on failure);
# 3. runs `companion doctor`, which loads the bundled model offline (exit 4 on failure).
# The interpreter: --python PATH, else $PYTHON, else python3; it must be CPython 3.11 on
# Linux x86_64 and, for a shared install, one every user can execute (a system-wide
# Python, not one under an admin's home): the venv keeps pointing at it, so removing or
# upgrading that Python breaks the app. --private-python allows a per-user one.
# SKIP_DOCTOR=1 skips step 3.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PYTHON="${PYTHON:-python3}"
PRIVATE_PYTHON=0
TARGET=""
while [ $# -gt 0 ]; do
    case "$1" in
        --python) [ $# -ge 2 ] || { echo "install.sh: ERROR: --python needs a path" >&2; exit 3; }
                  PYTHON="$2"; shift 2 ;;
        --python=*) PYTHON="${1#--python=}"; shift ;;
        --private-python) PRIVATE_PYTHON=1; shift ;;
        -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
        *) TARGET="$1"; shift ;;
    esac
done
TARGET="${TARGET:-$HOME/resident-companion}"
REQS="$HERE/requirements.txt"

say() { printf 'install.sh: %s\n' "$*"; }
die() { code=$1; shift; printf 'install.sh: ERROR: %s\n' "$*" >&2; exit "$code"; }

# No pip setting from this machine (config files, PIP_* variables, constraints, indexes)
# may steer the install: only this folder counts.
while IFS= read -r var; do unset "$var"; done < <(env | sed -n 's/^\(PIP_[A-Za-z0-9_]*\)=.*/\1/p')
export PIP_CONFIG_FILE=/dev/null PIP_NO_INDEX=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

command -v "$PYTHON" >/dev/null 2>&1 || die 3 "'$PYTHON' not found; install Python 3.11 or set PYTHON=/path/to/python3.11"
[ -f "$REQS" ] || die 2 "requirements.txt is missing from $HERE"

# Step 1: verify every wheel before pip sees it, so the message names the file.
say "verifying wheels against requirements.txt"
"$PYTHON" - "$HERE" <<'PYCHECK' || die 2 "wheel verification failed (see above); copy the wheelhouse again from the original media"
import hashlib, pathlib, re, sys
here = pathlib.Path(sys.argv[1])
norm = lambda n: re.sub(r"[-_.]+", "-", n).lower()
wheels = {}
for path in here.glob("*.whl"):
    parts = path.name[:-4].split("-")
    if len(parts) >= 5:
        wheels.setdefault((norm(parts[0]), parts[1]), []).append(path)
problems = []
for number, line in enumerate((here / "requirements.txt").read_text().splitlines(), 1):
    line = line.split("#", 1)[0].strip()
    if not line:
        continue
    match = re.match(r"^([A-Za-z0-9_.\-]+)==(\S+)((?:\s+--hash=sha256:[0-9a-f]{64})+)\s*$", line)
    if not match:
        problems.append(f"requirements.txt line {number} is not 'name==version --hash=sha256:...': {line}")
        continue
    name, version = norm(match[1]), match[2]
    expected = set(re.findall(r"sha256:([0-9a-f]{64})", match[3]))
    files = wheels.get((name, version), [])
    if not files:
        problems.append(f"MISSING wheel: {match[1]}=={version} (no {match[1]}-{version}-*.whl in {here})")
        continue
    for path in files:
        sha = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                sha.update(block)
        digest = sha.hexdigest()
        if digest not in expected:
            problems.append(f"MISMATCH wheel: {path.name} has sha256 {digest}, "
                            f"requirements.txt expects {', '.join(sorted(expected))}")
for problem in problems:
    print(f"install.sh: {problem}", file=sys.stderr)
sys.exit(1 if problems else 0)
PYCHECK
say "all $(grep -c -- '--hash=' "$REQS") wheels present and matching their sha256"

"$PYTHON" -c 'import sys, platform; ok = sys.version_info[:2] == (3, 11) and platform.system() == "Linux" and platform.machine() == "x86_64"; sys.exit(0 if ok else 1)' \
    || die 3 "these wheels are for CPython 3.11 on Linux x86_64; '$PYTHON' is $("$PYTHON" -c 'import platform; print(platform.python_version(), platform.system(), platform.machine())')"

# The venv runs this interpreter for every user: refuse one that others cannot execute.
if [ "$PRIVATE_PYTHON" != "1" ]; then
    blocked=$("$PYTHON" - <<'PYPERM'
import os, stat, sys
from pathlib import Path
real = Path(os.path.realpath(sys.executable))
paths = [real, *real.parents] + [Path(os.path.realpath(sys.base_prefix))]
for path in paths:
    mode = path.stat().st_mode
    need = stat.S_IXOTH if path.is_dir() or path == real else stat.S_IROTH
    if not mode & need or (path.is_dir() and path == paths[-1] and not mode & stat.S_IROTH):
        print(f"{path} (mode {stat.filemode(mode)})")
        break
PYPERM
)
    if [ -n "$blocked" ]; then
        die 3 "'$PYTHON' lives where other users cannot run it: $blocked. The installed app keeps using this interpreter, so other users would get 'Permission denied'. Use a system-wide Python 3.11 (e.g. /usr/bin/python3.11; see INSTALL.md for distributions without one), or pass --private-python for a single-user install."
    fi
fi

# Step 2: a fresh virtual environment, installed only from this folder.
say "creating virtual environment in $TARGET"
"$PYTHON" -m venv "$TARGET" || die 3 "could not create a venv in $TARGET (on Debian/Ubuntu: apt install python3.11-venv)"
LOG="$TARGET/install.log"
start=$(date +%s.%N)
set +e
"$TARGET/bin/python" -m pip install --no-index --find-links "$HERE" --require-hashes \
    --only-binary=:all: -r "$REQS" >"$LOG" 2>&1
status=$?
set -e
end=$(date +%s.%N)
if [ $status -ne 0 ]; then
    cat "$LOG" >&2
    # Name the wheel pip complained about (hash mismatch or missing distribution).
    grep -E 'from .*\.whl|No matching distribution found for|Could not find a version|Expected sha256|Got +[0-9a-f]' "$LOG" \
        | sed 's/^/install.sh: pip says: /' >&2 || true
    die 3 "pip could not install from $HERE (full log: $LOG)"
fi
say "installed in $(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}') s into $TARGET"

# Step 3: prove it works offline.
# In a throw-away data folder: the installing admin's own data folder is not the users'.
if [ "${SKIP_DOCTOR:-0}" != "1" ]; then
    say "running companion doctor (in a temporary data folder, removed afterwards)"
    CHECK_HOME="$(mktemp -d)"
    COMPANION_HOME="$CHECK_HOME" "$TARGET/bin/companion" doctor \
        || { rm -rf "$CHECK_HOME"; die 4 "companion doctor reported a problem (see above)"; }
    rm -rf "$CHECK_HOME"
fi
say "done. Start the app with: $TARGET/bin/companion"
say "each user's journal lives in their own data folder (~/.local/share/companion; 'companion doctor' run as that user prints it)"
say "remove the program with: rm -rf '$TARGET'"
