#!/usr/bin/env bash
# Build the wheel, install it into a fresh virtual environment outside the checkout, and run the commands a
# new user runs first. Proves the package carries everything it needs (catalog, templates) at run time.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
work="$(mktemp -d "${TMPDIR:-/tmp}/rackcad-wheel.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "== building the wheel"
"$python" -m pip wheel --quiet --no-deps --wheel-dir "$work/dist" "$root"
wheel="$(ls "$work"/dist/rackcad-*.whl)"
packaged="$(ls "$root"/rackcad/assets/catalog/*.yaml | grep -vc /sources.yaml)"
"$python" - "$wheel" "$packaged" "$root" <<'PY'
import pathlib, sys, zipfile
names = zipfile.ZipFile(sys.argv[1]).namelist()
assets = {str(p.relative_to(sys.argv[3])) for p in pathlib.Path(sys.argv[3], "rackcad", "assets").rglob("*")
          if p.is_file() and "__pycache__" not in p.parts}
missing = sorted(assets - set(names))
assert not missing, f"run-time assets missing from the wheel: {missing[:5]}"
catalog = [n for n in names if n.startswith("rackcad/assets/catalog/") and n.endswith(".yaml")
           and not n.endswith("/sources.yaml")]
assert len(catalog) == int(sys.argv[2]), f"the wheel carries {len(catalog)} catalog files, not {sys.argv[2]}"
assert not [n for n in names if n.startswith(("tests/", "examples/", "benchmarks/"))], "stray top-level folders"
print(f"{sys.argv[1].rsplit('/', 1)[-1]}: {len(names)} files, {len(catalog)} catalog parts")
PY

echo "== installing it into a fresh virtual environment"
"$python" -m venv "$work/venv"
"$work/venv/bin/python" -m pip install --quiet "$wheel[dxf]"

echo "== running it outside the checkout"
mkdir -p "$work/run" "$work/home"
cd "$work/run"
export HOME="$work/home" XDG_CONFIG_HOME="$work/home/.config" XDG_CACHE_HOME="$work/home/.cache" \
       XDG_STATE_HOME="$work/home/.local/state" QT_QPA_PLATFORM=offscreen
unset PYTHONPATH RACKCAD_ASSETS RACKCAD_CATALOG_PATH
rc="$work/venv/bin/rackcad"
test "$("$work/venv/bin/python" -c 'import rackcad, sys; print(rackcad.__file__)')" != "${root}/rackcad/__init__.py"
"$rc" --version
test "$("$rc" parts | wc -l)" -ge "$packaged"
"$rc" parts --kind gpu
"$rc" parts > /dev/null  # the second run reads the catalog cache
test -s "$XDG_CACHE_HOME/rackcad/catalog-cache.json"
"$rc" new --template gb200-nvl72 -o nvl72.rackcad
"$rc" validate nvl72.rackcad
"$rc" bom nvl72.rackcad -o bom.csv
"$rc" diagram nvl72.rackcad -o nvl72.svg
"$rc" diagram nvl72.rackcad -o nvl72.drawio
"$rc" diagram nvl72.rackcad -o floor.dxf
"$rc" export netbox nvl72.rackcad -o netbox
"$rc" export astra-sim nvl72.rackcad -o network.yml
"$rc" man -o rackcad.1 > /dev/null
"$rc" completion bash > rackcad.bash && bash -n rackcad.bash
for f in bom.csv nvl72.svg nvl72.drawio floor.dxf netbox/cables.csv network.yml rackcad.1; do test -s "$f"; done
echo "installed wheel OK"
