"""Run the tutorials (``docs/tutorials/*.py``) and write their pages with output and figures.

A tutorial is a Python script in "percent" cells: a line ``# %%`` starts a cell; a cell whose
lines are all comments is reStructuredText prose (``# `` stripped), any other cell is code.
The first prose line of the form ``Title`` + ``=====`` is the page title. A line
``# needs: <path>`` (relative to the repository root, e.g. ``../shared/data/hess_crab``)
names data that are not bundled: when the path is absent the page says so and shows the code
without running it, so the documentation builds on a fresh clone.

Each tutorial runs in its own Python process (the tutorials run in parallel, one per core),
with the repository root as working directory and matplotlib's Agg backend; after each code
cell the open figures are saved as PNG next to the page and closed. A failing tutorial
stops the build with its traceback.

Run one by hand: ``python docs/_ext/run_tutorials.py docs/tutorials/gbm_grb.py OUT.json FIGDIR``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
_NEEDS = re.compile(r"^#\s*needs:\s*(\S+)\s*$", re.M)


def split_cells(text: str) -> list:
    """``[(kind, source)]`` with kind ``"text"`` or ``"code"``."""
    cells = []
    for chunk in re.split(r"^# %%[^\n]*\n", text, flags=re.M):
        lines = [ln for ln in chunk.strip("\n").splitlines() if not _NEEDS.match(ln)]
        if not any(ln.strip() for ln in lines):
            continue
        if all(ln.startswith("#") or not ln.strip() for ln in lines):
            prose = "\n".join(ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in lines)
            cells.append(("text", prose.strip("\n")))
        else:
            cells.append(("code", "\n".join(lines).strip("\n")))
    return cells


def needs(text: str) -> list:
    """Paths (relative to the repository root) the tutorial needs."""
    return _NEEDS.findall(text)


def _missing(text: str) -> list:
    return [p for p in needs(text) if not (REPO / p).exists()]


def run_file(path, figdir) -> list:
    """Execute the cells of ``path`` in one namespace; return ``[{kind, source, output,
    figures}]``. Run from the repository root."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    path, figdir = Path(path), Path(figdir)
    figdir.mkdir(parents=True, exist_ok=True)
    ns = {"__name__": "__main__", "__file__": str(path)}
    out, nfig = [], 0
    for kind, src in split_cells(path.read_text()):
        cell = {"kind": kind, "source": src, "output": "", "figures": []}
        if kind == "code":
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(buf):  # warnings too
                exec(compile(src, str(path), "exec"), ns)  # noqa: S102 - our own tutorial
            cell["output"] = buf.getvalue()
            for num in plt.get_fignums():
                nfig += 1
                name = f"{path.stem}_{nfig}.png"
                plt.figure(num).savefig(figdir / name, dpi=80, bbox_inches="tight")
                cell["figures"].append(name)
            plt.close("all")
        out.append(cell)
    return out


def _literal(text: str, lang: str) -> list:
    return [f".. code-block:: {lang}", ""] + [("   " + ln) if ln.strip() else "" for ln in
                                                text.rstrip().splitlines()] + [""]


def render(cells, missing=(), seconds=None) -> str:
    """The page of a tutorial (reStructuredText)."""
    lines = []
    for i, c in enumerate(cells):
        if c["kind"] == "text":
            lines += [c["source"], ""]
            if i == 0 and missing:
                lines += [".. note::", "", "   This tutorial needs data that are not bundled with bayspec "
                          "and were absent when these pages were built: "
                          + ", ".join(f"``{m}``" for m in missing)
                          + " (relative to the repository). Its code is shown without output.", ""]
            continue
        lines += _literal(c["source"], "python")
        if c.get("output", "").strip():
            lines += _literal(c["output"], "text")
        for f in c.get("figures", []):
            lines += [f".. image:: {f}", "   :width: 90%", ""]
    if seconds is not None:
        lines += [f"*Executed when the documentation was built ({seconds:.1f} s).*", ""]
    return "\n".join(lines) + "\n"


def _run_one(src: Path, out: Path, run: bool):
    text = src.read_text()
    missing = _missing(text)
    if not run or missing:
        cells = [{"kind": k, "source": s} for k, s in split_cells(text)]
        return src, cells, missing, None
    js = out / f"{src.stem}.json"
    t0 = time.perf_counter()
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONHASHSEED": "0"}
    proc = subprocess.run([sys.executable, __file__, str(src), str(js), str(out)], cwd=REPO,
                          env=env, capture_output=True, text=True)
    if proc.returncode:
        raise RuntimeError(f"tutorial {src.name} failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-6000:]}")
    return src, json.loads(js.read_text()), [], time.perf_counter() - t0


def write_tutorial_pages(srcdir, outdir, write, run=True) -> None:
    """Run every ``srcdir/*.py`` (in parallel) and write ``outdir/<name>.rst``."""
    srcdir, outdir = Path(srcdir), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    files = sorted(srcdir.glob("*.py"))
    with ThreadPoolExecutor(max_workers=max(1, min(len(files), os.cpu_count() or 1))) as pool:
        results = list(pool.map(lambda f: _run_one(f, outdir, run), files))
    for src, cells, missing, seconds in results:
        if seconds is not None:
            print(f"bayspec docs: tutorial {src.name} ran in {seconds:.1f} s")
        write(outdir / f"{src.stem}.rst", render(cells, missing, seconds))


if __name__ == "__main__":
    _src, _json, _figdir = sys.argv[1:4]
    sys.path.insert(0, str(REPO))
    cells = run_file(_src, _figdir)
    Path(_json).write_text(json.dumps(cells))
