"""Runs a provider's official verifier on derived vectors, for the derivation scripts
beside it that confirm their vectors with one.

Each call installs the named packages into a fresh temporary directory with the ordinary
client (`npm install`, `pip install --target`), runs a short script there that reads the
vectors as JSON on standard input and prints one JSON verdict per vector, and returns
those verdicts. Nothing is installed into the repository or the user's environment.
"""
import json
import os
import subprocess
import sys
import tempfile


def _run(cmd, cwd, stdin=None, env=None):
    done = subprocess.run(cmd, cwd=cwd, input=stdin, capture_output=True, text=True, env=env)
    if done.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def npm(packages, script, vectors):
    """`script` is CommonJS; it gets the vectors as `VECTORS` and must print a JSON list."""
    with tempfile.TemporaryDirectory() as d:
        _run(["npm", "init", "-y"], d)
        _run(["npm", "install", "--no-audit", "--no-fund", "--ignore-scripts", *packages], d)
        with open(os.path.join(d, "check.js"), "w") as f:
            f.write("const VECTORS = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n")
            f.write(script)
        return json.loads(_run(["node", "check.js"], d, stdin=json.dumps(vectors)))


def pypi(packages, script, vectors):
    """`script` is Python; it gets the vectors as `VECTORS` and must print a JSON list."""
    with tempfile.TemporaryDirectory() as d:
        _run([sys.executable, "-m", "pip", "install", "--quiet", "--target", d, *packages], d)
        with open(os.path.join(d, "check.py"), "w") as f:
            f.write("import json, sys\nVECTORS = json.load(sys.stdin)\n")
            f.write(script)
        env = dict(os.environ, PYTHONPATH=d)
        return json.loads(_run([sys.executable, "check.py"], d, stdin=json.dumps(vectors), env=env))


def confirm(scheme, vectors, verdicts, official):
    """Asserts that `official` (the verifier's name) agrees with every vector's `expect`."""
    assert len(verdicts) == len(vectors), scheme
    for v, ok in zip(vectors, verdicts):
        want = v["expect"] == "valid"
        assert ok == want, f"{scheme}: {official} says {ok} for {v['id']}"
    print(f"{scheme}: {official} agrees on {len(vectors)} vectors")
