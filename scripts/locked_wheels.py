"""The Lambda zip's libraries: every distribution the runtime lock pins, each from a wheel whose sha256 the lock
lists, built for Lambda's platform.

`python scripts/locked_wheels.py LOCK WHEELS VENDOR`, run by scripts/package.sh with the interpreter that runs
`chalice package` (whose version is the functions' Runtime):

- pip downloads into WHEELS, with `--require-hashes`, one wheel for each line of LOCK, for Lambda's platform:
  this CPython version, manylinux up to the runtime's glibc on x86_64, binary only (nothing is built here).
  `chalice package` would instead download for this machine and fetch a manylinux wheel by name and version,
  outside the hash check, wherever the first one does not suit Lambda; it gets no requirements file.
- Every file in WHEELS is checked against LOCK again (pip's check, repeated by tests/infra/test_infra_package.py
  on the files the zip was built from): one wheel per locked distribution, at the locked version, its sha256
  among the hashes the lock lists for it, and nothing else.
- The wheels are unpacked into VENDOR as chalice installs wheels (a wheel's `.data/purelib` and `.data/platlib`
  at the top); chalice copies VENDOR into the zip as it is.
"""

import hashlib
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MACHINE = "x86_64"  # Chalice's default Lambda architecture; .chalice/config.json names no other
# The glibc of each Lambda Python runtime's OS (Amazon Linux 2, then Amazon Linux 2023): the newest manylinux
# tag a wheel may carry.
LAMBDA_GLIBC_MINOR = {(3, 11): 26, (3, 12): 34, (3, 13): 34, (3, 14): 34}
OLDEST_MANYLINUX_MINOR = 17  # manylinux_2_17 is manylinux2014, the oldest a wheel names by its glibc

_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")
_HASH = re.compile(r"^\s+--hash=sha256:([0-9a-f]{64})")


def canonical(name: str) -> str:
    """A distribution's name as PEP 503 compares it (pip-compile and wheel file names spell it differently)."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    version: str
    hashes: frozenset[str]


def read_lock(text: str) -> dict[str, Pin]:
    """Each `name==version` line of a hashed lock, with the sha256 hashes on the lines that follow it."""
    pins: dict[str, tuple[str, set[str]]] = {}
    current: set[str] | None = None
    for line in text.splitlines():
        if pinned := _PIN.match(line):
            current = set()
            pins[canonical(pinned[1])] = (pinned[2], current)
        elif (hashed := _HASH.match(line)) and current is not None:
            current.add(hashed[1])
        elif line and not line[0].isspace():
            current = None
    return {name: Pin(version, frozenset(hashes)) for name, (version, hashes) in pins.items()}


def platforms(version: tuple[int, int]) -> list[str]:
    """pip's `--platform` values for the runtime, newest glibc first: pip takes each literally and prefers them
    in this order, as it orders this machine's own tags. The last, a legacy name, also admits the older
    manylinux2010 and manylinux1 wheels, and wheels tagged by that name only."""
    if version not in LAMBDA_GLIBC_MINOR:
        raise SystemExit(f"no Lambda glibc known for Python {version[0]}.{version[1]}: add it to LAMBDA_GLIBC_MINOR")
    newest = LAMBDA_GLIBC_MINOR[version]
    perennial = [f"manylinux_2_{minor}_{MACHINE}" for minor in range(newest, OLDEST_MANYLINUX_MINOR - 1, -1)]
    return [*perennial, f"manylinux2014_{MACHINE}"]


def download(lock: Path, wheels: Path, version: tuple[int, int]) -> None:
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--require-hashes", "--only-binary=:all:",
               "--implementation", "cp", "--python-version", f"{version[0]}.{version[1]}",
               "--abi", f"cp{version[0]}{version[1]}", "--dest", str(wheels), "-r", str(lock)]
    for platform in platforms(version):
        command += ["--platform", platform]
    subprocess.run(command, check=True)


def wheel_pin(filename: str) -> tuple[str, str]:
    """The distribution and version a wheel's file name carries (`name-version[-build]-py-abi-platform.whl`)."""
    parts = filename.removesuffix(".whl").split("-")
    if not filename.endswith(".whl") or len(parts) not in (5, 6):
        raise SystemExit(f"{filename}: not a wheel; the zip ships only the lock's wheels")
    return canonical(parts[0]), parts[1]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(pins: dict[str, Pin], wheels: Path) -> list[Path]:
    """The wheels, once each is shown to be the one file of a locked distribution at its version and hash."""
    files = sorted(wheels.iterdir())
    problems, found = [], set()
    for path in files:
        name, version = wheel_pin(path.name)
        pin = pins.get(name)
        if pin is None:
            problems.append(f"{path.name}: {name} is not in the lock")
        elif version != pin.version:
            problems.append(f"{path.name}: the lock pins {name}=={pin.version}")
        elif sha256(path) not in pin.hashes:
            problems.append(f"{path.name}: its sha256 {sha256(path)} is not among the lock's hashes for {name}")
        elif name in found:
            problems.append(f"{path.name}: a second wheel of {name}")
        found.add(name)
    problems += [f"{name}=={pins[name].version}: locked but no wheel downloaded" for name in sorted(set(pins) - found)]
    if problems:
        raise SystemExit("the wheels are not the lock's:\n  " + "\n  ".join(problems))
    return files


def installed_name(wheel: Path, member: str) -> str | None:
    """Where a wheel's file lands in the zip, as chalice installs a wheel: the `.data` folder's purelib and
    platlib at the top, its other folders (scripts, headers) left where they are. None for a folder."""
    path = PurePosixPath(member)
    if member.endswith("/"):
        return None
    if path.is_absolute() or ".." in path.parts:
        raise SystemExit(f"{wheel.name}: {member} points outside the package")
    if len(path.parts) > 2 and path.parts[0].endswith(".data") and path.parts[1] in {"purelib", "platlib"}:
        return PurePosixPath(*path.parts[2:]).as_posix()
    return path.as_posix()


def unpack(files: list[Path], vendor: Path) -> int:
    written: dict[str, str] = {}
    for wheel in files:
        with zipfile.ZipFile(wheel) as archive:
            for member in archive.namelist():
                name = installed_name(wheel, member)
                if name is None:
                    continue
                if name in written:
                    raise SystemExit(f"{wheel.name} and {written[name]} both ship {name}")
                written[name] = wheel.name
                target = vendor / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
    return len(written)


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    lock, wheels, vendor = (Path(arg) for arg in argv)
    for folder in (wheels, vendor):
        if folder.exists() and any(folder.iterdir()):
            raise SystemExit(f"{folder} is not empty: it must hold this build's files only")
        folder.mkdir(parents=True, exist_ok=True)
    version = sys.version_info.major, sys.version_info.minor
    download(lock, wheels, version)
    files = check(read_lock(lock.read_text()), wheels)
    count = unpack(files, vendor)
    print(f"{len(files)} wheels for cp{version[0]}{version[1]} {platforms(version)[0]}, each one the lock's "
          f"(sha256 checked), unpacked into {vendor} ({count} files)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
