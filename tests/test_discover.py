"""Finding a class's submissions in every accepted layout, and refusing unsafe archives."""
from __future__ import annotations

import stat
import zipfile

import pytest

from autograder.channels import discover
from autograder.engine.errors import BadInput

NAMES = ["conv_padding", "cross_entropy"]


def touch(path, text="x = 1\n"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def found(root, tmp_path):
    result = discover.discover(root, NAMES, tmp_path / "work")
    return {(i.student, i.assignment, i.path.name) for i in result.items}, result.skipped


def test_student_folders_nbgrader_layout_and_zips(tmp_path):
    root = tmp_path / "class"
    touch(root / "ann" / "conv_padding.py")
    touch(root / "ann" / "cross_entropy.ipynb")
    touch(root / "ben" / "conv_padding" / "anything.ipynb")
    with zipfile.ZipFile(root / "cat.zip", "w") as zf:
        zf.writestr("cat/conv_padding.py", "x = 2\n")  # one top folder is looked into
    with zipfile.ZipFile(root / "dan.zip", "w") as zf:
        zf.writestr("cross_entropy/work.ipynb", "{}")
    items, skipped = found(root, tmp_path)
    assert items == {("ann", "conv_padding", "conv_padding.py"), ("ann", "cross_entropy", "cross_entropy.ipynb"),
                     ("ben", "conv_padding", "anything.ipynb"), ("cat", "conv_padding", "conv_padding.py"),
                     ("dan", "cross_entropy", "work.ipynb")}
    assert skipped == []


def test_nbgrader_course_directory_is_recognised(tmp_path):
    course_dir = tmp_path / "course"
    touch(course_dir / "submitted" / "eve" / "conv_padding" / "conv_padding.ipynb")
    touch(course_dir / "submitted" / "eve" / "conv_padding" / "scratch.ipynb")
    touch(course_dir / "source" / "conv_padding" / "conv_padding.ipynb")
    items, skipped = found(course_dir, tmp_path)
    assert items == {("eve", "conv_padding", "conv_padding.ipynb")}
    assert any("scratch.ipynb" in s and "not graded" in s for s in skipped)


def test_unknown_files_are_reported_and_skipped(tmp_path):
    root = tmp_path / "class"
    touch(root / "readme.txt")
    touch(root / "fay" / "homework.py")
    touch(root / "fay" / "conv_padding.py")
    items, skipped = found(root, tmp_path)
    assert items == {("fay", "conv_padding", "conv_padding.py")}
    assert any(s.startswith("readme.txt") for s in skipped)
    assert any("fay/homework.py" in s for s in skipped)


def test_missing_folder_is_bad_input(tmp_path):
    with pytest.raises(BadInput, match="no such folder"):
        discover.discover(tmp_path / "nope", NAMES, tmp_path)


@pytest.mark.parametrize("member", ["../evil.py", "/etc/evil.py", "a/../../evil.py", "C:\\evil.py"])
def test_zip_slip_is_refused(tmp_path, member):
    archive = tmp_path / "bad.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(member, "boom")
    with pytest.raises(BadInput, match="absolute path|outside the archive"):
        discover.extract_zip(archive, tmp_path / "out")
    assert not (tmp_path / "evil.py").exists()


def test_symlinks_in_zips_are_refused(tmp_path):
    archive = tmp_path / "link.zip"
    info = zipfile.ZipInfo("conv_padding.py")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(info, "/etc/passwd")
    with pytest.raises(BadInput, match="symbolic link"):
        discover.extract_zip(archive, tmp_path / "out")


def test_zip_bombs_are_refused_by_declared_and_by_real_size(tmp_path, monkeypatch):
    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("conv_padding.py", "0" * 5_000_000)
    assert archive.stat().st_size < 100_000
    monkeypatch.setattr(discover, "MAX_ZIP_BYTES", 1_000_000)
    with pytest.raises(BadInput, match="expands"):
        discover.extract_zip(archive, tmp_path / "out")
    # A header that under-states the size is caught while copying.
    monkeypatch.setattr(zipfile.ZipInfo, "file_size", property(lambda self: 10, lambda self, v: None))
    with pytest.raises(BadInput, match="expands past|Bad CRC"):
        discover.extract_zip(archive, tmp_path / "out2")


def test_too_many_members_and_broken_archives_are_refused(tmp_path, monkeypatch):
    archive = tmp_path / "many.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for i in range(5):
            zf.writestr(f"f{i}.py", "")
    monkeypatch.setattr(discover, "MAX_ZIP_MEMBERS", 3)
    with pytest.raises(BadInput, match="more than 3 files"):
        discover.extract_zip(archive, tmp_path / "out")
    broken = tmp_path / "broken.zip"
    broken.write_bytes(b"PK\x03\x04 not really")
    with pytest.raises(BadInput, match="not a readable zip"):
        discover.extract_zip(broken, tmp_path / "out")


def test_refused_zip_is_that_students_row_with_its_reason_and_the_rest_goes_on(tmp_path):
    root = tmp_path / "class"
    touch(root / "gus" / "conv_padding.py")
    with zipfile.ZipFile(root / "hal.zip", "w") as zf:
        zf.writestr("../../conv_padding.py", "boom")
    result = discover.discover(root, NAMES, tmp_path / "work")
    assert {(i.student, i.assignment, i.problem is None) for i in result.items} == {
        ("gus", "conv_padding", True), ("hal", "conv_padding", False)}
    hal = next(i for i in result.items if i.student == "hal")
    assert hal.problem.startswith("hal.zip refused:") and ".." in hal.problem
    assert result.skipped == []
