#!/usr/bin/env bash
# Prove the air-gapped install works: build dist/wheelhouse, then, in a process with NO
# network, install it into a fresh venv with install.sh (which runs `companion doctor`),
# run `companion ask ... --json`, and check that a wheel with one byte changed is refused
# with a message naming it. Prints the wheelhouse size and the install time.
#
#   scripts/airgap_check.sh [--no-build] [--allow-unbuilt-ask]
#
# No network: `unshare -n` (a new network namespace with only a down loopback) when run
# as root; otherwise a sitecustomize.py that makes every Python socket connect fail.
# Exit 0 only if every step passed.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
WH="$ROOT/dist/wheelhouse"
BUILD=1
ALLOW_UNBUILT_ASK=0
for arg in "$@"; do
    case "$arg" in
        --no-build) BUILD=0 ;;
        --allow-unbuilt-ask) ALLOW_UNBUILT_ASK=1 ;;
        *) echo "usage: $0 [--no-build] [--allow-unbuilt-ask]" >&2; exit 2 ;;
    esac
done

say() { printf '\n== %s\n' "$*"; }

if [ $BUILD -eq 1 ]; then
    say "building the wheelhouse (make wheelhouse)"
    make -C "$ROOT" wheelhouse || { echo "FAIL: make wheelhouse" >&2; exit 1; }
fi
[ -f "$WH/requirements.txt" ] || { echo "FAIL: no wheelhouse at $WH" >&2; exit 1; }

WORK="$(mktemp -d /tmp/airgap-check-XXXXXX)"
PYTHON="$(python3 -c 'import sys; print(sys.executable)')"  # a real interpreter, not a shim
mkdir -p "$WORK/home" "$WORK/nonet"

# Fallback network block, used only if unshare -n is not available.
cat >"$WORK/nonet/sitecustomize.py" <<'PY'
import socket
def _blocked(*args, **kwargs):
    raise OSError("network blocked by airgap_check")
socket.socket.connect = _blocked
socket.socket.connect_ex = _blocked
socket.getaddrinfo = _blocked
socket.create_connection = _blocked
PY
if [ "$(id -u)" = 0 ] && unshare -n true 2>/dev/null; then
    NONET=(unshare -n --)
    NONET_MODE="unshare -n (new empty network namespace)"
    EXTRA_PYTHONPATH=""
else
    NONET=()
    NONET_MODE="sockets blocked by sitecustomize.py (unshare -n not available)"
    EXTRA_PYTHONPATH="$WORK/nonet"
fi

# Everything below runs inside the no-network process, with a clean environment: no PIP_*
# variables, no pip config, no HF caches, a throwaway HOME and data folder.
cat >"$WORK/inside.sh" <<'INSIDE'
set -uo pipefail
cd "$WORK"
if "$PYTHON" -c 'import socket; socket.create_connection(("pypi.org", 443), timeout=3)' 2>/dev/null \
   || "$PYTHON" -c 'import socket; socket.create_connection(("1.1.1.1", 443), timeout=3)' 2>/dev/null; then
    echo "NETWORK REACHABLE: this is not an air-gapped run" >&2; exit 90
fi
echo "network check: connecting to pypi.org:443 and 1.1.1.1:443 fails, as it should"
start=$(date +%s.%N)
# A throw-away single-user venv: the interpreter may live under a private home.
SKIP_DOCTOR=1 "$WH/install.sh" --private-python "$WORK/venv" | tee "$WORK/install.out"
echo "install_rc=$?" >"$WORK/install.rc"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f\n", b-a}' >"$WORK/install.seconds"
start=$(date +%s.%N)
"$WORK/venv/bin/companion" doctor; echo "doctor_rc=$?" >"$WORK/doctor.rc"
end=$(date +%s.%N)
awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f\n", b-a}' >"$WORK/doctor.seconds"
"$WORK/venv/bin/companion" ask "night shifts are wearing me down" --json >"$WORK/ask.out" 2>"$WORK/ask.err"
echo "ask_rc=$?" >"$WORK/ask.rc"
INSIDE

say "installing with no network: $NONET_MODE"
env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$WORK/home" LANG=C.UTF-8 \
    COMPANION_HOME="$WORK/home/companion-data" ${EXTRA_PYTHONPATH:+PYTHONPATH="$EXTRA_PYTHONPATH"} \
    WORK="$WORK" WH="$WH" PYTHON="$PYTHON" \
    "${NONET[@]}" bash "$WORK/inside.sh"
inside_rc=$?
[ $inside_rc -eq 90 ] && { echo "FAIL: the network was reachable" >&2; exit 1; }

