"""Finding the library: USERSIG_LIB, the cargo target directory, and a clear error."""

import os
import subprocess
import sys

from conftest import repo_root

PROBE = "import usersig; print(usersig.library_version())"


def run(env_lib, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("USERSIG_LIB", "CARGO_TARGET_DIR")}
    if env_lib is not None:
        env["USERSIG_LIB"] = env_lib
    return subprocess.run([sys.executable, "-c", PROBE], cwd=str(cwd), env=env,
                          capture_output=True, text=True)


def test_usersig_lib_names_the_library(tmp_path):
    lib = os.environ.get("USERSIG_LIB") or str(repo_root() / "target" / "release" / "libusersig.so")
    r = run(lib, tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.count(".") == 2


def test_the_cargo_target_directory_is_found_from_the_working_directory():
    r = run(None, repo_root() / "bindings" / "python")
    assert r.returncode == 0, r.stderr


def test_a_wrong_usersig_lib_is_a_clear_error(tmp_path):
    r = run(str(tmp_path / "nope.so"), tmp_path)
    assert r.returncode != 0
    assert "LibraryNotFoundError" in r.stderr and "USERSIG_LIB" in r.stderr and "nope.so" in r.stderr
