"""Builds the usersig C library with cargo and puts it inside the package.

`pip install bindings/python` (or `pip wheel`) runs this: cargo builds the workspace member
usersig-c (bindings/c) in release mode, and the resulting libusersig.so is copied next to the
Python modules, where usersig/_native.py loads it first. It also compiles usersig._fastmint, the
C extension that makes Signer's minting call (ext/_fastmint.c), against the header in
include/. Nothing has to be built or set beforehand; cargo (the Rust toolchain) and a C compiler
must be on PATH, with the interpreter's headers (Python.h). The wheel is tagged for this
platform, as it carries native code.
"""

import os
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext
from setuptools.command.build_py import build_py
from setuptools.dist import Distribution

HERE = Path(__file__).resolve().parent
LIBRARY = {"darwin": "libusersig.dylib", "win32": "usersig.dll"}.get(sys.platform, "libusersig.so")


def repository_root() -> Path:
    """The usersig checkout this package sits in: the first parent with the workspace manifest."""
    for directory in HERE.parents:
        manifest = directory / "Cargo.toml"
        if manifest.is_file() and "usersig-c" in manifest.read_text(encoding="utf-8"):
            return directory
    sys.exit("usersig: building the package needs the usersig source checkout around it "
             "(no Cargo.toml with the usersig-c member above %s)" % HERE)


class BuildWithLibrary(build_py):
    """build_py, then cargo build of the C library, copied into the built package."""

    def run(self):
        super().run()
        root = repository_root()
        target = Path(os.environ.get("CARGO_TARGET_DIR") or root / "target")
        cargo = os.environ.get("CARGO", "cargo")
        subprocess.run([cargo, "build", "--release", "--locked", "-p", "usersig-c"],
                       cwd=str(root), check=True)
        built = target / "release" / LIBRARY
        destination = Path(self.build_lib) / "usersig" / LIBRARY
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(str(built), str(destination))


class BuildWithHeader(build_ext):
    """build_ext, with the checkout's include/ (usersig.h, generated from the Rust code) on the
    include path. The extension links no library: it calls the one usersig._native loaded."""

    def build_extensions(self):
        include = str(repository_root() / "include")
        for extension in self.extensions:
            extension.include_dirs.append(include)
        super().build_extensions()


class NativeDistribution(Distribution):
    """A distribution with native code: platform wheels, never a pure-Python one."""

    def has_ext_modules(self):
        return True


setup(
    cmdclass={"build_py": BuildWithLibrary, "build_ext": BuildWithHeader},
    distclass=NativeDistribution,
    ext_modules=[Extension("usersig._fastmint", sources=["ext/_fastmint.c"])],
)
