"""Installs a provider's official verifier into a temporary folder and runs it, for the
derivation scripts that confirm their vectors with it. Nothing is installed into the
checkout or the system: a temp dir per run, removed afterwards.

`npm_eval(packages, script)` runs `script` (CommonJS, Node) with `packages` installed,
`pip_eval(packages, script)` runs `script` (Python) in a venv with `packages`; both feed
`stdin_json` to the script's standard input and return its standard output parsed as
JSON. Set HOOKGATE_DERIVE_OFFLINE=1 to skip the confirmations (the derived vectors are
still written; the scripts say so).
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile


def offline():
    return os.environ.get("HOOKGATE_DERIVE_OFFLINE") == "1"


def _run(cmd, cwd, stdin_json):
    done = subprocess.run(
        cmd, cwd=cwd, input=json.dumps(stdin_json), capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd[:2])} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def npm_eval(packages, script, stdin_json):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run(
            ["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", d, *packages],
            check=True, capture_output=True,
        )
        path = pathlib.Path(d) / "confirm.js"
        path.write_text(script)
        return _run(["node", str(path)], d, stdin_json)


def pip_eval(packages, script, stdin_json):
    with tempfile.TemporaryDirectory() as d:
        subprocess.run([sys.executable, "-m", "venv", d + "/v"], check=True, capture_output=True)
        subprocess.run([d + "/v/bin/pip", "install", "--quiet", *packages], check=True, capture_output=True)
        path = pathlib.Path(d) / "confirm.py"
        path.write_text(script)
        return _run([d + "/v/bin/python", str(path)], d, stdin_json)
