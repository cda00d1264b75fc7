"""parse_source and every accepted source form."""

import gzip
import io
import shutil

import pytest

from bayspec import io as bio
from bayspec.errors import DataFormatError


def test_plain_path_and_pathlib(tmp_path):
    assert bio.parse_source("a/b.pha") == ("a/b.pha", None, "a/b.pha")
    assert bio.parse_source(tmp_path / "x.pha")[1] is None


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("f.pha{3}", ("f.pha", 3)),
        ("f.pha{ 3 }", ("f.pha", 3)),
        ("f.pha:3", ("f.pha", 3)),
        ("/abs/dir/f.pha:12", ("/abs/dir/f.pha", 12)),
        ("/abs/dir/f.pha", ("/abs/dir/f.pha", None)),
        ("dir:with:colons/f.pha", ("dir:with:colons/f.pha", None)),
        (("f.pha", 2), ("f.pha", 2)),
    ],
)
def test_index_forms(spec, expected):
    target, index, _ = bio.parse_source(spec)
    assert (target, index) == expected


def test_existing_file_name_with_braces_is_literal(tmp_path):
    p = tmp_path / "odd{2}"
    p.write_bytes(b"")
    assert bio.parse_source(str(p))[1] is None


def test_explicit_index_agrees_or_conflicts():
    assert bio.parse_source("f.pha{3}", 3)[1] == 3
    assert bio.parse_source("f.pha", 4)[1] == 4
    with pytest.raises(DataFormatError, match="conflicting"):
        bio.parse_source("f.pha{3}", 4)
    with pytest.raises(DataFormatError, match="integer"):
        bio.parse_source("f.pha", "3")
    with pytest.raises(DataFormatError, match="type"):
        bio.parse_source(3.5)


def test_all_forms_read_the_same_row(bundled, tmp_path):
    f = bundled / "gbm_bn080916009" / "glg_cspec_n3_bn080916009_v01.pha"
    ref = bio.read_pha(f, 3)
    data = f.read_bytes()
    gz = tmp_path / "series.pha.gz"
    with gzip.open(gz, "wb") as fh:
        fh.write(data)
    for spec in (
        f"{f}{{3}}",
        f"{f}:3",
        (str(f), 3),
        (f, 3),
        (io.BytesIO(data), 3),
        (data, 3),
        (memoryview(data), 3),
        f"{gz}{{3}}",
        (io.BytesIO(gzip.compress(data)), 3),
    ):
        got = bio.read_pha(spec)
        assert got.row == 3
        assert (got.counts == ref.counts).all() and got.exposure == ref.exposure


def test_file_object(bundled):
    f = bundled / "gbm_bn090217206" / "bn090217206_n6_srcspectra.pha"
    with open(f, "rb") as fh:
        got = bio.read_pha(fh)
    assert got.nchan == 128


def test_gz_rmf_copy(bundled, tmp_path):
    f = bundled / "gbm_bn090217206" / "bn090217206_n6_weightedrsp.rsp"
    g = tmp_path / "r.rsp.gz"
    with open(f, "rb") as a, gzip.open(g, "wb") as b:
        shutil.copyfileobj(a, b)
    assert (bio.read_rmf(g).matrix == bio.read_rmf(f).matrix).all()