install_rc=$(sed 's/.*=//' "$WORK/install.rc" 2>/dev/null || echo missing)
doctor_rc=$(sed 's/.*=//' "$WORK/doctor.rc" 2>/dev/null || echo missing)
ask_rc=$(sed 's/.*=//' "$WORK/ask.rc" 2>/dev/null || echo missing)

say "companion ask \"night shifts are wearing me down\" --json (exit $ask_rc)"
head -c 1500 "$WORK/ask.out"; echo
head -c 500 "$WORK/ask.err"
ask_ok=0
if [ "$ask_rc" = 0 ] && "$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$WORK/ask.out"; then
    ask_ok=1
elif [ "$ask_rc" = 3 ] && [ $ALLOW_UNBUILT_ASK -eq 1 ]; then
    echo "(ask is not built yet; allowed by --allow-unbuilt-ask)"; ask_ok=1
fi

say "knowledge base shipped in the venv"
knowledge_files=$(find "$WORK/venv/share/resident-companion/knowledge" -type f 2>/dev/null | wc -l)
echo "$knowledge_files files under $WORK/venv/share/resident-companion/knowledge"

say "tampered wheel (one byte changed) must be refused by name"
mkdir -p "$WORK/tampered"
for f in "$WH"/*; do ln -s "$f" "$WORK/tampered/$(basename "$f")"; done
cp "$WH/install.sh" "$WORK/tampered/install.sh.real" && rm "$WORK/tampered/install.sh" \
    && mv "$WORK/tampered/install.sh.real" "$WORK/tampered/install.sh"
victim=$(ls -S "$WH"/*.whl | tail -n 1)   # the smallest wheel: cheap to copy
victim_name=$(basename "$victim")
rm "$WORK/tampered/$victim_name" && cp "$victim" "$WORK/tampered/$victim_name"
"$PYTHON" - "$WORK/tampered/$victim_name" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) // 2] ^= 0xFF
open(sys.argv[1], "wb").write(bytes(data))
PY
env -i PATH="/usr/local/bin:/usr/bin:/bin" HOME="$WORK/home" PYTHON="$PYTHON" \
    ${EXTRA_PYTHONPATH:+PYTHONPATH="$EXTRA_PYTHONPATH"} \
    "${NONET[@]}" "$WORK/tampered/install.sh" "$WORK/venv-tampered" >"$WORK/tamper.out" 2>&1
tamper_rc=$?
cat "$WORK/tamper.out"
tamper_ok=0
if [ $tamper_rc -eq 2 ] && grep -q "MISMATCH wheel: $victim_name" "$WORK/tamper.out" \
   && [ ! -d "$WORK/venv-tampered" ]; then
    tamper_ok=1
fi

wh_bytes=$(du -sbL "$WH" | cut -f1)
venv_bytes=$(du -sb "$WORK/venv" 2>/dev/null | cut -f1)
say "summary"
printf '%-28s %s\n' "no network via" "$NONET_MODE"
printf '%-28s %s (%s cores)\n' "load average now" "$(cut -d' ' -f1-3 /proc/loadavg)" "$(nproc)"
printf '%-28s %s MB (%s wheels)\n' "wheelhouse size" "$((wh_bytes / 1000000))" \
    "$(ls "$WH"/*.whl | wc -l)"
printf '%-28s %s s (install.sh: verify + venv + pip, exit %s)\n' "install time" \
    "$(cat "$WORK/install.seconds")" "$install_rc"
printf '%-28s %s s\n' "  of which pip install" \
    "$(sed -n 's/.*installed in \([0-9.]*\) s.*/\1/p' "$WORK/install.out")"
printf '%-28s %s MB\n' "installed venv size" "$((${venv_bytes:-0} / 1000000))"
printf '%-28s exit %s in %s s\n' "companion doctor" "$doctor_rc" "$(cat "$WORK/doctor.seconds")"
printf '%-28s exit %s\n' "companion ask --json" "$ask_rc"
printf '%-28s %s files\n' "knowledge files in venv" "$knowledge_files"
printf '%-28s exit %s, named %s: %s\n' "tampered wheel" "$tamper_rc" "$victim_name" \
    "$([ $tamper_ok -eq 1 ] && echo refused || echo NOT REFUSED)"

if [ "$install_rc" = 0 ] && [ "$doctor_rc" = 0 ] && [ $ask_ok -eq 1 ] && [ $tamper_ok -eq 1 ] \
   && [ "$knowledge_files" -gt 0 ]; then
    echo "AIRGAP CHECK: PASS"; rm -rf "$WORK"; exit 0
fi
echo "AIRGAP CHECK: FAIL (work folder kept: $WORK)"; exit 1
